# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.
"""Pure validation and normalisation of values sent to xCAT.

Why so strict: the v1 CGI splits every string of a ``vms``, ``hypervisor``
or ``tables`` PUT body on single spaces (zvmxcatws.cgi vmsHandler,
hypervisorHandler, tablesHandler: ``split(/ /,$_)``), and zvm.pm pastes
many arguments into ssh command lines on the zHCP. An argument with a
space becomes two arguments; an empty one shifts every later argument.
So each argument is checked here before anything is sent, and every error
names the argument.

Normal forms (doc/source/contributor/internals.rst, "Formats"): hex in
lower case without ``0x``; FCP device numbers 4 digits; WWPNs and FCP LUNs
16 digits (the full 64-bit LUN, never shortened); sizes ``<n>G``/``<n>M``.
Every function returns the normal form or raises XCATInvalidArgument.
"""

import re

from zvm_xcat.exception import XCATInvalidArgument

MiB = 1024 * 1024
GiB = 1024 * MiB

_HEX16 = re.compile(r'(?:0x)?([0-9a-f]{16})', re.IGNORECASE)
_FCP = re.compile(r'(?:0\.0\.)?([0-9a-f]{1,4})', re.IGNORECASE)
_SIZE = re.compile(r'([0-9]+)([gm])', re.IGNORECASE)
_CHPID = re.compile(r'[0-9a-f]{1,2}', re.IGNORECASE)
# xCAT node names are host names (plus '_'); no noderange syntax
# (',', '+', '@', '^', '/') so that one call can only ever name one node.
_NODE = re.compile(r'[A-Za-z0-9][A-Za-z0-9_.-]{0,127}')
# Pool names become /var/opt/zhcp/zfcp/<pool>.conf in ssh commands on the
# zHCP: keep them to file-name-safe characters.
_POOL = re.compile(r'[A-Za-z0-9][A-Za-z0-9_-]{0,63}')
# Pool entry owners: cinder's ``<kind>-<uuid>`` and guest node names.
# zvmUtils.pm findAndUpdatezFcpPool pastes the owner into a back-quoted,
# double-quoted ``ssh ... sed`` (and ``echo ... >> <pool>.conf``) command
# line on the management node, inside a ``s#...#...#i`` expression, and the
# pool file is CSV: no quote, ``$``, backtick, ``#``, ``,``, ``&``, ``\``
# or blank may reach it. Letters, digits, '-', '_' and '.' only.
_OWNER = re.compile(r'[A-Za-z0-9][A-Za-z0-9_.-]{0,127}')
_UUID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-'
                   r'[0-9a-f]{12}', re.IGNORECASE)
_RANGE = re.compile(r'[0-9a-f]{1,4}-[0-9a-f]{1,4}(?:;[0-9a-f]{1,4}-[0-9a-f]{1,4})*',
                    re.IGNORECASE)
POOL_STATUSES = ('free', 'used', 'reserved')


def _sequence(values, name):
    """A ';'-joined string or a list/tuple -> list of items."""
    if isinstance(values, str):
        return values.split(';')
    if isinstance(values, (list, tuple)):
        return list(values)
    raise XCATInvalidArgument(name, 'expected a string or a list, got %s'
                              % type(values).__name__)


def _text(value, name):
    if not isinstance(value, str):
        raise XCATInvalidArgument(name, 'expected a string, got %s'
                                  % type(value).__name__)
    return value


def wire_arg(value, name='argument'):
    """One argument of a space-split xCAT command: non-empty, no whitespace.

    Control characters are refused too: they have no business in a command
    line that xCAT passes to ssh.
    """
    value = _text(value, name)
    if not value:
        raise XCATInvalidArgument(name, 'must not be empty')
    for ch in value:
        if ch.isspace():
            raise XCATInvalidArgument(
                name, 'must not contain whitespace (%r): xCAT splits '
                'arguments on spaces' % value)
        if ord(ch) < 32 or ord(ch) == 127:
            raise XCATInvalidArgument(name, 'must not contain control '
                                      'characters (%r)' % value)
    return value


def wire_args(values, name='arguments'):
    """Validate each of ``values`` with :func:`wire_arg`; returns a list."""
    return [wire_arg(v, '%s[%d]' % (name, i)) for i, v in enumerate(values)]


def node_name(value, name='node'):
    """An xCAT node name (one node, never a noderange)."""
    value = _text(value, name)
    if not _NODE.fullmatch(value):
        raise XCATInvalidArgument(
            name, '%r is not an xCAT node name (letters, digits, "-", "_", '
            '"." only; at most 128 characters)' % value)
    return value


def owner(value, name='owner'):
    """A pool entry owner, checked before it reaches xCAT's shell (_OWNER)."""
    value = _text(value, name)
    if not _OWNER.fullmatch(value):
        raise XCATInvalidArgument(
            name, '%r is not a pool entry owner (letters, digits, "-", "_", '
            '"." only; at most 128 characters)' % value)
    return value


def uuid(value, name='id'):
    """An OpenStack id: a UUID in its canonical 8-4-4-4-12 form, lowered."""
    value = _text(value, name)
    if not _UUID.fullmatch(value):
        raise XCATInvalidArgument(
            name, '%r is not a UUID (8-4-4-4-12 hex digits)' % value)
    return value.lower()


