#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.
"""Validation of every value that reaches a guest shell or the xCAT wire.

Pure. Each function returns the normalised value (lower-case hex without
``0x``) or raises InvalidInput naming the field. The patterns are anchored
whitelists (``re.fullmatch``): nothing outside them, so no quote, space,
``$``, backtick, newline or ``;`` can reach a rendered script.
"""

import re

from zvm_xcat import exception as xexc
from zvm_xcat import validate as xvalidate


class InvalidInput(ValueError):
    """A value was rejected before anything was changed."""

    def __init__(self, field, value, expected):
        self.field = field
        self.expected = expected
        # repr() of a possibly hostile value, cut short: safe to log.
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:77] + '...'
        super().__init__('invalid %s %s: expected %s' % (field, shown, expected))


_DEVNO = re.compile(r'(?:0\.0\.)?(?:0x)?([0-9a-f]{1,4})')
_WWPN = re.compile(r'(?:0x)?([0-9a-f]{16})')
_LUN = re.compile(r'(?:0x)?([0-9a-f]{16})')
_MOUNTPOINT = re.compile(r'/dev/([a-z][a-z0-9]{0,31})')
_WWID = re.compile(r'[0-9a-z]{8,64}')
_MAP_NAME = re.compile(r'[a-z0-9][a-z0-9_]{0,63}')
_SIZE = re.compile(r'[1-9][0-9]{0,9}[GM]')
_NODE = re.compile(r'[a-z0-9][a-z0-9_-]{0,63}')
_USERID = re.compile(r'[A-Z0-9@#$+:_-]{1,8}')
_HCTL = re.compile(r'[0-9]{1,5}:[0-9]{1,5}:[0-9]{1,5}:[0-9]{1,20}')

# Kernel-owned /dev names a symlink must never replace. A nova mountpoint
# /dev/sdX is rewritten to /dev/vdX (as the xCAT-era driver did) because
# sdX are the guest's real SCSI disks.
_RESERVED_PREFIXES = ('sd', 'dm', 'dasd', 'sg', 'st', 'nst', 'ram', 'loop', 'tty',
                      'vcs', 'mapper', 'disk', 'block', 'char', 'null', 'zero',
                      'random', 'urandom', 'mem', 'kmem', 'kmsg', 'port',
                      'console', 'full', 'fd', 'shm', 'pts', 'ptmx', 'std',
                      'log', 'core', 'md', 'nbd', 'zram', 'vport', 'hvc',
                      'sclp', 'cpu', 'net', 'bus', 'input', 'snd', 'fuse',
                      'vfio', 'kvm', 'rtc', 'hwrng', 'watchdog', 'mqueue',
                      'hugepages', 'initctl', 'vmcp', 'vmur', 'vmrdr',
                      'vmlogrdr', 'prandom', 'z90crypt', 'crypto', 'dri',
                      'uinput', 'lp', 'sr', 'cdrom', 'btrfs', 'autofs')


def _match(pattern, field, value, expected, fold=True):
    if not isinstance(value, str):
        raise InvalidInput(field, value, expected)
    m = pattern.fullmatch(value.lower() if fold else value)
    if m is None:
        raise InvalidInput(field, value, expected)
    return m


def fcp_devno(value, field='FCP device'):
    """'1f00', '0x1F00', '0.0.1f00', '1f0' -> '1f00' (4 hex)."""
    m = _match(_DEVNO, field, value, '1-4 hex digits, optional 0.0. prefix')
    return m.group(1).zfill(4)


def wwpn(value, field='WWPN'):
    m = _match(_WWPN, field, value, '16 hex digits')
    return m.group(1)


def wwpns(values, field='WWPNs'):
    """A WWPN or a list (or ';'-joined string) of them, deduplicated."""
    if isinstance(values, str):
        values = values.split(';')
    if not isinstance(values, (list, tuple)) or not values:
        raise InvalidInput(field, values, 'one or more 16-hex WWPNs')
    out = []
    for v in values:
        w = wwpn(v, field)
        if w not in out:
            out.append(w)
    return tuple(out)


