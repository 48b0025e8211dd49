"""s390-tools and SUSE zfcp tools: cio_ignore, chccwdev, lszfcp, chzdev,
zfcp_host_configure, zfcp_disk_configure.

Each works through the same kernel model the sysfs writes use, so a tool
fails exactly when the sysfs write it performs would fail.
"""

from zvm_sim.core.guest.commands import command
from zvm_sim.core.guest import distro
from zvm_sim.core.guest import formats
from zvm_sim.core.guest import persist
from zvm_sim.core.guest.shell import FsError


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
    """chccwdev -e|-d|--online|--offline <devs> (s390-tools zconf/chccwdev).

    A device missing in sysfs (not dedicated, or blacklisted) ends the run:
    'Device <bus> not found' on stdout, rc 1. Each handled device ends with
    'Done'; an unchanged one gets the script's warning on stderr.
    """
    action, specs = None, []
    for arg in inv.argv[1:]:
        if arg in ('-e', '--online', '-f', '--forceonline'):
            action = 'online'
        elif arg in ('-d', '--offline'):
            action = 'offline'
        elif arg.startswith('-'):
            return 1, '', ('chccwdev: Invalid option %s\n'
                           "Try 'chccwdev --help' for more information.\n" % arg)
        else:
            specs.append(arg)
    if not specs:
        return 1, '', 'No bus ID given!\n'
    if action is None:
        return 1, '', 'No action specified. Please use a valid action switch.\n'
    try:
        devs = [d for spec in specs for d in _devlist(spec)]
    except ValueError:
        return 1, '', 'ERROR: Evaluation of bus IDs failed!\n'
    k = inv.system.kernel
    out, err = [], []
    for dev in devs:
        bus = formats.busid(dev)
        if not k.visible(dev):
            out.append('Device %s not found\n' % bus)
            return 1, ''.join(out), ''.join(err)
        if (action == 'online') == (dev in k.online):
            err.append('WARNING: Device[%s] is already  online\n' % bus if action == 'online'
                       else 'Device is already offline\n')
        else:
            out.append('Setting device %s %s\n' % (bus, action))
            (k.set_online if action == 'online' else k.set_offline)(dev)
        out.append('Done\n')
    return 0, ''.join(out), ''.join(err)


@command('lszfcp')
def cmd_lszfcp(inv):
    """lszfcp [-H] [-P] [-D] [-b busid] [-p 0xwwpn] [-l 0xlun] (zconf/lszfcp).

    -H: '0.0.1f00 host0'; -P: '0.0.1f00/0x<wwpn> rport-0:0-0';
    -D: '0.0.1f00/0x<wwpn>/0x<lun> 0:0:0:1074085889' (SCSI devices only).
    Filters compare the strings as given, like the script. No online FCP
    device: 'Error: No fcp devices found.' on stdout, rc 1; no SCSI device
    for -D: the same text, rc 0.
    """
    k = inv.system.kernel
    args = inv.argv[1:]
    modes, want = set(), {}
    i = 0
    while i < len(args):
        arg = args[i]
        key = {'-b': 'bus', '--busid': 'bus', '-p': 'wwpn', '--wwpn': 'wwpn',
               '-l': 'lun', '--lun': 'lun'}.get(arg)
        if key:
            if i + 1 >= len(args):
                return 1, '', "lszfcp: option requires an argument -- '%s'\n" % arg[-1]
            want[key] = args[i + 1]
            i += 2
            continue
        long_modes = {'--hosts': 'H', '--ports': 'P', '--devices': 'D'}
        if arg in long_modes:
            modes.add(long_modes[arg])
        elif arg.startswith('-') and not arg.startswith('--'):
            modes.update(arg[1:])
        i += 1
    if not k.online:
        return 1, 'Error: No fcp devices found.\n', ''
    modes &= {'H', 'P', 'D'}
    if not modes:
        modes = {'D'} if 'lun' in want else {'P'} if 'wwpn' in want else {'H'}

    def keep(key, value):
        return want.get(key, value) == value

    lines = []
    devs = [d for d in sorted(k.online) if keep('bus', formats.busid(d))]
    if 'H' in modes:
        lines += ['%s host%d' % (formats.busid(d), k.online[d]) for d in devs]
    if 'P' in modes:
        for d in devs:
            for w in k.ports.get(d, []):
                if keep('wwpn', '0x' + w):
                    lines.append('%s/0x%s rport-%d:0-%d' % (formats.busid(d), w, k.online[d],
                                                            k.target_id(d, w)))
    if 'D' in modes:
        disks = sorted(k.disks.values(), key=lambda x: (x.devno, x.wwpn, x.lun))
        if not disks:
            lines.append('Error: No fcp devices found.')
        for disk in disks:
            if (disk.devno in devs and keep('wwpn', '0x' + disk.wwpn) and
                    keep('lun', '0x' + disk.lun)):
                lines.append('%s/0x%s/0x%s %s' % (formats.busid(disk.devno), disk.wwpn,
                                                  disk.lun, k.hctl(disk)))
    return 0, ''.join(line + '\n' for line in lines), ''


