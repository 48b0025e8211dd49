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
"""Pure parsers of the z/VM plugin's text output.

``rinv <hv> --zfcppool``, ``--zfcppoolnames`` and ``--fcpdevices <state>
details`` (xcat-core xCAT-server/lib/xcat/plugins/zvm.pm
inventoryHypervisor), after :func:`zvm_xcat.parsers.parse_reply` took
them out of the JSON reply. Every line arrives with the ``<node>: ``
prefix of xCAT::zvmUtils->appendHostname, which the parsers accept and
remove. Re-exported by :mod:`zvm_xcat.parsers` (the documented home of
these names); split out only to keep files small.

No I/O. Every function returns its result or raises XCATParseError.
"""

import contextlib
import dataclasses
import gc
import re
from typing import Optional

from zvm_xcat.exception import XCATInvalidArgument
from zvm_xcat.exception import XCATParseError
from zvm_xcat import validate

# "<node>: rest": the prefix appendHostname writes. A node name never
# contains ',', ':' or blanks, so a CSV row is never mistaken for one.
_PREFIX = re.compile(r'([^\s,:]+): (.*)', re.DOTALL)


def strip_prefix(line, node=None):
    """Remove the ``<node>: `` prefix xCAT puts before each output line."""
    if node is not None:
        prefix = node + ': '
        return line[len(prefix):] if line.startswith(prefix) else line
    match = _PREFIX.fullmatch(line)
    return match.group(2) if match else line


# --- pool CSV (rinv <hv> --zfcppool <pool> [all|free|used|reserved]) -----

POOL_HEADER = '#status,wwpn,lun,size,range,owner,channel,tag'
_HEX = '0123456789abcdef'
# Canonical status strings (shared, not one copy per row).
_STATUSES = {s: s for s in validate.POOL_STATUSES}
_UNIT = {'g': validate.GiB, 'm': validate.MiB}


@dataclasses.dataclass(frozen=True)
class PoolEntry:
    """One row of a zFCP pool file (/var/opt/zhcp/zfcp/<pool>.conf).

    parse_pool fills ``__dict__`` directly instead of calling the frozen
    ``__init__``, which sets each field with ``object.__setattr__``: for a
    100,000-row pool that alone took ~0.2 s of the 0.5 s budget (see
    bench/parse.py). The objects are identical (equality, hash and repr
    are field based); test_parsers checks it.
    """

    status: str
    wwpns: tuple
    lun: str
    size_bytes: Optional[int]
    range: str
    owner: str
    channel: str
    tag: str
    line: str

    @property
    def wwpn(self):
        """The xCAT form of the target: WWPNs joined with ``;``."""
        return ';'.join(self.wwpns)


def _parse_wwpns(text, row):
    wwpns = []
    for wwpn in text.split(';'):
        wwpn = wwpn.lower()
        if wwpn[:2] == '0x':
            wwpn = wwpn[2:]
        if len(wwpn) != 16 or wwpn.strip(_HEX):
            raise XCATParseError('bad WWPN %r (16 hex digits, several joined '
                                 'by ";")' % text, row=row)
        wwpns.append(wwpn)
    return tuple(wwpns)