def fcp_lun(value, field='FCP LUN'):
    """The exact 64-bit FCP LUN, 16 hex digits; never truncated."""
    m = _match(_LUN, field, value, '16 hex digits (the 64-bit FCP LUN)')
    return m.group(1)


def guest_mountpoint(value, field='mountpoint'):
    """The /dev name the guest gets as a symlink to the volume.

    '/dev/sdb' becomes '/dev/vdb': sd* names belong to the guest kernel.
    Returns the full path.
    """
    m = _match(_MOUNTPOINT, field, value,
               '/dev/<name>, name [a-z][a-z0-9]{0,31}', fold=False)
    name = m.group(1)
    if name.startswith('sd') and len(name) > 2:
        name = 'vd' + name[2:]
    if name.startswith(_RESERVED_PREFIXES):
        raise InvalidInput(field, value, 'a name the guest kernel does not own')
    return '/dev/' + name


def wwid(value, field='SCSI WWID'):
    m = _match(_WWID, field, value, '8-64 characters [0-9a-z]')
    return m.group(0)


def map_name(value, field='multipath map'):
    m = _match(_MAP_NAME, field, value, '[a-z0-9][a-z0-9_]{0,63}', fold=False)
    return m.group(0)


def hctl(value, field='SCSI address'):
    m = _match(_HCTL, field, value, 'H:C:T:L')
    return m.group(0)


def pool_name(value, field='zvm_pool'):
    """A zFCP pool name by zvm_xcat's rule (the one its calls apply), lowered.

    One rule on both sides: a name accepted here is never refused by the
    client half-way through an attach.
    """
    try:
        return xvalidate.pool_name(value, field)
    except xexc.XCATInvalidArgument:
        raise InvalidInput(field, value, 'a pool name: [A-Za-z0-9] then '
                           '[A-Za-z0-9_-], at most 64 characters') from None


def volume_id(value, field='volume_id'):
    """A cinder volume id: a UUID (8-4-4-4-12 hex digits), lowered."""
    try:
        return xvalidate.uuid(value, field)
    except xexc.XCATInvalidArgument:
        raise InvalidInput(field, value, 'a UUID') from None


def lun_size(value, field='zvm_lun_size'):
    """'<n>G' or '<n>M' as on the xCAT wire."""
    if not isinstance(value, str):
        raise InvalidInput(field, value, '<n>G or <n>M')
    m = _SIZE.fullmatch(value.strip().upper())
    if m is None:
        raise InvalidInput(field, value, '<n>G or <n>M')
    return m.group(0)


def node_name(value, field='xCAT node'):
    m = _match(_NODE, field, value, '[a-z0-9][a-z0-9_-]{0,63}')
    return m.group(0)


def userid(value, field='z/VM user id'):
    if not isinstance(value, str) or not _USERID.fullmatch(value.upper()):
        raise InvalidInput(field, value, '1-8 characters of a z/VM user id')
    return value.upper()


def fcp_list_option(text, field='fcp_list'):
    """Parse the fcp_list option: '1f00-1f0f;2f00-2f0f' -> sorted devnos.

    Separators ';' and ','; whitespace around items is ignored; a range
    must go upwards and stay below 64 K devices in total.
    """
    if not isinstance(text, str):
        raise InvalidInput(field, text, 'a string')
    devices = set()
    for item in re.split(r'[;,]', text):
        item = item.strip()
        if not item:
            continue
        if '-' in item:
            lo, _sep, hi = item.partition('-')
            lo = fcp_devno(lo.strip(), field)
            hi = fcp_devno(hi.strip(), field)
            if int(lo, 16) > int(hi, 16):
                raise InvalidInput(field, item, 'a range low-high with low <= high')
            devices.update('%04x' % d for d in range(int(lo, 16), int(hi, 16) + 1))
        else:
            devices.add(fcp_devno(item, field))
    return sorted(devices)