class _ZdevError(Exception):
    """A zdev failure: exit code and the (indented) detail lines."""

    def __init__(self, rc, *details):
        super().__init__(rc)
        self.rc = rc
        self.details = details


def _parse_lun_id(text):
    """zdev's zfcp_lun_parse_devid: '0.0.<dev>:0x<16 hex>:0x<16 hex>'.

    Unlike a sysfs write, chzdev insists on 16 digits for WWPN and LUN.
    -> (dev, wwpn, lun) or raises _ZdevError with zdev's message and code.
    """
    def bad(rc, reason):
        return _ZdevError(rc, 'Error in zFCP LUN ID format: %s: %s' % (reason, text))

    parts = text.split(':')
    if len(parts) < 2:
        raise bad(10, "Missing colon (':')")
    if len(parts) < 3:
        raise bad(10, "Missing second colon (':')")
    dev = formats.norm_devno(parts[0])
    values = []
    for what, raw, rc in (('WWPN', parts[1], 24), ('LUN', ':'.join(parts[2:]), 26)):
        digits = raw[2:] if raw[:2].lower() == '0x' else raw
        if len(digits) != 16:
            raise bad(rc, '%s not in 16 digit format' % what)
        if any(c not in '0123456789abcdefABCDEF' for c in digits):
            raise bad(rc, '%s not a valid hex number' % what)
        values.append(digits.lower())
    return dev, values[0], values[1]


@command('chzdev', available=lambda g: distro.has_chzdev(g.distro, g.version))
def cmd_chzdev(inv):
    """chzdev [zfcp-host|zfcp-lun] ID -e|-d [-a|-p]: active and persistent.

    Follows s390-tools zdev: messages '<devname> <id> configured' (devname
    'FCP device' / 'zFCP LUN'), 'already configured', '<devname> <id>
    configure failed' plus an indented reason, its exit codes (3 device
    not found, 24/26 bad WWPN/LUN, 25 target port not found, 27 no SCSI
    device: the unit_add is undone); a LUN configures its FCP device first
    as a prerequisite.
    """
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
        return 1, '', 'Error: Missing device ID or action (-e/-d)\nUsage error\n'
    if dtype is None:
        dtype = 'zfcp-lun' if ident.count(':') == 2 else 'zfcp-host'
    zdev = _Zdev(inv.system, active, persistent)
    try:
        if dtype == 'zfcp-host':
            devs = _devlist(ident)
        else:
            lun_id = _parse_lun_id(ident)
    except ValueError:
        return 10, '', 'Invalid device ID specified: %s\n' % ident
    except _ZdevError as exc:
        # argument errors are printed at once, without the indent
        return exc.rc, '', ''.join(line + '\n' for line in exc.details)
    try:
        if dtype == 'zfcp-host':
            for dev in devs:
                zdev.host(dev, action)
        else:
            zdev.lun(lun_id, action)
    except _ZdevError as exc:
        zdev.err.extend('    %s\n' % line for line in exc.details)
        return exc.rc, ''.join(zdev.out), ''.join(zdev.err)
    return 0, ''.join(zdev.out), ''.join(zdev.err)


