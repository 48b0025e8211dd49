"""xcatd command dispatch: rinv, chhypervisor, lsvm, rpower, xdsh, lsxcatd and tables.

Each handler returns the list of response messages the plugin would send
(see reply.py).  ``chvm`` lives in chvm.py.  Sources followed:

- rinv on a hypervisor: zvm.pm inventoryHypervisor (``--fcpdevices``,
  ``--zfcppool``, ``--zfcppoolnames``); the whole output is one printLn with
  ``node: `` prefixed to every line (appendHostname).
- chhypervisor: zvm.pm changeHypervisor, pool options in pools.py.
- rpower: zvm.pm powerVM (stat via ``vmcp q user``: ``node: on|off``;
  isreachable: ``node: reachable|unreachable``; on/off through Image_Activate /
  Image_Deactivate).
- xdsh: the remote command and the reply shaping are dsh.py's (xdsh.pm,
  DSHCLI.pm, DSHCore.pm, held against them by tests/oracle/test_dsh_diff.py); the
  remote shell runs the command in the guest model (:func:`remote_shell`).
- lsxcatd -v: ``Version 2.8.3.16 (git commit <hash>, built <date>)``.
- gettab/tabdump/tabch: xCAT table commands on the zvm, hosts and nodetype
  tables (``data`` messages: one value, or ``tab.col: value`` lines).
"""

from zvm_sim.core import guestlink
from zvm_sim.core.model import TABLE_COLUMNS
from zvm_sim.core import pools
from zvm_sim.xcat import chvm
from zvm_sim.xcat import dsh
from zvm_sim.xcat import reply
from zvm_sim.xcat import rmvm

GIT_COMMIT = '7733d16f8cf8da1b35e30c1cc1ba4c6bf2b64e3a'
BUILT = 'Mon Oct 30 10:00:00 EDT 2017'


class Refused(Exception):
    """xcatd refuses the request itself (HTTP 401/403 in the CGI)."""

    def __init__(self, text, status=403):
        super().__init__(text)
        self.text = text
        self.status = status


def check_nodes(sim, noderange):
    if not noderange or not sim.known_node(noderange):
        raise Refused('Invalid nodes and/or groups in noderange: %s' % (noderange or ''))


def _lines(texts):
    return [reply.println(t) for t in texts]


# --- rinv / lsvm ---------------------------------------------------------------

def rinv(sim, node, args):
    kind, system, guest = sim.find_node(node)
    if kind == 'guest':
        return [reply.println(reply.with_hostname(node, _guest_inventory(guest)))]
    if kind != 'hypervisor':
        return [reply.println('%s: (Error) Option not supported' % node)]
    opt = args[0] if args else 'all'
    files = sim.pool_files[system.hypervisor]
    if opt == '--fcpdevices':
        text = _fcpdevices(system, args)
        if text is None:
            return [reply.println('%s: (Error) Query supported on active, free, or '
                                  'offline devices' % node)]
    elif opt == '--zfcppool':
        with _pool_lock(sim, files):
            text = pools.list_pool(files, args)
        if text is None:
            return [reply.println(pools.missing_pool_error(
                node, system.zhcp, args[1].lower()))]
    elif opt == '--zfcppoolnames':
        with _pool_lock(sim, files):
            text = pools.pool_names(files)
    elif opt in ('all', 'config'):
        text = 'z/VM Host: %s\nzHCP: %s\n' % (system.hypervisor.upper(), system.zhcp)
    else:
        return [reply.println('%s: (Error) Option not supported' % node)]
    return [reply.println(reply.with_hostname(node, text))]


def _guest_inventory(guest):
    lines = ['z/VM UserID: %s' % guest.userid, 'z/VM Host: %s' % guest.system.hypervisor.upper(),
             'Operating System: %s %s' % (guest.distro, guest.version), 'Architecture: s390x',
             'Privileges: G']
    lines += ['Adapter: %s dedicated %s' % (v.upper(), d['raddr'].upper())
              for v, d in sorted(guest.directory.items())]
    return '\n'.join(lines) + '\n'


