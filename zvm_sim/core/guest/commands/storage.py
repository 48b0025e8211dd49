"""multipath-tools and udevadm, as the zfcp scripts call them."""

from zvm_sim.core.guest.commands import command
from zvm_sim.core.guest import formats
from zvm_sim.core.guest import multipath as mp_mod


def _size(guest, paths):
    """multipath -ll's size= field (1024-based, one decimal when needed)."""
    disks = [guest.kernel.disks[sd] for sd in paths if sd in guest.kernel.disks]
    size = guest.disk_size(disks[0]) if disks else 0
    for unit, div in (('T', 1 << 40), ('G', 1 << 30), ('M', 1 << 20), ('K', 1 << 10)):
        if size >= div:
            text = '%.1f' % (size / div)
            return (text[:-2] if text.endswith('.0') else text) + unit
    return '%d' % size


def _show(guest, names=None):
    lines = []
    for name, mp in sorted(guest.multipath.maps.items()):
        if names and name not in names and mp['wwid'] not in names:
            continue
        alias = name if name != mp['wwid'] else None
        head = '%s (%s) dm-%d IBM,2145' % (alias, mp['wwid'], mp['dm']) if alias else \
            '%s dm-%d IBM,2145' % (mp['wwid'], mp['dm'])
        lines.append(head)
        lines.append("size=%s features='1 queue_if_no_path' hwhandler='1 alua' wp=rw"
                     % _size(guest, mp['paths']))
        lines.append("`-+- policy='service-time 0' prio=50 status=%s"
                     % ('active' if mp['paths'] else 'enabled'))
        for index, sd in enumerate(mp['paths']):
            disk = guest.kernel.disks[sd]
            branch = '`-' if index == len(mp['paths']) - 1 else '|-'
            lines.append('  %s %s %s 8:%d active ready running'
                         % (branch, guest.kernel.hctl(disk), sd,
                            16 * formats.sd_index(sd)))
    return ''.join(line + '\n' for line in lines)


@command('multipath')
def cmd_multipath(inv):
    """multipath [-r] | -f MAP | -F | -W | -a DEV | -ll [MAP] | -l (multipath-tools 0.8/0.9)."""
    guest = inv.system
    args = [a for a in inv.argv[1:] if a not in ('-v0', '-v1', '-v2', '-v3')]
    if not args or args[0] in ('-r', '-v2'):
        guest.multipath.reload()
        return 0, '', ''
    opt = args[0]
    if opt == '-f':
        if len(args) < 2:
            return 1, '', "multipath: option requires an argument -- 'f'\n"
        try:
            guest.multipath.flush(args[1])
        except mp_mod.MultipathError as exc:
            return 1, '', '%s\n' % exc
        return 0, '', ''
    if opt == '-F':
        guest.multipath.flush_all()
        return 0, '', ''
    if opt == '-W':
        guest.multipath.reset_wwids()
        return 0, 'successfully reset wwids\n', ''
    if opt in ('-ll', '-l'):
        return 0, _show(guest, set(args[1:])), ''
    if opt == '-a':
        # multipath -a DEVICE: remember the device's WWID (wwids file), so
        # that find_multipaths "yes" builds a map even for one path
        disk = guest.kernel.disks.get(guest.realpath(args[1]).rsplit('/', 1)[-1]) \
            if len(args) > 1 else None
        if disk is None:
            return 1, '', "%s: can't find device\n" % (args[1] if len(args) > 1 else '')
        wwid = guest.wwid_of(disk)
        known = guest.multipath.known_wwids()
        if wwid not in known:
            guest.multipath.remember(wwid)
        return 0, "wwid '%s' added\n" % wwid, ''
    return 1, '', "multipath: invalid option -- '%s'\n" % opt.lstrip('-')[:1]


