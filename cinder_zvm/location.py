"""Where a volume's LUN lives: provider_location / provider_id, pure.

A cinder volume of this driver is one entry of an xCAT zFCP pool: the
target WWPN(s) (several for multipath) and the 64-bit FCP LUN.  Everything
``initialize_connection`` needs is recorded in ``provider_location`` so that
attaching costs no xCAT call, and so that a volume can be found again after
the configuration changed (the hypervisor and pool are part of the record).

provider_location (versioned, compact, at most 255 characters)::

    zvmfcp1:<zvm_host>:<pool>:<wwpn>[;<wwpn>...]:<lun>

provider_id is the volume's name on the backend, in the same form that
manage_existing accepts as ``source-name``::

    <wwpn>[;<wwpn>...]:<lun>

Formats follow doc/source/contributor/internals.rst: lower-case hex, no
``0x``, WWPN 16 digits, LUN the full 16-digit FCP LUN (never truncated).
"""

import dataclasses
import re

from zvm_xcat import exception as xcat_exc
from zvm_xcat import validate as xcat_validate

VERSION_TAG = 'zvmfcp1'
_HEX16 = re.compile(r'[0-9a-f]{16}')
# A stored record is exactly what encode() writes: no blank, no newline
# anywhere (the fields are checked again one by one).
_STORED = re.compile(r'[^\s]+')


class InvalidLocation(ValueError):
    """A provider_location or source reference that cannot be parsed."""


def normalize_hex16(value, what):
    """Return ``value`` as 16 lower-case hex digits or raise InvalidLocation.

    Accepts an optional ``0x`` prefix.  Shorter values are rejected rather
    than padded: a short LUN is almost always a 16-bit LUN id typed by hand,
    and padding on the wrong side would address a different LUN.
    """
    if not isinstance(value, str):
        raise InvalidLocation('%s must be a string, got %r' % (what, value))
    text = value.strip().lower()
    if text.startswith('0x'):
        text = text[2:]
    if not _HEX16.fullmatch(text):
        raise InvalidLocation('%s %r is not 16 hex digits' % (what, value))
    return text


def normalize_wwpns(value):
    """WWPN(s) as a tuple from ``'w'``, ``'w1;w2'`` or a list/tuple."""
    if isinstance(value, (list, tuple)):
        parts = list(value)
    elif isinstance(value, str):
        parts = value.split(';')
    else:
        raise InvalidLocation('WWPN must be a string or a list, got %r' % (value,))
    wwpns = tuple(normalize_hex16(p, 'WWPN') for p in parts if p.strip())
    if not wwpns:
        raise InvalidLocation('no WWPN given')
    if len(set(wwpns)) != len(wwpns):
        raise InvalidLocation('WWPN listed twice in %r' % (value,))
    return wwpns


def check_name(value, what, rule=xcat_validate.node_name):
    """``value`` if zvm_xcat's ``rule`` accepts it, the rule xCAT calls use.

    One rule per kind of name: a name stored here is one the client sends.
    """
    try:
        rule(value, what)
    except xcat_exc.XCATInvalidArgument as exc:
        raise InvalidLocation(str(exc))
    return value


@dataclasses.dataclass(frozen=True)
class LunLocation:
    """One pool entry, as a volume refers to it."""

    hypervisor: str
    pool: str
    wwpns: tuple
    lun: str

    def __post_init__(self):
        check_name(self.hypervisor, 'z/VM host')
        check_name(self.pool, 'pool', xcat_validate.pool_name)
        object.__setattr__(self, 'wwpns', normalize_wwpns(self.wwpns))
        object.__setattr__(self, 'lun', normalize_hex16(self.lun, 'LUN'))

    @property
    def wwpn(self):
        """The xCAT wire form: WWPNs joined with ``;``."""
        return ';'.join(self.wwpns)

    @property
    def source_name(self):
        return '%s:%s' % (self.wwpn, self.lun)

    def encode(self):
        return ':'.join((VERSION_TAG, self.hypervisor, self.pool,
                         self.wwpn, self.lun))

    def matches(self, entry):
        """True when a zvm_xcat PoolEntry is this LUN."""
        return (entry.lun == self.lun and
                tuple(entry.wwpns) == self.wwpns)


def decode(provider_location):
    """LunLocation from a provider_location string; None when empty.

    Raises InvalidLocation for anything else, including a future version
    tag, so that an old driver never misreads a newer record.
    """
    if not provider_location:
        return None
    if (not isinstance(provider_location, str) or
            not _STORED.fullmatch(provider_location)):
        raise InvalidLocation('provider_location %r contains blanks or line '
                              'breaks' % (provider_location,))
    parts = provider_location.split(':')
    if parts[0] != VERSION_TAG:
        raise InvalidLocation('unknown provider_location format %r'
                              % provider_location)
    if len(parts) != 5:
        raise InvalidLocation('provider_location %r does not have 5 fields'
                              % provider_location)
    return LunLocation(*parts[1:])


def parse_source_name(source_name):
    """``(wwpns, lun)`` from a manage reference ``'<wwpn>[;<wwpn>]:<lun>'``."""
    if not isinstance(source_name, str) or source_name.count(':') != 1:
        raise InvalidLocation('source-name must be "<wwpn>[;<wwpn>]:<lun>", '
                              'got %r' % (source_name,))
    wwpn, lun = source_name.split(':')
    return normalize_wwpns(wwpn), normalize_hex16(lun, 'LUN')


def fcp_lun_to_scsi_lun(fcp_lun):
    """Linux SCSI LUN number of a 64-bit FCP LUN (kernel scsilun_to_int).

    The kernel reads the 8-byte LUN two bytes (one addressing level) at a
    time and puts level i at bits 16*i: 4001400500000000 -> 0x40054001.
    This is the number in /sys/class/scsi_device/H:C:T:L and what os-brick
    style ``target_lun`` consumers expect; the exact FCP LUN travels
    separately as ``zvm_fcp_lun``.
    """
    raw = bytes.fromhex(normalize_hex16(fcp_lun, 'LUN'))
    value = 0
    for level in range(4):
        value |= ((raw[2 * level] << 8) | raw[2 * level + 1]) << (16 * level)
    return value
