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
"""Pure parsers for xCAT REST v1 replies and z/VM plugin output.

No I/O here: every function takes text (or lines) and returns values or
raises :class:`~zvm_xcat.exception.XCATParseError` /
:class:`~zvm_xcat.exception.XCATResponseError`. Nothing else escapes; the
hypothesis tests in tests/common/unit/test_parsers_fuzz.py hold us to it.

Reply shape (xcat-core xCAT-server/xCAT-wsapi/zvmxcatws.cgi, wrapJson and
sendRequest): ``{"data": [r1, r2, ...]}`` with one element per xcatd
response message, each the XML::Simple ``XMLin(..., ForceArray => 1)`` of
that message, so every value is a list (``{"info": ["..."]}``,
``{"error": ["..."], "errorcode": ["1"]}``, ``{"node": [{"name": ["n"],
"data": ["..."]}]}``). Empty XML elements come back as ``null``
(``SuppressEmpty => undef``). Keys we do not know (``xcatdsource`` since
xcat-core 6aadfc205) are ignored.

The z/VM plugin prints through xCAT::zvmUtils->printLn, which files a line
under ``error`` when it matches ``/(\\(error\\)|\\s*failed)/i`` and under
``info`` otherwise, and appendHostname puts ``<node>: `` before every line.
"""

import contextlib
import dataclasses
import gc
import json
import re
from typing import Optional

from zvm_xcat.exception import XCATInvalidArgument
from zvm_xcat.exception import XCATParseError
from zvm_xcat.exception import XCATResponseError
from zvm_xcat.redact import truncate
from zvm_xcat import validate

# Error elements that are not failures. The xCAT-era nova driver ignored
# exactly these (xcat-rest-zfcp.md section 4): the ssh warning printed the
# first time the MN talks to a new zHCP or guest, and DirMaint's
# "Return Code: 596" with "Reason Code: 1185" or "6312", which z/VM gives
# when a directory change is queued / already in effect.
_SSH_HOST_KEY = re.compile(
    r'Warning: Permanently added .* to the list of known hosts', re.IGNORECASE)
_DIRMAINT_596 = re.compile(r'Return Code: 596\b')
_DIRMAINT_REASON = re.compile(r'Reason Code: (?:1185|6312)\b')
# "<node>: rest": the prefix appendHostname writes. A node name never
# contains ',', ':' or blanks, so a CSV row is never mistaken for one.
_PREFIX = re.compile(r'([^\s,:]+): (.*)', re.DOTALL)


@dataclasses.dataclass(frozen=True)
class NodeOutput:
    """One ``{"node": [{"name": [..], ...}]}`` entry of a reply."""

    name: str
    data: tuple = ()
    errors: tuple = ()
    errorcode: tuple = ()


@dataclasses.dataclass(frozen=True)
class XCATResult:
    """A parsed v1 reply. Strings are raw, exactly as xCAT sent them."""

    info: tuple = ()
    data: tuple = ()
    errors: tuple = ()
    errorcode: tuple = ()
    nodes: tuple = ()
    warnings: tuple = ()

    def lines(self):
        """Every output line (info, data, node data), node prefix kept."""
        out = []
        for text in self.info + self.data:
            out.extend(line for line in text.split('\n') if line.strip())
        for node in self.nodes:
            for text in node.data:
                out.extend('%s: %s' % (node.name, line)
                           for line in text.split('\n') if line.strip())
        return out

    def node_lines(self, node):
        """Lines printed for ``node``, with the ``node: `` prefix removed."""
        prefix = node + ': '
        size = len(prefix)
        out = []
        for text in self.info + self.data:
            out.extend([rest for line in text.split('\n')
                        if line.startswith(prefix) and
                        (rest := line[size:]).strip()])
        for entry in self.nodes:
            if entry.name == node:
                for text in entry.data:
                    out.extend(line for line in text.split('\n')
                               if line.strip())
        return out


def _keep(text):
    return text


def _strings(value, where, scrub=_keep):
    """A ForceArray value -> tuple of strings (null -> '')."""
    if value is None:
        return ()
    if not isinstance(value, list):
        value = [value]
    out = []
    for item in value:
        if item is None:
            out.append('')
        elif isinstance(item, str):
            out.append(scrub(item))
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            out.append(str(item))
        elif isinstance(item, dict) and ('contents' in item or 'desc' in item):
            # {"contents": [..], "desc": [..]}: rinv/lsdef style pairs.
            contents = ' '.join(_strings(item.get('contents'), where, scrub))
            desc = ' '.join(_strings(item.get('desc'), where, scrub))
            out.append('%s: %s' % (desc, contents) if desc else contents)
        else:
            raise XCATResponseError(
                'Unexpected value in xCAT reply %s: %s'
                % (where, truncate(json.dumps(item), 200)))
    return tuple(out)


def _is_benign(text):
    lines = [ln for ln in text.split('\n') if ln.strip()]
    if lines and all(_SSH_HOST_KEY.search(ln) for ln in lines):
        return True
    return bool(_DIRMAINT_596.search(text) and _DIRMAINT_REASON.search(text))


def _split_errors(texts, errors, warnings):
    for text in texts:
        (warnings if _is_benign(text) else errors).append(text)