def _parse_size(text, row):
    number, unit = text[:-1], _UNIT.get(text[-1:].lower())
    if unit is not None and not number:
        # zvmUtils.pm findAndUpdatezFcpPool (3926, 3941) writes "" . "M"
        # into a row without a size that it reserves or releases by
        # WWPN/LUN: the size is still unknown.
        return None
    if unit is None or not (number.isascii() and number.isdigit()):
        raise XCATParseError('bad size %r (<n>G or <n>M)' % text, row=row)
    return int(number) * unit


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while building many objects.

    A large pool listing creates ~100,000 objects that all survive and
    form no reference cycles; the generational collector would still
    rescan them, and the whole heap of the service (cinder-volume has
    millions of objects), several times during the loop. Mercurial's
    ``util.nogc`` does the same for the same reason. Reference counting
    keeps freeing memory meanwhile. The collector is re-enabled only if
    it was enabled on entry.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_pool(lines):
    """Parse ``--zfcppool`` output into :class:`PoolEntry` objects.

    Accepts lines with or without the ``<node>: `` prefix; the header
    (``#status,...``), other ``#`` comments and blank lines are skipped.
    Format per zvm.pm changeHypervisor --addzfcp2pool (it appends
    ``status,wwpn,lun,size,range,owner,,``) and findAndUpdatezFcpPool
    (rewrites ``status,wwpn,lun,size,range,owner,channel,tag``): exactly 8
    fields, multipath WWPNs joined with ``;``, size ``<n>G``/``<n>M`` in
    either case, or empty or a bare ``M`` (unknown: ``size_bytes``
    None). Any other row raises XCATParseError naming it: a row we cannot
    read is never taken for a free LUN.

    Written with str methods rather than one regular expression: it is
    the hot path of capacity reports (100,000 rows < 0.5 s, bench/parse).
    """
    with _gc_paused():
        return _parse_pool(lines)


def _parse_pool(lines):
    entries = []
    append = entries.append
    statuses, hex_digits, new, set_dict = _STATUSES, _HEX, object.__new__, \
        object.__setattr__
    # A pool has few target ports and sizes and many LUNs: parse each
    # distinct WWPN and size field once.
    known_wwpns, known_sizes = {}, {'': None}
    for raw in lines:
        if not isinstance(raw, str):
            raise XCATParseError('pool row is not text', row=repr(raw))
        row = raw.rstrip('\r\n')
        head, sep, rest = row.partition(': ')
        if sep and ',' not in head and ' ' not in head and '\t' not in head:
            row = rest
        first = row[:1]
        if first == '#' or (first in ('', ' ', '\t') and (
                not row.strip() or row.lstrip()[:1] == '#')):
            continue
        fields = row.split(',')
        if len(fields) != 8:
            raise XCATParseError(
                'expected 8 comma-separated fields (%s), found %d'
                % (POOL_HEADER[1:], len(fields)), row=raw)
        status, wwpn_text, lun, size, range_, owner, channel, tag = fields
        status = statuses.get(status) or statuses.get(status.lower())
        if status is None:
            raise XCATParseError('unknown status %r' % fields[0], row=raw)
        wwpns = known_wwpns.get(wwpn_text)
        if wwpns is None:
            wwpns = known_wwpns[wwpn_text] = _parse_wwpns(wwpn_text, raw)
        lun = lun.lower()
        if lun[:2] == '0x':
            lun = lun[2:]
        if len(lun) != 16 or lun.strip(hex_digits):
            raise XCATParseError('bad LUN %r (16 hex digits, the full 64-bit '
                                 'FCP LUN)' % fields[2], row=raw)
        if size in known_sizes:
            size = known_sizes[size]
        else:
            size = known_sizes[size] = _parse_size(size, raw)
        # Bypasses the frozen dataclass __init__, see PoolEntry.
        entry = new(PoolEntry)
        set_dict(entry, '__dict__', {
            'status': status, 'wwpns': wwpns, 'lun': lun, 'size_bytes': size,
            'range': range_, 'owner': owner, 'channel': channel, 'tag': tag,
            'line': row})
        append(entry)
    return entries


def parse_pool_names(lines):
    """``--zfcppoolnames`` output: one pool name per line (prefix removed)."""
    names = []
    for raw in lines:
        if not isinstance(raw, str):
            raise XCATParseError('pool name line is not text', row=repr(raw))
        name = strip_prefix(raw.rstrip('\r\n')).strip()
        if not name:
            continue
        if any(ch.isspace() for ch in name) or '/' in name:
            raise XCATParseError('not a pool name', row=raw)
        names.append(name)
    return names


# --- FCP devices (rinv <hv> --fcpdevices <state> details) ----------------