def _fcpdevices(system, args):
    space = args[1] if len(args) > 1 else ''
    details = len(args) == 3 and args[2] == 'details'
    if space not in ('active', 'free', 'offline'):
        return None
    lines = system.wwpn_query()
    out = []
    for i in range(0, len(lines), 5):
        status = lines[i + 1].split(':', 1)[1].strip()
        if space.lower() in status.lower():
            out += lines[i:i + 5] if details else [lines[i].split(':', 1)[1].strip()]
    return ''.join(ln + '\n' for ln in out)


def lsvm(sim, node, args):
    kind, system, guest = sim.find_node(node)
    if kind == 'hypervisor':
        return rinv(sim, node, args)
    if kind != 'guest':
        return [reply.println('%s: (Error) Option not supported' % node)]
    lines = guest.directory_statements()
    return [reply.println(reply.with_hostname(node, '\n'.join(lines) + '\n'))]


# --- chhypervisor ------------------------------------------------------------------

class _PoolLock:
    def __init__(self, files, hold):
        self.files, self.hold = files, hold

    def __enter__(self):
        if self.hold:
            self.files.lock.acquire()

    def __exit__(self, *exc):
        if self.hold:
            self.files.lock.release()


def _pool_lock(sim, files):
    return _PoolLock(files, not sim.unlocked)


def chhypervisor(sim, node, args):
    kind, system, _ = sim.find_node(node)
    if kind != 'hypervisor':
        return [reply.println('%s: (Error) Option not supported' % node)]
    files = sim.pool_files[system.hypervisor]
    opt = args[0] if args else ''
    with _pool_lock(sim, files):
        if opt == '--addzfcp2pool':
            out = pools.add_to_pool(files, node, args)
            if out and out[-1].endswith('pool... Done'):
                wwpn = args[3].replace('"', '').replace('0x', '').lower()
                lun = args[4].replace('0x', '').lower()
                sim.luns.add(wwpn.split(';'), lun, _size_bytes(args[5]))
        elif opt == '--removezfcpfrompool':
            out = pools.remove_from_pool(files, node, args)
        elif opt == '--reservezfcp':
            out = pools.reserve(files, system, node, system.zhcp, args)
        elif opt == '--releasezfcp':
            out = pools.release(files, system, node, args)
        else:
            out = ['%s: (Error) Option not supported' % node]
    sim.save()
    return _lines(out)


def _size_bytes(text):
    from zvm_sim.core.storage import parse_size
    return parse_size(text)


# --- rpower ------------------------------------------------------------------------

def rpower(sim, node, args):
    kind, system, guest = sim.find_node(node)
    action = args[0] if args else 'stat'
    if kind != 'guest':
        if action == 'stat':
            return [reply.println('%s: on' % node)]
        return [reply.println('%s: (Error) Option not supported' % node)]
    with sim.lock:
        if action == 'stat':
            # zvm.pm 3581-3588: the sed pipeline's output, newline and all.
            return [reply.println('%s: %s\n' % (node, guest.power))]
        if action == 'isreachable':
            state = 'reachable' if guest.reachable else 'unreachable'
            return [reply.println('%s: %s' % (node, state))]
        if action == 'on':
            # zvm.pm 3456-3464: smcli's output trimmed, "node: " before it only.
            text = '%s: %s' % (node, guest.activate().strip())
        elif action in ('off', 'softoff'):
            # zvm.pm 3514-3577: smcli's output as it came (ends with a newline),
            # or "<userid> already logged off." for SMAPI's 200/12.
            text = guest.deactivate()
            text = '%s: %s%s' % (node, text, '' if text.endswith('logged off.') else '\n')
        elif action == 'reset':
            guest.deactivate()
            text = reply.with_hostname(node, guest.activate() + '\n').rstrip('\n')
        else:
            return [reply.println('%s: (Error) Option not supported' % node)]
        sim.save()
        return [reply.println(text)]


# --- xdsh --------------------------------------------------------------------------

def xdsh(sim, node, elements, fault=None):
    """xdsh.pm/DSHCLI.pm on one node (shaping in dsh.py).

    ``fault``: (action, text) of a test control (controls.GUEST_ACTIONS).
    """
    command = elements.get('command')
    if command is None:
        # DSHCLI.pm 4330-4338, then xdsh.pm's closing element (no node failed).
        return [reply.error('No command argument provided'), {'errorcode': ['0']}]
    text, background = dsh.remote_command(node, command)
    exit_code, out, err = remote_shell(sim, node, text, fault)
    return dsh.messages(node, out, err, exit_code, background)