def parse_reply(body_text, scrub=_keep):
    """Parse a v1 JSON body into an :class:`XCATResult`.

    Error elements are collected, not raised: the client decides (it
    raises XCATCommandError when ``errors`` is not empty). ``scrub`` is
    applied to every string of the reply (the client passes the function
    that removes its password).
    """
    if isinstance(body_text, bytes):
        try:
            body_text = body_text.decode('utf-8')
        except UnicodeDecodeError as exc:
            raise XCATResponseError('xCAT reply is not UTF-8: %s' % exc) from None
    try:
        doc = json.loads(body_text)
    except (ValueError, RecursionError):
        raise XCATResponseError(
            'xCAT reply is not JSON: %r' % truncate(body_text, 300)) from None
    if not isinstance(doc, dict) or 'data' not in doc:
        raise XCATResponseError(
            'xCAT reply is not {"data": [...]}: %r' % truncate(body_text, 300))
    elements = doc['data']
    if elements is None:
        elements = []
    if not isinstance(elements, list):
        raise XCATResponseError(
            'xCAT reply "data" is not a list: %r' % truncate(body_text, 300))
    info, data, errors, codes, nodes, warnings = [], [], [], [], [], []
    for index, element in enumerate(elements):
        where = 'element %d' % index
        if isinstance(element, str):  # tolerate a flattened reply
            data.append(element)
            continue
        if not isinstance(element, dict):
            raise XCATResponseError('xCAT reply %s is not an object: %s'
                                    % (where, truncate(json.dumps(element), 200)))
        info.extend(_strings(element.get('info'), where, scrub))
        data.extend(_strings(element.get('data'), where, scrub))
        _split_errors(_strings(element.get('error'), where, scrub), errors,
                      warnings)
        codes.extend(_strings(element.get('errorcode'), where, scrub))
        for node in _as_list(element.get('node')):
            nodes.append(_parse_node(node, where, errors, warnings, scrub))
    return XCATResult(info=tuple(info), data=tuple(data), errors=tuple(errors),
                      errorcode=tuple(codes), nodes=tuple(nodes),
                      warnings=tuple(warnings))


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _parse_node(node, where, errors, warnings, scrub):
    if not isinstance(node, dict):
        raise XCATResponseError('xCAT reply %s has a node that is not an '
                                'object' % where)
    names = _strings(node.get('name'), where, scrub)
    name = names[0] if names else ''
    data = _strings(node.get('data'), where, scrub)
    node_errors, node_warnings = [], []
    _split_errors(_strings(node.get('error'), where, scrub), node_errors,
                  node_warnings)
    errors.extend('%s: %s' % (name, e) if name else e for e in node_errors)
    warnings.extend(node_warnings)
    return NodeOutput(name=name, data=data, errors=tuple(node_errors),
                      errorcode=_strings(node.get('errorcode'), where, scrub))


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
    either case or empty. Any other row raises XCATParseError naming it:
    a row we cannot read is never taken for a free LUN.

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


# --- lsxcatd -v -----------------------------------------------------------

_VERSION = re.compile(r'\bVersion\s+([0-9]+(?:\.[0-9]+)*)')


def parse_version(text):
    """``Version 2.8.3.16 (git commit ..., built ...)`` -> (2, 8, 3, 16)."""
    if not isinstance(text, str):
        raise XCATParseError('version is not text', row=repr(text))
    m = _VERSION.search(text)
    if m is None:
        raise XCATParseError('no "Version <n.n...>" found', row=text)
    parts = m.group(1).split('.')
    if len(parts) > 8 or any(len(p) > 9 for p in parts):
        raise XCATParseError('implausible version number', row=text)
    return tuple(int(p) for p in parts)


# --- chhypervisor --reservezfcp -------------------------------------------

_RESERVED = re.compile(
    r'FCP device (?:([0-9a-z;]+)/)?0x([0-9a-fx;]+)/0x([0-9a-f]+) '
    r'was reserved\.\.\. Done', re.IGNORECASE)


def parse_reserved(lines):
    """Find what ``--reservezfcp`` reserved.

    zvm.pm changeHypervisor prints ``FCP device <dev>/0x<wwpn>/0x<lun> was
    reserved... Done`` (``<dev>/`` only when a device was given or chosen).
    Returns ``(fcp or None, wwpns tuple, lun)``; ``fcp`` is None when no
    device is attached to the reservation (none given, or ``auto`` with
    status reserved, which xCAT leaves unresolved).
    """
    for raw in lines:
        if not isinstance(raw, str):
            raise XCATParseError('reservation line is not text', row=repr(raw))
        m = _RESERVED.search(raw)
        if m is None:
            continue
        dev, wwpn_text, lun_text = m.groups()
        try:
            wwpns = validate.wwpns(wwpn_text.split(';'), 'wwpn')
            lun = validate.lun(lun_text, 'lun')
            if dev is None or dev.lower() == 'auto':
                fcp = None
            else:
                fcp = ';'.join(validate.fcp_devices(dev, 'device'))
        except XCATInvalidArgument as exc:
            raise XCATParseError(str(exc), row=raw) from None
        return fcp, wwpns, lun
    raise XCATParseError('no "FCP device ... was reserved... Done" line')
