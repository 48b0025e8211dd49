"""s390-tools and SUSE zfcp tools: cio_ignore, chccwdev, lszfcp, chzdev,
zfcp_host_configure, zfcp_disk_configure.

Each works through the same kernel model the sysfs writes use, so a tool
fails exactly when the sysfs write it performs would fail.
"""

from zvm_xcat.simulator.guest.commands import command
from zvm_xcat.simulator.guest import distro
from zvm_xcat.simulator.guest import formats
from zvm_xcat.simulator.guest import persist
from zvm_xcat.simulator.guest.shell import FsError


def _devlist(spec):
    """'0.0.1f00,1f01-1f03' -> ['1f00', '1f01', '1f02', '1f03']."""
    devs = []
    for item in spec.split(','):
        if '-' in item:
            first, last = (int(formats.norm_devno(x), 16) for x in item.split('-', 1))
            devs.extend('%04x' % n for n in range(first, last + 1))
        else:
            devs.append(formats.norm_devno(item))
    return devs


def _ranges(devs):
    """Sorted ints -> ['0.0.0000-0.0.1eff', '0.0.1f01'] style ranges."""
    out, start, prev = [], None, None
    for n in devs + [None]:
        if start is not None and (n is None or n != prev + 1):
            out.append('0.0.%04x' % start if start == prev else
                       '0.0.%04x-0.0.%04x' % (start, prev))
            start = None
        if n is not None and start is None:
            start = n
        prev = n
    return out


@command('cio_ignore')
def cmd_cio_ignore(inv):
    """cio_ignore -r/-a <devs>, -i <dev>, -l (writes /proc/cio_ignore)."""
    k = inv.system.kernel
    args = inv.argv[1:]
    if not args:
        return 1, '', 'cio_ignore: No option specified\n'
    opt = args[0]
    try:
        devs = _devlist(args[1]) if len(args) > 1 else []
    except ValueError:
        return 1, '', 'cio_ignore: Invalid device ID specified: %s\n' % args[1]
    if opt in ('-r', '--remove') and devs:
        for dev in devs:
            k.cio_free(dev)
        return 0, '', ''
    if opt in ('-a', '--add') and devs:
        for dev in devs:
            k.cio_add(dev)
        return 0, '', ''
    if opt in ('-i', '--is-ignored') and len(devs) == 1:
        bus = formats.busid(devs[0])
        if k.is_ignored(devs[0]):
            return 0, 'Device %s is ignored\n' % bus, ''
        return 2, 'Device %s is not ignored\n' % bus, ''
    if opt in ('-l', '--list', '-L', '--list-not-blacklisted'):
        ignored = [n for n in range(0x10000) if k.is_ignored('%04x' % n)]
        if opt in ('-L', '--list-not-blacklisted'):
            ignored = [n for n in range(0x10000) if n not in set(ignored)]
            title = 'Accessible devices:\n===================\n'
        else:
            title = 'Ignored devices:\n=================\n'
        return 0, title + ''.join(r + '\n' for r in _ranges(ignored)), ''
    return 1, '', 'cio_ignore: Invalid option or missing argument: %s\n' % opt


@command('chccwdev')
def cmd_chccwdev(inv):
    """chccwdev -e|-d|--online|--offline <devs> (s390-tools messages)."""
    args = inv.argv[1:]
    action, specs = None, []
    for arg in args:
        if arg in ('-e', '--online', '-f', '--forceonline'):
            action = 'online'
        elif arg in ('-d', '--offline'):
            action = 'offline'
        else:
            specs.append(arg)
    if action is None or not specs:
        return 1, '', 'Usage: chccwdev [<options>] <devices>\n'
    k = inv.system.kernel
    out, err, rc = [], [], 0
    for spec in specs:
        try:
            devs = _devlist(spec)
        except ValueError:
            err.append('%s is not a valid device ID\n' % spec)
            rc = 1
            continue
        for dev in devs:
            bus = formats.busid(dev)
            if not k.visible(dev):
                err.append('Device %s not found\n' % bus)
                rc = 1
                continue
            if (action == 'online') == (dev in k.online):
                out.append('Device is already %s\n' % action)
                continue
            out.append('Setting device %s %s\n' % (bus, action))
            (k.set_online if action == 'online' else k.set_offline)(dev)
            out.append('Done\n')
    return rc, ''.join(out), ''.join(err)


