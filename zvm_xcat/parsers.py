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
:class:`~zvm_xcat.exception.XCATResponseError`; nothing else escapes (the
hypothesis tests in tests/common/unit/test_parsers_fuzz.py hold us to
it). The parsers of the pool CSV, pool names and FCP device details live
in :mod:`zvm_xcat.zvm_output` and are re-exported here.

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

import dataclasses
import json
import re

from zvm_xcat.exception import XCATInvalidArgument
from zvm_xcat.exception import XCATParseError
from zvm_xcat.exception import XCATResponseError
from zvm_xcat.redact import truncate
from zvm_xcat import validate
# The z/VM output parsers live in zvm_output; this module is their
# documented home (internals.rst), so they are re-exported here.
from zvm_xcat.zvm_output import FcpDevice  # noqa: F401
from zvm_xcat.zvm_output import parse_fcp_devices  # noqa: F401
from zvm_xcat.zvm_output import parse_pool  # noqa: F401
from zvm_xcat.zvm_output import parse_pool_names  # noqa: F401
from zvm_xcat.zvm_output import POOL_HEADER  # noqa: F401
from zvm_xcat.zvm_output import PoolEntry  # noqa: F401
from zvm_xcat.zvm_output import strip_prefix  # noqa: F401

# Error elements that are not failures, as the xCAT-era nova driver
# treated them (xcat-rest-zfcp.md section 4):
# - ssh's informational host key lines: the key was added ("Permanently
#   added", printed the first time the MN talks to a zHCP or guest), or the
#   host's key is known under its name but differs from the one recorded
#   for its IP (with the "Offending key"/"Matching host key" lines that
#   follow). An error element is benign only if ALL its lines are such.
#   NOT "REMOTE HOST IDENTIFICATION HAS CHANGED", which that driver also
#   swallowed: it is a possible man-in-the-middle and stays an error.
# - DirMaint "Return Code: 596" with "Reason Code: 1185" or "6312" (that
#   driver's "request counter save" and "request limit" cases: the
#   directory change itself was made).
_SSH_HOST_KEY = re.compile(
    r'Warning: Permanently added .* to the list of known hosts'
    r"|Warning: the \S+ host key for '[^']*' differs from the key for the IP"
    r'|Offending key for IP in \S+'
    r'|Matching host key in \S+', re.IGNORECASE)
_DIRMAINT_596 = re.compile(r'Return Code: 596\b')
_DIRMAINT_REASON = re.compile(r'Reason Code: (?:1185|6312)\b')


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