def pool_name(value, name='pool'):
    """A zFCP pool name, lowered.

    zvm.pm lowercases the pool for --addzfcp2pool, --reservezfcp,
    --releasezfcp and --zfcppool but NOT for --removezfcpfrompool, so the
    client always sends the lower-case name to keep all five consistent.
    """
    value = _text(value, name)
    if not _POOL.fullmatch(value):
        raise XCATInvalidArgument(
            name, '%r is not a pool name (letters, digits, "-", "_"; at '
            'most 64 characters)' % value)
    return value.lower()


def fcp_device(value, name='fcp'):
    """An FCP device number: 1-4 hex digits, optional ``0.0.`` prefix."""
    value = _text(value, name).strip()
    match = _FCP.fullmatch(value)
    if not match:
        raise XCATInvalidArgument(
            name, '%r is not an FCP device number (1-4 hex digits, '
            'optionally prefixed by 0.0.)' % value)
    return match.group(1).lower().zfill(4)


def fcp_devices(values, name='fcps'):
    """A list of FCP device numbers, or one ``;``-joined string."""
    values = _sequence(values, name)
    result = tuple(fcp_device(v, '%s[%d]' % (name, i))
                   for i, v in enumerate(values))
    if not result:
        raise XCATInvalidArgument(name, 'needs at least one FCP device')
    return result


def wwpn(value, name='wwpn'):
    """A WWPN: exactly 16 hex digits, optional ``0x``."""
    value = _text(value, name).strip()
    match = _HEX16.fullmatch(value)
    if not match:
        raise XCATInvalidArgument(
            name, '%r is not a WWPN (16 hex digits)' % value)
    return match.group(1).lower()


def wwpns(values, name='wwpns'):
    """One or more WWPNs: a sequence or a ``;``-joined string -> tuple.

    Duplicates are refused: xCAT matches pool rows by substring, and a
    repeated WWPN would be a second path that is not there.
    """
    values = _sequence(values, name)
    result = tuple(wwpn(v, '%s[%d]' % (name, i)) for i, v in enumerate(values))
    if not result:
        raise XCATInvalidArgument(name, 'needs at least one WWPN')
    if len(set(result)) != len(result):
        raise XCATInvalidArgument(name, 'lists a WWPN twice: %s'
                                  % ';'.join(result))
    return result


def wwpns_wire(values, name='wwpns'):
    """The xCAT wire form of a multipath target: WWPNs joined with ``;``."""
    return ';'.join(wwpns(values, name))


def lun(value, name='lun'):
    """An FCP LUN: the full 64-bit value, exactly 16 hex digits."""
    value = _text(value, name).strip()
    match = _HEX16.fullmatch(value)
    if not match:
        raise XCATInvalidArgument(
            name, '%r is not an FCP LUN (16 hex digits, the full 64-bit '
            'LUN)' % value)
    return match.group(1).lower()


def chpid(value, name='chpid'):
    """A channel path id: 1-2 hex digits -> 2 lower-case digits."""
    value = _text(value, name).strip()
    if not _CHPID.fullmatch(value):
        raise XCATInvalidArgument(name, '%r is not a CHPID' % value)
    return value.lower().zfill(2)


def size(value, name='size'):
    """An xCAT size ``<n>G`` or ``<n>M`` -> upper-case unit, no leading 0s."""
    value = _text(value, name).strip()
    match = _SIZE.fullmatch(value)
    if not match:
        raise XCATInvalidArgument(
            name, '%r is not a size (<n>G or <n>M)' % value)
    return '%d%s' % (int(match.group(1)), match.group(2).upper())


def size_to_bytes(value, name='size'):
    """``'10G'`` -> 10737418240. xCAT counts G as 1024 M (zvmUtils.pm)."""
    normal = size(value, name)
    number, unit = int(normal[:-1]), normal[-1]
    return number * (GiB if unit == 'G' else MiB)


def bytes_to_size(nbytes, name='size'):
    """Bytes -> xCAT size, in G when exact, else M rounded up."""
    if isinstance(nbytes, bool) or not isinstance(nbytes, int) or nbytes < 0:
        raise XCATInvalidArgument(name, '%r is not a byte count' % (nbytes,))
    if nbytes % GiB == 0:
        return '%dG' % (nbytes // GiB)
    return '%dM' % (-(-nbytes // MiB))


def pool_status(value, name='status'):
    """A pool entry status: free, used or reserved (lower-cased)."""
    value = _text(value, name).strip().lower()
    if value not in POOL_STATUSES:
        raise XCATInvalidArgument(
            name, '%r is not a pool status (free, used, reserved)' % value)
    return value


def fcp_range(value, name='range'):
    """An FCP channel range like ``1A80-1B90`` or ``1A80-1B90;2A80-2B90``."""
    value = _text(value, name).strip()
    if not _RANGE.fullmatch(value):
        raise XCATInvalidArgument(
            name, '%r is not an FCP range (e.g. 1a80-1b90;2a80-2b90)' % value)
    return value.lower()


def request_id(value, name='request_id'):
    """An OpenStack request id forwarded to xCAT's log (``requestid=``).

    The CGI passes it as one argument (--requestid <id>) so it only has to
    be a non-empty token; it is also capped to keep URLs short.
    """
    value = wire_arg(value, name)
    if len(value) > 255:
        raise XCATInvalidArgument(name, 'is longer than 255 characters')
    return value
