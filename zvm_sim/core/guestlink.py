"""Link between the z/VM core and the Linux-in-a-guest model (zvm_sim.core.guest).

The guest model is built separately (internals.rst "The guest model").  This
module is the only place that knows its constructor and method names, so a
difference in signatures is adapted here.  Until the package exists a small
stand-in answers ``run`` with the few commands xCAT itself sends during
``--dedicatedevice``/``--addzfcp`` (``cio_ignore``, ``chccwdev``, ``date``...)
and fails everything else as bash does.
"""

import importlib
import shlex


def _guest_class():
    try:
        module = importlib.import_module('zvm_sim.core.guest')
        return getattr(module, 'GuestLinux')
    except (ImportError, AttributeError):
        return None


class StandinLinux:
    """Minimal Linux used only while the real guest model is not installed."""

    def __init__(self, host, distro, version, state=None):
        self.host = host
        self.distro = distro
        self.version = version
        self.state = dict(state or {'online': [], 'cio_free': [], 'boots': 0, 'reader': []})

    def run(self, command):
        out = []
        for part in command.replace('&&', ';').split(';'):
            part = part.strip()
            if not part:
                continue
            try:
                argv = shlex.split(part)
            except ValueError as e:
                return 2, '', 'bash: %s\n' % e
            rc, text, err = self._one(argv)
            out.append(text)
            if rc:
                return rc, ''.join(out), err
        return 0, ''.join(out), ''

    def _one(self, argv):
        cmd = argv[0].rsplit('/', 1)[-1]
        argv = [a for a in argv if a not in ('2>&1',)]
        if cmd in ('true', 'udevadm', 'multipath', 'sleep'):
            return 0, '', ''
        if cmd == 'false':
            return 1, '', ''
        if cmd == 'date':
            return 0, 'Sat Nov 21 12:00:00 UTC 2026\n', ''
        if cmd == 'echo':
            return 0, ' '.join(argv[1:]) + '\n', ''
        if cmd == 'cio_ignore' and len(argv) == 3:
            self.state['cio_free'] = sorted(set(self.state['cio_free']) | {argv[2]})
            return 0, '', ''
        if cmd == 'chccwdev' and len(argv) == 3:
            dev = argv[2].lower()[-4:]
            if dev not in self.host.active_fcp_devices():
                return 1, '', 'Device %s not found\n' % argv[2]
            online = set(self.state['online'])
            if argv[1] == '-e':
                online.add(dev)
            else:
                online.discard(dev)
            self.state['online'] = sorted(online)
            return 0, 'Setting device 0.0.%s %s\nDone\n' % (
                dev, 'online' if argv[1] == '-e' else 'offline'), ''
        return 127, '', 'bash: %s: command not found\n' % cmd

    def power_on(self, reader_files):
        self.state['boots'] += 1
        self.state['reader'] = [f.get('name') for f in reader_files]
        self.state['online'] = []

    def power_off(self):
        self.state['online'] = []

    def to_dict(self):
        return {'standin': True, **self.state}


def make_linux(guest, state=None):
    """Build the Linux model of a guest (restoring ``state`` when given)."""
    cls = _guest_class()
    if cls is None or (state or {}).get('standin'):
        if cls is None:
            return StandinLinux(guest, guest.distro, guest.version, state)
        state = None
    root = guest.guest_root() if guest.cinder_node else None
    try:
        return _construct(cls, guest, state, root)
    except NotImplementedError:
        # The guest package may not mirror a Cinder node's tree yet: run without it.
        return _construct(cls, guest, state, None)


def _construct(cls, guest, state, root):
    if state is not None:
        return cls.from_dict(state, host=guest, root_dir=root)
    linux = cls(guest.node, guest.distro, guest.version, guest, root_dir=root)
    if guest.power == 'on':
        linux.power_on(())
    return linux


def start_reactor(linux, lock):
    """Start the kernel-side thread of a Cinder node's tree (None without a tree)."""
    if getattr(linux, 'tree', None) is None:
        return None
    try:
        from zvm_sim.core.guest import tree
    except ImportError:
        return None
    return tree.TreeReactor(linux, linux.tree.root, lock=lock).start()


def linux_to_dict(linux):
    return linux.to_dict()


def linux_state(linux):
    """Read-back view of the guest's Linux (the model's state(), else its dict)."""
    fn = getattr(linux, 'state', None)
    return fn() if callable(fn) else linux.to_dict()


def boot(linux, reader_files):
    """Boot the guest's Linux with its reader files; returns per-file results."""
    fn = getattr(linux, 'power_on', None) or getattr(linux, 'boot')
    return fn(reader_files) or []


def shutdown(linux):
    fn = getattr(linux, 'power_off', None) or getattr(linux, 'shutdown')
    fn()


def run(linux, command, broken=None):
    """(rc, stdout, stderr) of a command in the guest; 255 like ssh when it is down.

    ``broken``: {command name: stderr text} of guest tools that fail during
    this run (a test control, see zvm_sim.controls).
    """
    try:
        if broken:
            return linux.run(command, broken=broken)
        return linux.run(command)
    except RuntimeError as e:     # powered off meanwhile (the model refuses to run)
        return 255, '', 'ssh: %s\n' % e
