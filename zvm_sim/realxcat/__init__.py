"""Real-xCAT mode: xCAT's own plugins (zvm.pm, xdsh.pm) in place of the simulator's xCAT layer.

xcat-core's Perl is not part of this project (EPL-1.0). It is read at run time from
$REALXCAT_XCAT_CORE, by default ``<repo>/../shared/xcat-core``, with the xCAT framework
stand-ins (xCAT::Table from a JSON file, xfork inline, syslog to a file) of
$REALXCAT_STUBS, by default ``<repo>/../shared/realxcat/stubs``, and this folder's
stubs/ (xdsh's context, xCAT::Zone, NodeRange, DSHRemoteShell).

What runs for real: zvm.pm's process_request and everything below it (changeHypervisor,
changeVM, powerVM, listVM, inventoryHypervisor, zvmUtils.pm, zvmCPUtils.pm, MsgUtils.pm)
and xdsh.pm's with DSHCLI.pm, DSHCore.pm and SSH.pm, for the commands of
:meth:`RealXcat.handles`, with xCAT's own shell strings run by /bin/sh and the XML round
trip of xcatd and zvmxcatws.cgi (driver.pl). The simulator's z/VM stands behind it:

- the pool files xCAT edits over "ssh" ARE the simulator's state files (the sandbox's
  ``hosts/<zhcp>/var/opt/zhcp/zfcp`` is a symlink to them);
- ``smcli`` answers from the simulator's directory, FCP devices and power (shims/smcli
  asks smapi.py over the sandbox's Unix socket ``smapi.sock``, served here); ``vmcp``
  and ``rpower stat`` from the power states written into the sandbox before each
  request; ``vmur``/``vmcp`` keep the zHCP's spool and transfer to guest readers;
- xdsh's remote shell (shims/dsh/ssh) runs the command in the guest model; zvm.pm's own
  ping and ssh do not reach guests, so its guest steps are skipped as for an
  unreachable guest.

Everything else (the CGI routing, authentication, faults and the call log, rpower
reset/isreachable, lsvm options, tables, version) stays the simulator's. One Perl process
compiles the modules once and forks per request (about 20 ms instead of 0.5 s per
request); zvm.pm requests run one at a time, xdsh requests concurrently (a pool).
"""

import json
import os
import shutil
import socketserver
import subprocess
import threading
import time

from zvm_sim.realxcat import smapi

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DRIVER = os.path.join(HERE, 'driver.pl')

# The commands zvm.pm runs here (command, first argument); None: any first argument.
_REAL = {
    'rinv': ('--zfcppool', '--zfcppoolnames', '--fcpdevices'),
    'chhypervisor': None,
    'chvm': ('--dedicatedevice', '--undedicatedevice', '--removezfcp', '--addzfcp',
             '--aemod'),
    'xdsh': None,
    'rpower': ('stat', 'on', 'off', 'softoff'),
    'lsvm': (),     # the directory entry only (no option)
}

# zvmxcatws.cgi 1078-1143: dsh body elements -> xdsh options, in the CGI's order, for
# the elements the simulator's own xdsh takes; the command comes last.
_DSH_OPTIONS = (('nolocale', '-L', False), ('options', '-o', True),
                ('timeout', '-t', True))


def dsh_args(elements):
    """The xdsh arguments the CGI builds from a dsh body's key=value elements."""
    args = []
    for key, option, takes_value in _DSH_OPTIONS:
        if key in elements:
            args += [option, elements[key]] if takes_value else [option]
    if 'command' in elements:
        args.append(elements['command'])
    return args


def locate():
    """(xcat_core, stubs) folders, from the environment or beside the repository."""
    shared = os.path.join(os.path.dirname(REPO), 'shared')
    return (os.environ.get('REALXCAT_XCAT_CORE') or os.path.join(shared, 'xcat-core'),
            os.environ.get('REALXCAT_STUBS') or os.path.join(shared, 'realxcat', 'stubs'))