@command('lszfcp')
def cmd_lszfcp(inv):
    """lszfcp -H | -P | -D [-b busid] [-p wwpn] [-l lun] (s390-tools format).

    -H: '0.0.1f00 host0'; -P: '0.0.1f00/0x<wwpn> rport-0:0-0';
    -D: '0.0.1f00/0x<wwpn>/0x<lun> 0:0:0:1074085889' (SCSI devices only).
    """
    k = inv.system.kernel
    args = inv.argv[1:]
    modes, bus, port, lun = set(), None, None, None
    i = 0
    while i < len(args):
        arg = args[i]
        value = args[i + 1] if i + 1 < len(args) else None
        if arg in ('-b', '--busid', '-p', '--wwpn', '-l', '--lun'):
            if value is None:
                return 1, '', "lszfcp: option requires an argument -- '%s'\n" % arg[-1]
            if arg in ('-b', '--busid'):
                bus = formats.norm_devno(value)
            elif arg in ('-p', '--wwpn'):
                port = formats.norm_wwpn(value)
            else:
                lun = formats.hex16(int(value, 16))
            i += 2
            continue
        if arg.startswith('-') and len(arg) > 1 and not arg.startswith('--'):
            modes.update(arg[1:])
        elif arg in ('--hosts', '--ports', '--devices'):
            modes.add({'--hosts': 'H', '--ports': 'P', '--devices': 'D'}[arg])
        i += 1
    modes &= {'H', 'P', 'D'}
    modes = modes or {'H'}
    lines = []
    devs = sorted(d for d in k.online if bus in (None, d))
    if 'H' in modes:
        lines += ['%s host%d' % (formats.busid(d), k.online[d]) for d in devs]
    if 'P' in modes:
        for d in devs:
            for w in k.ports.get(d, []):
                if port in (None, w):
                    lines.append('%s/0x%s rport-%d:0-%d' % (formats.busid(d), w, k.online[d],
                                                            k.target_id(d, w)))
    if 'D' in modes:
        for disk in sorted(k.disks.values(), key=lambda x: (x.devno, x.wwpn, x.lun)):
            if disk.devno in devs and port in (None, disk.wwpn) and lun in (None, disk.lun):
                lines.append('%s/0x%s/0x%s %s' % (formats.busid(disk.devno), disk.wwpn,
                                                  disk.lun, k.hctl(disk)))
    if not lines:
        return 1, '', 'Error: No fcp devices found.\n'
    return 0, ''.join(line + '\n' for line in lines), ''


def _parse_lun_id(text):
    """chzdev's zfcp-lun ID '0.0.1f00:0x<wwpn>:0x<lun>' -> (dev, wwpn, lun)."""
    parts = text.split(':')
    if len(parts) != 3:
        raise ValueError(text)
    dev = formats.norm_devno(parts[0])
    wwpn = formats.norm_wwpn(parts[1])
    lun_text = parts[2].lower()
    lun_text = lun_text[2:] if lun_text.startswith('0x') else lun_text
    if not lun_text or len(lun_text) > 16 or any(c not in '0123456789abcdef'
                                                 for c in lun_text):
        raise ValueError(text)
    return dev, wwpn, lun_text.zfill(16)