_FCP_LABELS = {
    'fcp device number': 'devno',
    'status': 'status',
    'npiv world wide port number': 'npiv_wwpn',
    'channel path id': 'chpid',
    'physical world wide port number': 'physical_wwpn',
}
_FCP_LINE = re.compile(r'\s*([A-Za-z][A-Za-z ]*?)\s*:\s*(.*?)\s*')
_FCP_STATUSES = ('active', 'free', 'offline')


@dataclasses.dataclass(frozen=True)
class FcpDevice:
    """One FCP device of System_WWPN_Query."""

    devno: str
    status: str
    npiv_wwpn: Optional[str]
    chpid: str
    physical_wwpn: str

    @property
    def wwpn(self):
        """The initiator WWPN the storage sees: NPIV if on, else physical."""
        return self.npiv_wwpn or self.physical_wwpn


def parse_fcp_devices(lines):
    """Parse ``--fcpdevices <state> details`` output.

    zvm.pm inventoryHypervisor prints System_WWPN_Query's 5 lines per
    device, each with the ``<node>: `` prefix::

        zvm1: FCP device number: 1F00
        zvm1: Status: Free
        zvm1: NPIV world wide port number: C05076FFE5005612
        zvm1: Channel path ID: 27
        zvm1: Physical world wide port number: C05076FFE5005611

    Lines are read by label (a group starts at "FCP device number"), so
    indentation does not matter; lines with a label we do not know (a
    newer SMAPI may add e.g. "Owner") are skipped. A group missing one of
    the five labels, or with a bad value, raises XCATParseError.
    """
    devices = []
    group = None
    first = None

    def finish():
        if group is not None:
            devices.append(_fcp_device(group, first))

    for raw in lines:
        if not isinstance(raw, str):
            raise XCATParseError('FCP device line is not text', row=repr(raw))
        text = raw.rstrip('\r\n')
        if not text.strip():
            continue
        m = _FCP_LINE.fullmatch(text)
        if m is None or m.group(1).lower() not in _FCP_LABELS:
            # Not a known label as it stands: remove a "<node>: " prefix.
            # ("Owner: X" alone looks like a prefix too, hence the order.)
            p = _PREFIX.fullmatch(text)
            rest = p.group(2) if p else text
            if not rest.strip():
                continue
            labelled = _FCP_LINE.fullmatch(rest)
            if labelled is None and m is None:
                raise XCATParseError('expected "<label>: <value>"', row=raw)
            m = labelled or m
        key = _FCP_LABELS.get(m.group(1).lower())
        if key is None:
            continue
        if key == 'devno':
            finish()
            group, first = {}, raw
        elif group is None:
            raise XCATParseError('line before the first "FCP device number"',
                                 row=raw)
        if key in group:
            raise XCATParseError('label repeated within one device', row=raw)
        group[key] = m.group(2)
    finish()
    return devices


def _fcp_device(group, row):
    missing = [label for label, key in _FCP_LABELS.items() if key not in group]
    if missing:
        raise XCATParseError('FCP device without %s' % ', '.join(missing),
                             row=row)
    try:
        devno = validate.fcp_device(group['devno'], 'FCP device number')
        chpid = validate.chpid(group['chpid'], 'Channel path ID')
        physical = validate.wwpn(group['physical_wwpn'],
                                 'Physical world wide port number')
        npiv = group['npiv_wwpn']
        if npiv.upper() in ('NONE', ''):
            npiv = None
        else:
            npiv = validate.wwpn(npiv, 'NPIV world wide port number')
    except XCATInvalidArgument as exc:
        raise XCATParseError(str(exc), row=row) from None
    status = group['status'].lower()
    if status not in _FCP_STATUSES:
        raise XCATParseError('unknown FCP device status %r' % group['status'],
                             row=row)
    return FcpDevice(devno=devno, status=status, npiv_wwpn=npiv, chpid=chpid,
                     physical_wwpn=physical)
