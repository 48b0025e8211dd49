"""A real ``cinder-volume`` process on a sqlite database (demo and tests).

cinder-volume starts one process per backend, all writing to the database
at once. sqlite fails a write at once ("database is locked", whatever the
busy timeout) when its transaction had already read and another process
wrote meanwhile; cinder supports sqlite for tests only and does not retry
there. So the journal is WAL (readers never block the writer), and a start
whose log shows that sqlite error is repeated once, with the first log kept
as ``<log>.sqlite-locked``. Any other failure is the caller's to report.

Used by tools/demo.py (as a sibling module: tools/ is that script's
directory) and by tests/cinder/functional/test_cinder_volume_service.py.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time

BIN = os.path.dirname(sys.executable)
SQLITE_LOCKED = 'database is locked'


def db_sync(conf, db_path):
    """``cinder-manage db sync``, then the WAL journal; returns the mode."""
    subprocess.run([os.path.join(BIN, 'cinder-manage'), '--config-file',
                    conf, 'db', 'sync'], check=True, capture_output=True,
                   timeout=300)
    db = sqlite3.connect(db_path)
    try:
        return db.execute('PRAGMA journal_mode=WAL').fetchone()[0].lower()
    finally:
        db.close()


class CinderVolume(object):
    """One ``cinder-volume --config-file conf`` in its own process group."""

    def __init__(self, conf, log_path):
        self.conf = conf
        self.log_path = log_path
        self.restarted = False
        self.proc = self._spawn()

    def _spawn(self):
        return subprocess.Popen(
            [os.path.join(BIN, 'cinder-volume'), '--config-file', self.conf],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)

    @property
    def pid(self):
        return self.proc.pid

    def stop(self):
        """TERM the group (parent and backends), KILL it after 30 s."""
        if self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def log(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except FileNotFoundError:
            return ''

    def wait(self, predicate, timeout, on_restart=None):
        """Poll ``predicate``: True once it holds, else False.

        False after ``timeout`` seconds or once cinder-volume has exited.
        The first time the log shows sqlite's refusal, the process is
        started again (``on_restart`` first, e.g. to clear a call log) and
        the timeout starts over.
        """
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return True
            if not self.restarted and SQLITE_LOCKED in self.log():
                self.stop()
                os.replace(self.log_path, self.log_path + '.sqlite-locked')
                if on_restart is not None:
                    on_restart()
                self.restarted = True
                self.proc = self._spawn()
                deadline = time.time() + timeout
                continue
            if self.proc.poll() is not None:
                return predicate()
            time.sleep(0.5)
        return False