@command('chzdev', available=lambda g: distro.has_chzdev(g.distro, g.version))
def cmd_chzdev(inv):
    """chzdev [zfcp-host|zfcp-lun] ID -e|-d [-a|-p] [-y]: active and persistent."""
    args = inv.argv[1:]
    dtype, ident, action = None, None, None
    active = persistent = True
    for arg in args:
        if arg in ('-e', '--enable'):
            action = 'enable'
        elif arg in ('-d', '--disable'):
            action = 'disable'
        elif arg in ('-a', '--active'):
            persistent = False
        elif arg in ('-p', '--persistent'):
            active = False
        elif arg.startswith('-'):
            continue
        elif arg in ('zfcp-host', 'zfcp-lun') and dtype is None and ident is None:
            dtype = arg
        elif ident is None:
            ident = arg
    if action is None or ident is None:
        return 1, '', 'Error: Missing device ID or action (-e/-d)\n'
    if dtype is None:
        dtype = 'zfcp-lun' if ident.count(':') == 2 else 'zfcp-host'
    try:
        if dtype == 'zfcp-host':
            return _chzdev_host(inv, _devlist(ident), action, active, persistent)
        dev, wwpn, lun = _parse_lun_id(ident)
    except ValueError:
        return 1, '', 'Error: Invalid %s ID format: %s\n' % (dtype, ident)
    return _chzdev_lun(inv, dev, wwpn, lun, action, active, persistent)


def _chzdev_host(inv, devs, action, active, persistent):
    system, k = inv.system, inv.system.kernel
    out = []
    for dev in devs:
        bus = formats.busid(dev)
        if active:
            if action == 'enable':
                k.cio_free(dev)
                if not k.visible(dev):
                    return 1, ''.join(out), ('Error: zFCP host %s not found\n'
                                             'Use --persistent to configure only the '
                                             'persistent configuration\n' % bus)
                k.set_online(dev)
            elif dev in k.online:
                k.set_offline(dev)
        if persistent:
            path = persist.chzdev_host_path(dev)
            if action == 'enable':
                system.write_file(path, persist.chzdev_host_rules(dev))
            else:
                system.store.remove(path)
        done = 'configured' if action == 'enable' else 'deconfigured'
        out.append('zFCP host %s %s\n' % (bus, done))
    return 0, ''.join(out), ''


def _chzdev_lun(inv, dev, wwpn, lun, action, active, persistent):
    system, k = inv.system, inv.system.kernel
    name = '%s:0x%s:0x%s' % (formats.busid(dev), wwpn, lun)
    if active:
        if action == 'enable':
            if dev not in k.online:
                return 1, '', ('Error: zFCP LUN %s: zFCP host %s is not online\n'
                               % (name, formats.busid(dev)))
            if not k.port_visible(dev, wwpn):
                k.port_rescan(dev)
            if not k.port_visible(dev, wwpn):
                return 1, '', ('Error: zFCP LUN %s: target port 0x%s not found\n'
                               % (name, wwpn))
            if not k.has_unit(dev, wwpn, lun):
                k.unit_add(dev, wwpn, '0x' + lun)
        elif k.has_unit(dev, wwpn, lun) and k.port_visible(dev, wwpn):
            k.unit_remove(dev, wwpn, '0x' + lun)
    if persistent:
        path = persist.chzdev_lun_path(dev)
        entries = persist.chzdev_lun_entries(system.store.files.get(path, ''))
        if action == 'enable' and (wwpn, lun) not in entries:
            entries.append((wwpn, lun))
        elif action == 'disable' and (wwpn, lun) in entries:
            entries.remove((wwpn, lun))
        if entries:
            system.write_file(path, persist.chzdev_lun_rules(dev, entries))
        else:
            system.store.remove(path)
    return 0, 'zFCP LUN %s %s\n' % (name, 'configured' if action == 'enable'
                                    else 'deconfigured'), ''


def _sles(guest):
    return distro.has_sles_scripts(guest.distro, guest.version)


def _sles12(guest):
    return distro.major(guest.version) < 15


