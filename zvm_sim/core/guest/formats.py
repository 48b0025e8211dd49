"""Pure helpers: the number and name formats Linux uses for zfcp objects.

Nothing here does I/O. Every function states the kernel or udev behaviour it
reproduces, because the guest model is only useful if it is as strict (and
as lenient) as the real thing.
"""

import re

# The distros the model knows, and how `os-release` names them.
DISTROS = ('rhel', 'sles', 'ubuntu')

_HEX_RE = re.compile(r'^[0-9a-f]+$')


class ParseError(ValueError):
    """A value the kernel would reject; .strerror is the errno text."""

    def __init__(self, strerror):
        super().__init__(strerror)
        self.strerror = strerror


def kstrtoull(text):
    """Parse like the kernel's kstrtoull(buf, 0, &val) on a sysfs write.

    zfcp's unit_add/unit_remove attributes use it: one trailing newline is
    allowed, the base is detected from the prefix (``0x`` hex, leading ``0``
    octal, else decimal), and the value must fit 64 bits. So ``0x4001`` is a
    valid, *different* LUN (0x0000000000004001) and ``4001`` is decimal.
    Raises ParseError('Invalid argument') or ParseError('Numerical result out
    of range') like the -EINVAL/-ERANGE the write returns.
    """
    if text.endswith('\n'):
        text = text[:-1]
    low = text.lower()
    if low.startswith('0x'):
        digits, base = low[2:], 16
        ok = bool(digits) and _HEX_RE.match(digits)
    elif low.startswith('0') and len(low) > 1:
        digits, base = low[1:], 8
        ok = all(c in '01234567' for c in digits)
    else:
        digits, base = low, 10
        ok = bool(digits) and digits.isdigit()
    if not ok:
        raise ParseError('Invalid argument')
    value = int(digits, base)
    if value >= 1 << 64:
        raise ParseError('Numerical result out of range')
    return value


def hex16(value):
    """The model's canonical 64-bit form: 16 lower-case hex digits."""
    return '%016x' % value


def norm_devno(text):
    """'0.0.1F00', '1f00', '0x1f00' -> '1f00'; ValueError if not a devno."""
    low = text.strip().lower()
    if low.startswith('0.0.'):
        low = low[4:]
    elif low.startswith('0x'):
        low = low[2:]
    if not low or len(low) > 4 or not _HEX_RE.match(low):
        raise ValueError('not a CCW device number: %r' % text)
    return low.zfill(4)


def busid(devno):
    """'1f00' -> '0.0.1f00' (the CCW bus id sysfs and udev use)."""
    return '0.0.' + devno


def norm_wwpn(text):
    """'0x5005...' or '5005...' -> 16 lower-case hex; ValueError if not."""
    low = text.strip().lower()
    if low.startswith('0x'):
        low = low[2:]
    if not low or len(low) > 16 or not _HEX_RE.match(low):
        raise ValueError('not a WWPN: %r' % text)
    return low.zfill(16)


def scsi_lun(fcp_lun):
    """The Linux SCSI LUN of a 64-bit FCP LUN (the kernel's scsilun_to_int).

    Each 2-byte addressing level is swapped into successive 16-bit slots:
    0x4001400500000000 -> 0x40054001 = 1074085889.
    """
    value = int(fcp_lun, 16)
    raw = value.to_bytes(8, 'big')
    lun = 0
    for i in range(0, 8, 2):
        lun |= ((raw[i] << 8) | raw[i + 1]) << (i * 8)
    return lun


def systemd_lun(lun):
    """systemd path_id's format_lun_number() for the ``-fc-`` by-path form."""
    if lun < 256:
        return 'lun-%d' % lun
    return 'lun-0x%04x%04x00000000' % (lun & 0xffff, (lun >> 16) & 0xffff)


def by_path_zfcp(devno, wwpn, lun):
    """The ``-zfcp-`` by-path name (RHEL's 40-redhat.rules, SUSE's rules)."""
    return 'ccw-0.0.%s-zfcp-0x%s:0x%s' % (devno, wwpn, lun)


def by_path_fc(devno, wwpn, lun):
    """The upstream systemd path_id name: ccw parent + fc transport."""
    return 'ccw-0.0.%s-fc-0x%s-%s' % (devno, wwpn, systemd_lun(scsi_lun(lun)))


def by_path_names(distro, devno, wwpn, lun):
    """by-path names udev creates for one SCSI disk, per distro.

    Upstream systemd (Ubuntu) only makes the ``-fc-`` form (xCAT's Ubuntu
    support and setupDisk wait for ``ccw-0.0.<dev>-fc-0x<wwpn>-lun-<n>``).
    RHEL (40-redhat.rules, "old-style by-path symlinks for FCP based SCSI
    devices") and SLES keep the ``-zfcp-`` form beside the upstream one.
    """
    fc = by_path_fc(devno, wwpn, lun)
    if distro == 'ubuntu':
        return [fc]
    return [by_path_zfcp(devno, wwpn, lun), fc]


def sd_name(index):
    """The sd driver's disk name for an index: 0 sda, 25 sdz, 26 sdaa."""
    name = ''
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(ord('a') + rem) + name
    return 'sd' + name


def sd_index(name):
    """Inverse of sd_name ('sdaa' -> 26)."""
    index = 0
    for char in name[2:]:
        index = index * 26 + (ord(char) - ord('a') + 1)
    return index - 1
