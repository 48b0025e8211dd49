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
"""Property-based fuzzing of every parser with hypothesis.

Property: whatever xCAT (or a broken proxy) sends, a parser returns a
result or raises its documented error (XCATParseError, or
XCATResponseError for parse_reply); never another exception. Inputs mix
arbitrary text with fragments of the real formats, so the fuzzer gets
deep into the grammar instead of failing on the first character.

Example counts are kept moderate so the suite stays fast.
"""

import json
import os

from hypothesis import given
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
import testtools

from zvm_xcat import address
from zvm_xcat.exception import XCATConfigError
from zvm_xcat.exception import XCATInvalidArgument
from zvm_xcat.exception import XCATParseError
from zvm_xcat.exception import XCATResponseError
from zvm_xcat import parsers
from zvm_xcat import validate

# ZVM_XCAT_FUZZ_EXAMPLES=5000 for a deeper run than the suite's default.
FUZZ = settings(max_examples=int(os.environ.get('ZVM_XCAT_FUZZ_EXAMPLES', 300)),
                deadline=None, suppress_health_check=[HealthCheck.too_slow])

HEX = '0123456789abcdefABCDEF'
hexes = st.text(alphabet=HEX, min_size=0, max_size=18)
node = st.sampled_from(['', 'zvm1: ', 'pokdev61: ', 'a: ', ': '])
size = st.one_of(st.just(''), st.from_regex(r'[0-9]{0,3}[gGmMtT]?', fullmatch=True))
field = st.one_of(st.text(max_size=6), hexes, st.sampled_from(
    ['free', 'used', 'reserved', 'FREE', '0x', ';', '3B40-3B7F', '$tag$']))

pool_row = st.builds(
    lambda prefix, status, w, extra_w, lun, sz, rest: prefix + ','.join(
        [status, w + extra_w, lun, sz] + rest),
    node, st.sampled_from(['free', 'used', 'reserved', 'Free', 'bogus', '']),
    hexes, st.one_of(st.just(''), hexes.map(lambda h: ';' + h)), hexes, size,
    st.lists(field, min_size=0, max_size=6))
any_line = st.text(max_size=80)
pool_lines = st.lists(st.one_of(pool_row, any_line, st.just(parsers.POOL_HEADER)),
                      max_size=12)

LABELS = ['FCP device number', 'Status', 'NPIV world wide port number',
          'Channel path ID', 'Physical world wide port number', 'Owner']
fcp_line = st.builds(
    lambda prefix, label, indent, value: '%s%s%s: %s' % (
        prefix, indent, label, value),
    node, st.sampled_from(LABELS), st.sampled_from(['', '  ']),
    st.one_of(hexes, st.sampled_from(['Free', 'Active', 'Offline', 'NONE',
                                      '0.0.1f00', 'x']), st.text(max_size=10)))
fcp_lines = st.lists(st.one_of(fcp_line, any_line), max_size=15)

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                      st.text(max_size=30))
json_value = st.recursive(
    json_leaf, lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(
            ['info', 'data', 'error', 'errorcode', 'node', 'name', 'contents',
             'desc', 'xcatdsource', 'x']), children, max_size=4)),
    max_leaves=20)

reserved_line = st.builds(
    lambda prefix, dev, w, lun: '%sFCP device %s0x%s/0x%s was reserved... Done'
    % (prefix, dev, w, lun),
    node, st.sampled_from(['', '1f00/', 'auto/', 'zz/', '1f00;2f00/', '/']),
    st.text(alphabet=HEX + ';x', max_size=40), hexes)


class TestParsersNeverCrash(testtools.TestCase):

    @FUZZ
    @given(pool_lines)
    def test_parse_pool(self, lines):
        try:
            entries = parsers.parse_pool(lines)
        except XCATParseError:
            return
        for e in entries:
            self.assertIn(e.status, ('free', 'used', 'reserved'))
            self.assertEqual(16, len(e.lun))
            self.assertTrue(all(len(w) == 16 for w in e.wwpns))
            self.assertTrue(e.size_bytes is None or e.size_bytes >= 0)

    @FUZZ
    @given(fcp_lines)
    def test_parse_fcp_devices(self, lines):
        try:
            devices = parsers.parse_fcp_devices(lines)
        except XCATParseError:
            return
        for d in devices:
            self.assertEqual(4, len(d.devno))
            self.assertIn(d.status, ('active', 'free', 'offline'))
            self.assertEqual(16, len(d.wwpn))

    @FUZZ
    @given(st.lists(any_line, max_size=8))
    def test_parse_pool_names(self, lines):
        try:
            names = parsers.parse_pool_names(lines)
        except XCATParseError:
            return
        self.assertTrue(all(n and not any(c.isspace() for c in n)
                            for n in names))

    @FUZZ
    @given(st.one_of(st.text(max_size=80),
                     st.builds(lambda a, v, b: a + 'Version ' + v + b,
                               st.text(max_size=10),
                               st.text(alphabet='0123456789.', max_size=30),
                               st.text(max_size=10))))
    def test_parse_version(self, text):
        try:
            version = parsers.parse_version(text)
        except XCATParseError:
            return
        self.assertTrue(all(isinstance(p, int) for p in version))

    @FUZZ
    @given(st.lists(st.one_of(reserved_line, any_line), max_size=5))
    def test_parse_reserved(self, lines):
        try:
            fcp, wwpns, lun = parsers.parse_reserved(lines)
        except XCATParseError:
            return
        self.assertEqual(16, len(lun))
        self.assertTrue(wwpns)

    @FUZZ
    @given(st.one_of(
        st.text(max_size=100),
        st.binary(max_size=60),
        json_value.map(json.dumps),
        st.lists(json_value, max_size=4).map(
            lambda v: json.dumps({'data': v}))))
    def test_parse_reply(self, body):
        try:
            result = parsers.parse_reply(body)
        except XCATResponseError:
            return
        result.lines()
        result.node_lines('zvm1')
        self.assertTrue(all(isinstance(e, str) for e in result.errors))


class TestPureInputsNeverCrash(testtools.TestCase):
    """The option parser and validators: a value or their own error."""

    @FUZZ
    @given(st.one_of(
        st.text(max_size=60),
        st.builds(lambda s, h, p, path: s + h + p + path,
                  st.sampled_from(['', 'http://', 'https://', 'ftp://']),
                  st.sampled_from(['xcat', '[fd00::1]', 'fd00::1', '10.0.0.1',
                                   '', 'a@b', '[x]']),
                  st.sampled_from(['', ':443', ':0', ':x', ':99999']),
                  st.sampled_from(['', '/', '/xcatws', '?a', '#f']))))
    def test_parse_server(self, value):
        try:
            addr = address.parse_server(value)
        except XCATConfigError:
            return
        self.assertIn(addr.scheme, ('http', 'https'))
        self.assertTrue(0 < addr.port < 65536)

    @FUZZ
    @given(st.one_of(st.text(max_size=40), st.none(), st.integers()))
    def test_validators(self, value):
        for check in (validate.wire_arg, validate.node_name, validate.pool_name,
                      validate.fcp_device, validate.fcp_devices, validate.wwpn,
                      validate.wwpns, validate.lun, validate.size,
                      validate.size_to_bytes, validate.pool_status,
                      validate.fcp_range, validate.chpid,
                      validate.request_id):
            try:
                check(value)
            except XCATInvalidArgument:
                pass
