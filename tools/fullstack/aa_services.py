"""The servers fullstack.sh started, as the aa scenario kills and restarts them.

fullstack.sh's ``start`` writes each server's command line, environment
and process group to ``$WORK/services/NAME.{cmd,env,pgid}``.
"""

import os
import signal
import socket
import subprocess
import time


class Services:
    """The servers fullstack.sh started: kill -9 and restart by name."""

    def __init__(self, work):
        self.dir = os.path.join(work, 'services')
        self.logs = os.path.join(work, 'logs')

    def _read(self, name, ext):
        with open(os.path.join(self.dir, '%s.%s' % (name, ext)), 'rb') as f:
            return f.read()

    def kill(self, name):
        pgid = int(self._read(name, 'pgid'))
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)

    def env(self, name):
        return dict(e.decode().split('=', 1) for e in
                    self._read(name, 'env').split(b'\0') if b'=' in e)

    def start(self, name, drop=()):
        cmd = [a.decode() for a in self._read(name, 'cmd').split(b'\0')
               if a and a.decode() not in drop]
        env = self.env(name)
        log = open(os.path.join(self.logs, name + '.log'), 'ab')
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=log,
                                stdin=subprocess.DEVNULL,
                                start_new_session=True)
        log.close()
        with open(os.path.join(self.dir, name + '.pgid'), 'w') as f:
            f.write('%d\n' % proc.pid)

    def restart(self, name, drop=()):
        self.kill(name)
        self.start(name, drop)


def listening(port):
    try:
        socket.create_connection(('127.0.0.1', port), 2).close()
        return True
    except OSError:
        return False