def unavailable_reason():
    """None when real-xCAT mode can run here, else one line saying why not."""
    core, stubs = locate()
    if not os.path.isfile(os.path.join(core, 'xCAT-server/lib/xcat/plugins/zvm.pm')):
        return 'xcat-core not found at %s (set REALXCAT_XCAT_CORE)' % core
    if not os.path.isfile(os.path.join(stubs, 'xCAT', 'Table.pm')):
        return 'realxcat framework stubs not found at %s (set REALXCAT_STUBS)' % stubs
    if shutil.which('perl') is None:
        return 'perl is not installed'
    probe = subprocess.run(['perl', '-MXML::Simple', '-MJSON::PP', '-e', '1'],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if probe.returncode:
        return 'perl modules XML::Simple/JSON::PP missing (apt-get install libxml-simple-perl)'
    return None


class RealXcat:
    """Runs zvm.pm requests against the simulator ``sim``."""

    def __init__(self, sim):
        reason = unavailable_reason()
        if reason:
            raise RuntimeError('real-xCAT mode unavailable: ' + reason)
        self.sim = sim
        self.core, self.stubs = locate()
        self.sandbox = os.path.join(sim.state_dir, 'realxcat')
        self.env = dict(os.environ, REALXCAT_XCAT_CORE=self.core,
                        REALXCAT_STUBS=self.stubs, REALXCAT_SANDBOX=self.sandbox)
        self._lock = threading.Lock()
        self._proc = None
        # xdsh requests run concurrently (a guest script may take a while), each in
        # an idle driver process of this pool, or a new one.
        self._pool_lock = threading.Lock()
        self._idle = []
        self._written = {}      # sandbox file -> text last written
        os.makedirs(os.path.join(self.sandbox, 'tmp'), exist_ok=True)
        self._smapi = _SmapiServer(os.path.join(self.sandbox, 'smapi.sock'), sim)
        threading.Thread(target=self._smapi.serve_forever, name='realxcat-smapi',
                         daemon=True).start()
        # Compile zvm.pm now, not in the first request (about a second when busy:
        # longer than the timeouts some tests give the product).
        with sim.lock:
            self._layout()
        self._process()

    def handles(self, command, node, args):
        if command not in _REAL:
            return False
        found = self.sim.find_node(node)
        if found is None:
            return False
        if command == 'xdsh':
            return True
        if command == 'rinv' and found[0] != 'hypervisor':
            return False
        if command in ('rpower', 'lsvm') and found[0] != 'guest':
            return False
        first = _REAL[command]
        if first == ():
            return not args
        return first is None or (bool(args) and args[0] in first)

    def _layout(self):
        """The sandbox: one zHCP folder per system, pools linked, tables.json."""
        zvm, hyper, nodetype = {}, {}, {}
        for system in self.sim.systems.values():
            root = os.path.join(self.sandbox, 'hosts', system.zhcp)
            os.makedirs(os.path.join(root, 'var', 'opt', 'zhcp'), exist_ok=True)
            link = os.path.join(root, 'var', 'opt', 'zhcp', 'zfcp')
            os.makedirs(system.pool_files.path, exist_ok=True)
            if not os.path.islink(link):
                os.symlink(system.pool_files.path, link)
            self._write('hosts/%s/userid' % system.zhcp, system.zhcp_userid)
            self._write('hosts/%s/sys/bus/ccw/drivers/vmur/0.0.000d/online' % system.zhcp,
                        '1\n')
            hyper[system.hypervisor] = {'type': 'zvm'}
            for guest in system.guests.values():
                self._write('power/node/' + guest.node, guest.power)
                self._write('power/userid/' + guest.userid, guest.power)
            nodetype[system.hypervisor] = {'os': 'zvm7.1'}
        for row in self.sim.tables.get('zvm', []):
            zvm[row['node']] = {'hcp': row.get('hcp'), 'userid': row.get('userid'),
                                'status': row.get('status') or ''}
        for row in self.sim.tables.get('nodetype', []):
            nodetype[row['node']] = {'os': row.get('os', '')}
        tables = {'zvm': zvm, 'hypervisor': hyper, 'nodetype': nodetype,
                  'passwd': [{'key': 'sudoer', 'username': 'root'}]}
        self._write('tables.json', json.dumps(tables, sort_keys=True))

    def _write(self, name, text):
        """Write a sandbox file when its text changed (atomically)."""
        if self._written.get(name) == text:
            return
        path = os.path.join(self.sandbox, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path + '.tmp', 'w') as f:
            f.write(text)
        os.replace(path + '.tmp', path)
        self._written[name] = text

    def _process(self):
        if self._proc is None or self._proc.poll() is not None:
            self._proc = self._spawn()
        return self._proc

    def _spawn(self):
        with open(os.path.join(self.sandbox, 'driver.log'), 'ab') as log:
            return subprocess.Popen(
                ['perl', DRIVER], env=self.env, cwd=self.sandbox, stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1)

    def xdsh(self, node, elements, fault=None):
        """The reply messages of xdsh.pm/DSHCLI.pm running a dsh request's command.

        ``fault``: (action, text) of a test control, applied by the guest stand-in.
        """
        started = time.time()
        args = dsh_args(elements)
        request = json.dumps({'command': ['xdsh'], 'node': [node], 'arg': args})
        with self._lock:
            with self.sim.lock:
                self._layout()
        with self._pool_lock:
            proc = None
            while self._idle and proc is None:
                proc = self._idle.pop()
                if proc.poll() is not None:
                    proc = None
        if fault:
            self._smapi.guest_faults[node] = fault
        try:
            messages = self._via_server(request, proc or self._spawn(), pooled=True)
        finally:
            self._smapi.guest_faults.pop(node, None)
        self._log_timing(started, 'xdsh', node, [elements.get('command', '')[:40]])
        return messages

    def run(self, command, node, args):
        """The response messages of ``command node args`` (callback order).

        Normally one request at a time through the persistent Perl process.
        When the simulator runs "unlocked" (xCAT's unlocked pool edits), each
        request gets its own Perl process and they run concurrently, as xcatd
        forks one plugin process per request: xCAT's read-modify-write races
        on the pool files then happen for real.
        """
        started = time.time()
        request = json.dumps({'command': [command], 'node': [node], 'arg': list(args)})
        with self._lock:
            os.makedirs(os.path.join(self.sandbox, 'tmp'), exist_ok=True)
            with self.sim.lock:
                self._layout()
            if not self.sim.unlocked:
                messages = self._via_server(request)
        if self.sim.unlocked:
            messages = self._one_shot(request)
        self._storage_follows(command, args, messages)
        self._log_timing(started, command, node, args)
        return messages

    def _log_timing(self, started, command, node, args):
        """Seconds per request, for the cost figures of the docs (realxcat.rst)."""
        timing = os.environ.get('REALXCAT_TIMING_LOG') or os.path.join(
            self.sandbox, 'timing.log')
        with open(timing, 'a') as log:
            log.write('%.3f %s %s %s\n' % (time.time() - started, command, node,
                                           ' '.join(args).replace('\n', '\\n')))

    def _via_server(self, request, proc=None, pooled=False):
        proc = proc or self._process()
        proc.stdin.write(request + '\n')
        proc.stdin.flush()
        messages = []
        for line in proc.stdout:
            if line == 'END\n':
                if pooled:
                    with self._pool_lock:
                        self._idle.append(proc)
                return messages
            if line.startswith('RSP '):
                messages.append(json.loads(line[4:]))
        if not pooled:
            self._proc = None
        raise RuntimeError('realxcat driver ended mid-request (see %s/driver.log)'
                           % self.sandbox)

    def _one_shot(self, request):
        with open(os.path.join(self.sandbox, 'driver.log'), 'ab') as log:
            done = subprocess.run(['perl', DRIVER, request], env=self.env, cwd=self.sandbox,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=log, text=True, timeout=300)
        return [json.loads(line[4:]) for line in done.stdout.splitlines()
                if line.startswith('RSP ')]

    def _storage_follows(self, command, args, messages):
        """A LUN xCAT added to a pool exists on the simulated SAN.

        As with the simulator's own --addzfcp2pool (xcatd.chhypervisor).
        """
        if command != 'chhypervisor' or not args or args[0] != '--addzfcp2pool':
            return
        last = (messages[-1].get('info') or [''])[-1] if messages else ''
        if len(args) > 5 and (last or '').endswith('pool... Done'):
            from zvm_sim.core.storage import parse_size
            wwpns = args[3].replace('"', '').replace('0x', '').lower().split(';')
            with self.sim.lock:
                self.sim.luns.add(wwpns, args[4].replace('0x', '').lower(),
                                  parse_size(args[5]))
                self.sim.save()

    def close(self):
        with self._pool_lock:
            procs, self._idle = [self._proc] + self._idle, []
        for proc in procs:
            if proc is not None and proc.poll() is None:
                proc.stdin.close()
                proc.wait(10)
        self._proc = None
        self._smapi.shutdown()
        self._smapi.server_close()


class _SmapiHandler(socketserver.StreamRequestHandler):
    """One smcli call: a JSON line {tool, argv, host} in, {out, rc} out."""

    def handle(self):
        ask = json.loads(self.rfile.readline())
        host = ask.get('host', '')
        if ask['tool'] == 'guest':
            # Not under the model lock (the guest model has its own): a slow
            # command must not stall the zvm.pm requests.
            answer = smapi.guest(self.server.sim, ask['argv'][0], host,
                                 self.server.guest_faults.get(host))
        else:
            out, rc = smapi.handle(self.server.sim, ask['tool'], ask.get('argv', []), host,
                                   self.server.spool)
            answer = {'out': out, 'rc': rc}
        self.wfile.write((json.dumps(answer) + '\n').encode())


class _SmapiServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True

    def __init__(self, path, sim):
        if os.path.exists(path):
            os.unlink(path)
        self.sim = sim
        self.guest_faults = {}      # node -> (action, text) of the xdsh running there
        self.spool = {}             # spool id -> punched file not yet in a guest reader
        super().__init__(path, _SmapiHandler)