@command('zfcp_host_configure', available=_sles)
def cmd_zfcp_host_configure(inv):
    """SLES: zfcp_host_configure <ccwid> <1|0>; persists the host."""
    args = inv.argv[1:]
    if len(args) != 2 or args[1] not in ('0', '1'):
        return 1, '', 'Usage: zfcp_host_configure <ccwid> <online>\n'
    try:
        dev = formats.norm_devno(args[0])
    except ValueError:
        return 1, '', 'No device %s\n' % args[0]
    system, k = inv.system, inv.system.kernel
    k.cio_free(dev)
    if not k.visible(dev):
        return 1, 'No device %s\n' % formats.busid(dev), ''
    legacy = _sles12(system)
    path = persist.sles_rules_path(dev) if legacy else persist.chzdev_host_path(dev)
    if args[1] == '1':
        k.set_online(dev)
        text = system.store.files.get(path, '')
        if legacy and '%s]online' % formats.busid(dev) not in text:
            system.write_file(path, text + ''.join(
                line + '\n' for line in persist.sles_host_lines(dev)))
        elif not legacy:
            system.write_file(path, persist.chzdev_host_rules(dev))
    else:
        k.set_offline(dev)
        system.store.remove(path)
    return 0, '', ''


@command('zfcp_disk_configure', available=_sles)
def cmd_zfcp_disk_configure(inv):
    """SLES: zfcp_disk_configure <ccwid> <wwpn> <lun> <1|0>.

    Needs the adapter online ('FCP adapter ... not online'); rescans ports
    when the WWPN is missing; writes the LUN as given (0x prefixed) to
    unit_add / unit_remove and keeps the rule line in the host's rules file.
    """
    args = inv.argv[1:]
    if len(args) != 4 or args[3] not in ('0', '1'):
        return 1, '', 'Usage: zfcp_disk_configure <ccwid> <wwpn> <lun> <online>\n'
    system, k = inv.system, inv.system.kernel
    try:
        dev = formats.norm_devno(args[0])
        wwpn = formats.norm_wwpn(args[1])
    except ValueError:
        return 1, 'Invalid device or port %s %s\n' % (args[0], args[1]), ''
    lun_text = args[2].lower()
    lun_text = '0x' + (lun_text[2:] if lun_text.startswith('0x') else lun_text)
    bus = formats.busid(dev)
    if not k.visible(dev):
        return 1, 'No FCP device %s\n' % bus, ''
    if dev not in k.online:
        return 1, 'FCP adapter %s not online\n' % bus, ''
    if not k.port_visible(dev, wwpn):
        k.port_rescan(dev)
    if not k.port_visible(dev, wwpn):
        return 1, 'Invalid port 0x%s on FCP adapter %s\n' % (wwpn, bus), ''
    legacy = _sles12(system)
    try:
        lun = formats.hex16(formats.kstrtoull(lun_text))
    except formats.ParseError:
        return 1, 'Invalid LUN %s\n' % args[2], ''
    if args[3] == '1':
        if not k.has_unit(dev, wwpn, lun):
            try:
                k.unit_add(dev, wwpn, lun_text)
            except FsError as exc:
                return 1, 'Could not activate FCP disk %s: %s\n' % (lun_text, exc.strerror), ''
        if legacy:
            path = persist.sles_rules_path(dev)
            text = system.store.files.get(path, '')
            line = persist.sles_lun_line(dev, wwpn, lun_text[2:])
            if line not in text:
                system.write_file(path, text + line + '\n')
        else:
            _chzdev_lun(inv, dev, wwpn, lun, 'enable', False, True)
        return 0, '', ''
    if k.has_unit(dev, wwpn, lun):
        k.unit_remove(dev, wwpn, lun_text)
    if legacy:
        path = persist.sles_rules_path(dev)
        text = system.store.files.get(path, '')
        keep = [ln for ln in text.splitlines()
                if not ('0x%s/unit_add' % wwpn in ln and '"%s"' % lun_text in ln)]
        system.write_file(path, ''.join(ln + '\n' for ln in keep))
    else:
        _chzdev_lun(inv, dev, wwpn, lun, 'disable', False, True)
    return 0, '', ''