class _Zdev:
    """One chzdev run: the active and/or persistent scope."""

    def __init__(self, guest, active, persistent):
        self.guest, self.k = guest, guest.kernel
        self.active, self.persistent = active, persistent
        self.out, self.err = [], []

    def _report(self, devname, devid, changed, action, prereq=False):
        verb = 'configured' if action == 'enable' else 'deconfigured'
        if changed:
            self.out.append('%s %s %s%s\n' % (devname, devid, verb,
                                              ' (prerequisite)' if prereq else ''))
        elif not prereq:
            self.out.append('%s %s already %s\n' % (devname, devid, verb))

    def _fail(self, devname, devid, action, rc, reason, prereq=False):
        op = 'configure' if action == 'enable' else 'deconfigure'
        self.err.append('%s %s %s failed%s\n' % (devname, devid, op,
                                                 ' (prerequisite)' if prereq else ''))
        raise _ZdevError(rc, reason)

    def host(self, dev, action, prereq=False):
        bus = formats.busid(dev)
        path = persist.chzdev_host_path(dev)
        changed = False
        if self.active:
            if action == 'enable':
                self.k.cio_free(dev)
                if not self.k.visible(dev):
                    self._fail('FCP device', bus, action, 3, 'Device not found', prereq)
                if dev not in self.k.online:
                    self.k.set_online(dev)
                    changed = True
            elif dev in self.k.online:
                self.k.set_offline(dev)
                changed = True
        if self.persistent:
            exists = path in self.guest.store.files
            if action == 'enable' and not exists:
                self.guest.write_file(path, persist.chzdev_host_rules(dev))
                changed = True
            elif action == 'disable' and exists:
                self.guest.store.remove(path)
                changed = True
        self._report('FCP device', bus, changed, action, prereq)

    def lun(self, ident, action):
        dev, wwpn, lun = ident
        name = '%s:0x%s:0x%s' % (formats.busid(dev), wwpn, lun)
        path = persist.chzdev_lun_path(dev)
        entries = persist.chzdev_lun_entries(self.guest.store.files.get(path, ''))
        has_unit = self.k.has_unit(dev, wwpn, lun) and self.k.port_visible(dev, wwpn)
        changed = False
        if action == 'enable':
            self.host(dev, 'enable', prereq=True)
            if self.active and not has_unit:
                self._lun_add(name, dev, wwpn, lun)
                changed = True
            if self.persistent and (wwpn, lun) not in entries:
                entries.append((wwpn, lun))
                changed = True
        else:
            if not has_unit and (wwpn, lun) not in entries:
                self._fail('zFCP LUN', name, action, 3, 'Device not found')
            if self.active and has_unit:
                disk = self.k.find_disk(dev, wwpn, lun)
                if disk is not None:
                    self.k.delete_disk(disk.name)
                self.k.unit_remove(dev, wwpn, '0x' + lun)
                changed = True
            if self.persistent and (wwpn, lun) in entries:
                entries.remove((wwpn, lun))
                changed = True
        if self.persistent:
            if entries:
                self.guest.write_file(path, persist.chzdev_lun_rules(dev, entries))
            else:
                self.guest.store.remove(path)
        self._report('zFCP LUN', name, changed, action)

    def _lun_add(self, name, dev, wwpn, lun):
        """zdev's zfcp_lun_add(): no port rescan; undo a unit without disk."""
        if not self.k.port_visible(dev, wwpn):
            self._fail('zFCP LUN', name, 'enable', 25, 'Target port not found')
        self.k.unit_add(dev, wwpn, '0x' + lun)
        if self.k.find_disk(dev, wwpn, lun) is None:
            self.k.unit_remove(dev, wwpn, '0x' + lun)
            self._fail('zFCP LUN', name, 'enable', 27,
                       'No SCSI device found - check FCP LUN ID and SAN settings')


def _persist_lun(guest, dev, wwpn, lun, add):
    """SLES 15's zfcp_disk_configure keeps LUNs in chzdev's store."""
    path = persist.chzdev_lun_path(dev)
    entries = persist.chzdev_lun_entries(guest.store.files.get(path, ''))
    if add and (wwpn, lun) not in entries:
        entries.append((wwpn, lun))
    elif not add and (wwpn, lun) in entries:
        entries.remove((wwpn, lun))
    if entries:
        guest.write_file(path, persist.chzdev_lun_rules(dev, entries))
    else:
        guest.store.remove(path)


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
            _persist_lun(system, dev, wwpn, lun, add=True)
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
        _persist_lun(system, dev, wwpn, lun, add=False)
    return 0, '', ''