@command('multipathd')
def cmd_multipathd(inv):
    """multipathd reconfigure | -k'reconfigure' | show maps."""
    guest = inv.system
    words = ' '.join(inv.argv[1:]).replace('-k', '').strip().strip('"\'').split()
    if words in (['reconfigure'], ['reload'], ['add', 'maps']):
        guest.multipath.reload()
        return 0, 'ok\n', ''
    if words[:2] == ['resize', 'map'] and len(words) == 3:
        # the size is the backing file's: nothing to recompute
        found = words[2] in guest.multipath.maps
        return (0, 'ok\n', '') if found else (1, 'fail\n', '')
    if words[:2] == ['show', 'maps']:
        out = ['name sysfs uuid']
        out += ['%s dm-%d %s' % (n, mp['dm'], mp['wwid'])
                for n, mp in sorted(guest.multipath.maps.items())]
        return 0, ''.join(line + '\n' for line in out), ''
    return 1, '', 'multipathd: unknown command %s\n' % ' '.join(words)


@command('udevadm')
def cmd_udevadm(inv):
    """udevadm settle | trigger | control --reload | info.

    trigger takes --sysname-match=P (repeatable) and --action=A;
    info takes --query=all|property --name=PATH (property: the ``E:``
    lines without their prefix, as systemd's udevadm prints them).
    """
    guest = inv.system
    args = inv.argv[1:]
    if not args:
        return 1, '', 'udevadm: missing or unknown command\n'
    sub, rest = args[0], args[1:]
    if sub == 'settle':
        return 0, '', ''
    if sub == 'control':
        return 0, '', ''
    if sub == 'trigger':
        patterns, action = [], 'change'
        i = 0
        while i < len(rest):
            arg = rest[i]
            if arg.startswith('--sysname-match='):
                patterns.append(arg.split('=', 1)[1])
            elif arg in ('--sysname-match', '-y') and i + 1 < len(rest):
                patterns.append(rest[i + 1])
                i += 1
            elif arg.startswith('--action='):
                action = arg.split('=', 1)[1]
            elif arg in ('--action', '-c') and i + 1 < len(rest):
                action = rest[i + 1]
                i += 1
            i += 1
        guest.udev.trigger(patterns, action)
        return 0, '', ''
    if sub == 'info':
        return _info(guest, rest)
    return 1, '', "udevadm: unknown command '%s'\n" % sub


def _info(guest, args):
    name, query = None, 'all'
    for i, arg in enumerate(args):
        if arg.startswith('--name='):
            name = arg.split('=', 1)[1]
        elif arg in ('--name', '-n') and i + 1 < len(args):
            name = args[i + 1]
        elif arg.startswith('--query='):
            query = arg.split('=', 1)[1]
        elif arg in ('--query', '-q') and i + 1 < len(args):
            query = args[i + 1]
    if name is None:
        return 1, '', 'udevadm: missing --name\n'
    path = name if name.startswith('/') else '/dev/' + name
    if not guest.exists(path):
        return 4, '', 'Unknown device "%s": No such device\n' % name
    real = guest.realpath(path)
    device = real.rsplit('/', 1)[-1]
    props = guest.device_properties(device)
    if props is None:
        return 4, '', 'Unknown device "%s": No such device\n' % name
    lines = ['P: /devices/virtual/block/%s' % device, 'N: %s' % device]
    for link, (kind, target) in sorted(guest.dev_table().items()):
        if kind == 'link' and guest.realpath(link) == real:
            lines.append('S: %s' % link[len('/dev/'):])
    lines.append('E: DEVNAME=%s' % real)
    lines.append('E: SUBSYSTEM=block')
    lines.append('E: DEVTYPE=disk')
    lines.append('E: ID_SERIAL=%s' % props['ENV{ID_SERIAL}'])
    if 'ENV{DM_UUID}' in props:
        lines.append('E: DM_NAME=%s' % props['ENV{DM_NAME}'])
        lines.append('E: DM_UUID=%s' % props['ENV{DM_UUID}'])
    if query == 'property':
        lines = [line[3:] for line in lines if line.startswith('E: ')]
    elif query != 'all':
        return 1, '', 'udevadm: unknown query type %s\n' % query
    return 0, ''.join(line + '\n' for line in lines), ''