def remote_shell(sim, node, command, fault=None):
    """(exit code, stdout, stderr) of xdsh's ssh to ``node`` running ``command``.

    Also the remote shell of real-xCAT mode (realxcat/smapi.py, tool "guest").
    ``fault``: (action, text) of a test control (controls.GUEST_ACTIONS).
    """
    found = sim.find_node(node)
    guest = found[2] if found and found[0] == 'guest' else None
    if guest is None or not guest.reachable:
        return 255, '', 'ssh: connect to host %s port 22: No route to host\n' % node
    # The guest model has its own lock; holding the model lock here would let a
    # slow command (sleep) stall every chvm.
    action, text = fault or (None, '')
    broken = {text: '%s: injected failure\n' % text} if action == 'guest_fail' else {}
    exit_code, out, err = guestlink.run(guest.linux, command, broken=broken)
    sim.save()
    if action == 'stderr':
        err = text + '\n' + err
    return exit_code, out, err


# --- lsxcatd, tables -----------------------------------------------------------------

def lsxcatd(sim):
    return [reply.data('Version %s (git commit %s, built %s)'
                       % (sim.topology['version'], GIT_COMMIT, BUILT))]


def _table(sim, name):
    if name not in TABLE_COLUMNS:
        return None
    return sim.tables.setdefault(name, [])


def tabdump(sim, name):
    rows = _table(sim, name)
    if rows is None:
        return [reply.error('Error: Unable to open table %s' % name)]
    cols = TABLE_COLUMNS[name]
    out = ['#' + ','.join(cols)]
    for row in rows:
        fields = [row.get(c) for c in cols]
        out.append(','.join('"%s"' % f.replace('"', '""') if f else '' for f in fields))
    return [reply.data(ln) for ln in out]


def gettab(sim, name, key, value, attributes):
    rows = _table(sim, name)
    if rows is None:
        return [reply.error('Error: Unable to open table %s' % name)]
    match = [r for r in rows if r.get(key) == value]
    msgs = []
    for row in match[:1]:
        if len(attributes) == 1:
            msgs.append(reply.data(row.get(attributes[0]) or ''))
        else:
            for a in attributes:
                msgs.append(reply.data('%s.%s: %s' % (name, a, row.get(a) or '')))
    return msgs


def tabch(sim, args):
    """tabch key=value table.col=val ... (or -d key=value table)."""
    with sim.lock:
        if args and args[0] == '-d':
            key, _, value = args[1].partition('=')
            rows = _table(sim, args[2])
            if rows is None:
                return [reply.error('Error: Unable to open table %s' % args[2])]
            rows[:] = [r for r in rows if r.get(key) != value]
            sim.save()
            return []
        if not args or '=' not in args[0]:
            return [reply.error('Error: tabch needs key=value table.column=value')]
        key, _, value = args[0].partition('=')
        for assign in args[1:]:
            target, _, val = assign.partition('=')
            name, _, col = target.partition('.')
            rows = _table(sim, name)
            if rows is None or col not in TABLE_COLUMNS[name]:
                return [reply.error('Error: %s is not a valid table.column' % target)]
            row = next((r for r in rows if r.get(key) == value), None)
            if row is None:
                row = {key: value}
                rows.append(row)
            row[col] = val
        sim.save()
        return []


def dispatch(sim, command, noderange, args):
    """Run one xcatd command; returns response messages."""
    if command == 'rinv':
        return rinv(sim, noderange, args)
    if command == 'lsvm':
        return lsvm(sim, noderange, args)
    if command == 'chhypervisor':
        return chhypervisor(sim, noderange, args)
    if command == 'chvm':
        return chvm.chvm(sim, noderange, args)
    if command == 'rpower':
        return rpower(sim, noderange, args)
    if command == 'rmvm':
        return rmvm.rmvm(sim, noderange, _pool_lock)
    return [reply.error('Error: command %s is not supported by the simulator' % command)]
