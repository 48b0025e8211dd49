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
"""zvm_xcat.parsers over reply shapes taken from xCAT's source.

Sources (xcat-core, see /work/shared/reference/xcat-rest-zfcp.md):
- xCAT-server/xCAT-wsapi/zvmxcatws.cgi sendRequest/wrapJson: one data
  element per xcatd response, XMLin(ForceArray => 1, SuppressEmpty => undef)
  so every value is a list and empty elements are null;
- perl-xCAT/xCAT/zvmUtils.pm printLn: lines matching (error)/failed go to
  ``error`` with errorcode 1, others to ``info``; appendHostname prefixes
  every line with "<node>: ";
- xCAT-server/lib/xcat/plugins/zvm.pm inventoryHypervisor (--zfcppool,
  --zfcppoolnames, --fcpdevices ... details) and changeHypervisor
  (--reservezfcp: "FCP device <dev>/0x<wwpn>/0x<lun> was reserved... Done");
- xCAT-client/pods/man1/rinv.1.pod examples 9 and 10 (pool names, pool CSV).
"""

import dataclasses
import gc
import json

import ddt
import testtools

from zvm_xcat.exception import XCATParseError
from zvm_xcat.exception import XCATResponseError
from zvm_xcat import parsers

GiB = 1024 ** 3
MiB = 1024 ** 2

# rinv.1.pod example 10, verbatim (rinv pokdev61 --zfcppool zfcp1).
RINV_POD_POOL = """\
pokdev61: #status,wwpn,lun,size,range,owner,channel,tag
pokdev61: used,500512345678c411,4014412100000000,2g,3B40-3B7F,ihost13,3b77,
pokdev61: used,500512345678c411,4014412200000000,8192M,3B40-3B7F,ihost13,3b77,replace_root_device
pokdev61: free,500512345678c411,4014412300000000,8g,3B40-3B7F,,,
pokdev61: free,5005123456789411,4014412400000000,2g,3B40-3B7F,,,
pokdev61: free,5005123456789411;5005123456789411,4014412600000000,2G,3B40-3B7F,,,
"""

# System_WWPN_Query details as zvm.pm prints them, 5 lines per device.
FCP_DETAILS = """\
zvm1: FCP device number: 1F00
zvm1:   Status: Free
zvm1:   NPIV world wide port number: C05076FFE5005612
zvm1:   Channel path ID: 27
zvm1:   Physical world wide port number: C05076FFE5005611
zvm1: FCP device number: B83D
zvm1:   Status: Active
zvm1:   NPIV world wide port number: NONE
zvm1:   Channel path ID: 59
zvm1:   Physical world wide port number: C05076DE33002E41
"""


def reply(*elements):
    return json.dumps({'data': list(elements)})


@ddt.ddt
class TestParseReply(testtools.TestCase):

    def test_info_lines_with_node_prefix(self):
        # zvm.pm inventoryHypervisor: one info string, "<node>: " on every
        # line, trailing newline from appendHostname.
        r = parsers.parse_reply(reply({'info': [RINV_POD_POOL]}))
        self.assertEqual(6, len(r.lines()))
        self.assertTrue(all(ln.startswith('pokdev61: ') for ln in r.lines()))
        self.assertEqual('#status,wwpn,lun,size,range,owner,channel,tag',
                         r.node_lines('pokdev61')[0])
        self.assertEqual([], r.node_lines('other'))
        self.assertEqual((), r.errors)

    def test_error_element(self):
        # printLn "$node: (Error) ..." -> {"error": [..], "errorcode": ["1"]}
        body = reply({'info': ['zvm1: Found FCP device 0x5/0x4\n']},
                     {'error': ['zvm1: (Error) zFCP device 500507680b21bac6/'
                                '4001400500000000 already exists in gold.'],
                      'errorcode': ['1']})
        r = parsers.parse_reply(body)
        self.assertEqual(1, len(r.errors))
        self.assertIn('already exists in gold', r.errors[0])
        self.assertEqual(('1',), r.errorcode)
        self.assertEqual(['zvm1: Found FCP device 0x5/0x4'], r.lines())

    def test_unknown_keys_and_nulls(self):
        # xcatdsource since xcat-core 6aadfc205; null from SuppressEmpty.
        r = parsers.parse_reply(reply(
            {'info': ['vm1: on'], 'xcatdsource': ['mn1'], 'foo': [{'x': 1}]},
            {'data': [None, 'x']}, {'error': None}))
        self.assertEqual(('vm1: on',), r.info)
        self.assertEqual(('', 'x'), r.data)
        self.assertEqual((), r.errors)

    def test_scalar_instead_of_list(self):
        r = parsers.parse_reply(reply({'info': 'vm1: on', 'errorcode': 0}))
        self.assertEqual(('vm1: on',), r.info)
        self.assertEqual(('0',), r.errorcode)

    def test_node_elements(self):
        # xCAT node responses: {"node":[{"name":["n"],"data":[...]}]} with
        # data either strings or {"contents":[..],"desc":[..]}.
        r = parsers.parse_reply(reply(
            {'node': [{'name': ['vm1'], 'data': [{'contents': ['on']}]}]},
            {'node': [{'name': ['vm2'],
                       'data': [{'desc': ['Status'], 'contents': ['off']}]}]},
            {'node': [{'name': ['vm3'], 'data': ['line1\nline2']}]}))
        self.assertEqual(['vm1: on', 'vm2: Status: off', 'vm3: line1',
                          'vm3: line2'], r.lines())
        self.assertEqual(['on'], r.node_lines('vm1'))
        self.assertEqual(['line1', 'line2'], r.node_lines('vm3'))
        self.assertEqual('vm1', r.nodes[0].name)

    def test_node_level_error(self):
        r = parsers.parse_reply(reply(
            {'node': [{'name': ['vm1'], 'error': ['Permission denied'],
                       'errorcode': ['1']}]}))
        self.assertEqual(('vm1: Permission denied',), r.errors)
        self.assertEqual(('Permission denied',), r.nodes[0].errors)

    @ddt.data(
        'zhcp1: Warning: Permanently added \'zhcp1,10.0.0.2\' (ECDSA) to the '
        'list of known hosts.',
        'vm1: Warning: Permanently added \'vm1\' (RSA) to the list of known '
        'hosts.\r\nvm2: Warning: Permanently added \'vm2\' (RSA) to the list '
        'of known hosts.',
        'vm1: (Error) Failed\n Return Code: 596\n Reason Code: 1185\n',
        "zhcp1: Warning: the ECDSA host key for 'zhcp1' differs from the key "
        "for the IP address '10.0.0.2'\nzhcp1: Offending key for IP in "
        "/root/.ssh/known_hosts:5\nzhcp1: Matching host key in "
        "/root/.ssh/known_hosts:7",
        'zvm1: Return Code: 596 Reason Code: 6312 Description: ...',
    )
    def test_benign_errors_become_warnings(self, text):
        r = parsers.parse_reply(reply({'error': [text], 'errorcode': ['1']}))
        self.assertEqual((), r.errors)
        self.assertEqual((text,), r.warnings)

    @ddt.data(
        'vm1: (Error) Return Code: 596 Reason Code: 3210',
        'vm1: (Error) Return Code: 400 Reason Code: 1185',
        'Warning: Permanently added x to the list of known hosts.\n'
        'vm1: (Error) Unable to dedicate device',
        'vm1: Failed',
        # A changed host key may be a man-in-the-middle: never ignored.
        'zhcp1: @@@@@@@@@@@\nzhcp1: @    WARNING: REMOTE HOST IDENTIFICATION '
        'HAS CHANGED!     @\nzhcp1: @@@@@@@@@@@',
    )
    def test_real_errors_stay_errors(self, text):
        r = parsers.parse_reply(reply({'error': [text], 'errorcode': ['1']}))
        self.assertEqual((text,), r.errors)

    @ddt.data('', 'not json', '<p>Permission denied</p>', '[1, 2]', '{"x": 1}',
              '{"data": 5}', '{"data": [5]}', '{"data": [{"info": [{"a": 1}]}]}',
              '"data"', '{"data": [{"node": [5]}]}', b'\xff\xfe', '[' * 100000)
    def test_bad_bodies(self, body):
        e = self.assertRaises(XCATResponseError, parsers.parse_reply, body)
        self.assertLess(len(str(e)), 700)

    def test_empty_data(self):
        self.assertEqual([], parsers.parse_reply('{"data": []}').lines())
        self.assertEqual([], parsers.parse_reply('{"data": null}').lines())
        self.assertEqual([], parsers.parse_reply(b'{"data": []}').lines())


class TestParsePool(testtools.TestCase):

    def test_rinv_man_page_example(self):
        entries = parsers.parse_pool(RINV_POD_POOL.splitlines())
        self.assertEqual(5, len(entries))
        first = entries[0]
        self.assertEqual('used', first.status)
        self.assertEqual(('500512345678c411',), first.wwpns)
        self.assertEqual('4014412100000000', first.lun)
        self.assertEqual(2 * GiB, first.size_bytes)
        self.assertEqual('3B40-3B7F', first.range)
        self.assertEqual('ihost13', first.owner)
        self.assertEqual('3b77', first.channel)
        self.assertEqual('', first.tag)
        self.assertEqual('used,500512345678c411,4014412100000000,2g,3B40-3B7F,'
                         'ihost13,3b77,', first.line)
        self.assertEqual(8192 * MiB, entries[1].size_bytes)
        self.assertEqual('replace_root_device', entries[1].tag)
        self.assertEqual(('5005123456789411', '5005123456789411'),
                         entries[4].wwpns)
        self.assertEqual('5005123456789411;5005123456789411', entries[4].wwpn)

    def test_reference_examples(self):
        # xcat-rest-zfcp.md section 2, the pool file examples.
        entries = parsers.parse_pool([
            'used,1000000000000000,2000000000000110,8g,3B00-3B3F,ihost1,1a23,'
            '$root_device$',
            'free,1230000000000000;4560000000000000,2000000000000112,,'
            '3B00-3B3F,,,'])
        self.assertEqual('$root_device$', entries[0].tag)
        self.assertIsNone(entries[1].size_bytes)
        self.assertEqual(('1230000000000000', '4560000000000000'),
                         entries[1].wwpns)

    def test_case_and_prefix_normalised(self):
        [entry] = parsers.parse_pool(
            ['zvm1: FREE,0x500507680B21BAC6,0x4001400500000000,10G,,,,'])
        self.assertEqual('free', entry.status)
        self.assertEqual('500507680b21bac6', entry.wwpn)
        self.assertEqual('4001400500000000', entry.lun)
        self.assertEqual(10 * GiB, entry.size_bytes)

    def test_header_blank_and_no_prefix(self):
        self.assertEqual([], parsers.parse_pool(
            [parsers.POOL_HEADER, '', '   ', 'zvm1: ', 'zvm1: ' +
             parsers.POOL_HEADER]))

    def test_filtered_output_has_header(self):
        # zvm.pm --zfcppool <pool> free: header + egrep -i result.
        text = ('zvm1: #status,wwpn,lun,size,range,owner,channel,tag\n'
                'zvm1: free,500507680b21bac6,4001400500000000,512m,,,,\n')
        [entry] = parsers.parse_pool(text.splitlines())
        self.assertEqual(512 * MiB, entry.size_bytes)

    def test_malformed_rows_name_the_row(self):
        bad_rows = [
            'free,500507680b21bac6,4001400500000000,10G,,,',        # 7 fields
            'free,500507680b21bac6,4001400500000000,10G,,,,,',      # 9 fields
            'free,500507680b21bac,4001400500000000,10G,,,,',        # wwpn
            'free,500507680b21bac6,4001,10G,,,,',                   # 16-bit lun
            'free,500507680b21bac6,4001400500000000,1.5G,,,,',      # size
            'free,500507680b21bac6,4001400500000000,10T,,,,',       # unit
            'taken,500507680b21bac6,4001400500000000,10G,,,,',      # status
            'free,500507680b21bac6;,4001400500000000,10G,,,,',      # multipath
            'free',
            'garbage',
        ]
        for row in bad_rows:
            e = self.assertRaises(XCATParseError, parsers.parse_pool,
                                  ['zvm1: ' + parsers.POOL_HEADER, 'zvm1: ' + row])
            self.assertIn(row, e.row)
            self.assertIn(row[:20], str(e))

    def test_malformed_row_is_never_free(self):
        # A good row next to a bad one: the whole listing fails rather than
        # returning the good row and dropping the bad one silently.
        self.assertRaises(XCATParseError, parsers.parse_pool, [
            'free,500507680b21bac6,4001400500000000,10G,,,,',
            'free,500507680b21bac6,40014005000000,10G,,,,'])

    def test_non_text(self):
        self.assertRaises(XCATParseError, parsers.parse_pool, [None])


class TestPoolNames(testtools.TestCase):

    def test_rinv_man_page_example(self):
        # rinv.1.pod example 9.
        lines = ['pokdev61: zfcp1', 'pokdev61: zfcp2', 'pokdev61: zfcp3']
        self.assertEqual(['zfcp1', 'zfcp2', 'zfcp3'],
                         parsers.parse_pool_names(lines))

    def test_empty_and_bad(self):
        self.assertEqual([], parsers.parse_pool_names(['', 'zvm1: ']))
        self.assertRaises(XCATParseError, parsers.parse_pool_names,
                          ['zvm1: two words'])
        self.assertRaises(XCATParseError, parsers.parse_pool_names, ['a/b'])


class TestFcpDevices(testtools.TestCase):

    def test_details(self):
        devices = parsers.parse_fcp_devices(FCP_DETAILS.splitlines())
        self.assertEqual(2, len(devices))
        first, second = devices
        self.assertEqual('1f00', first.devno)
        self.assertEqual('free', first.status)
        self.assertEqual('c05076ffe5005612', first.npiv_wwpn)
        self.assertEqual('27', first.chpid)
        self.assertEqual('c05076ffe5005611', first.physical_wwpn)
        self.assertEqual('c05076ffe5005612', first.wwpn)
        self.assertIsNone(second.npiv_wwpn)
        self.assertEqual('c05076de33002e41', second.wwpn)
        self.assertEqual('active', second.status)

    def test_without_prefix_and_unknown_label(self):
        lines = ['FCP device number: 1f01', 'Status: Offline',
                 'Owner: CINDER', 'NPIV world wide port number: NONE',
                 'Channel path ID: 2A',
                 'Physical world wide port number: C05076FFE5005611']
        [dev] = parsers.parse_fcp_devices(lines)
        self.assertEqual(('1f01', 'offline', '2a'),
                         (dev.devno, dev.status, dev.chpid))

    def test_empty(self):
        self.assertEqual([], parsers.parse_fcp_devices([]))
        self.assertEqual([], parsers.parse_fcp_devices(['', 'zvm1: ']))

    def test_malformed(self):
        lines = FCP_DETAILS.splitlines()
        cases = [
            lines[:4],                                      # missing label
            lines[1:5],                                     # before first
            lines[:2] + lines[1:5],                         # repeated
            [lines[0], 'zvm1:   Status: Busy'] + lines[2:5],  # status
            [lines[0].replace('1F00', '1F000')] + lines[1:5],
            lines[:2] + ['zvm1:   NPIV world wide port number: C0'] + lines[3:5],
            lines[:3] + ['zvm1:   Channel path ID: 123'] + lines[4:5],
            lines[:5] + ['zvm1: garbage without a colon'],
        ]
        for case in cases:
            e = self.assertRaises(XCATParseError, parsers.parse_fcp_devices, case)
            self.assertIsNotNone(e.row)


@ddt.ddt
class TestVersion(testtools.TestCase):

    @ddt.unpack
    @ddt.data(
        ('Version 2.8.3.16 (git commit 4b8f0b3, built Tue Jul 26 2016)',
         (2, 8, 3, 16)),
        ('mn1: Version 2.13.8 (git commit abc, built Fri Oct 20 2017)',
         (2, 13, 8)),
        ('lsxcatd: Version 2.8', (2, 8)),
    )
    def test_versions(self, text, expected):
        self.assertEqual(expected, parsers.parse_version(text))

    @ddt.data('', 'version 2.8', 'Version x', 'Version 1.2.3.4.5.6.7.8.9',
              'Version 1234567890')
    def test_bad(self, text):
        self.assertRaises(XCATParseError, parsers.parse_version, text)

    def test_comparison(self):
        self.assertGreaterEqual(parsers.parse_version('Version 2.8.3.16'),
                                (2, 8, 3, 16))
        self.assertLess(parsers.parse_version('Version 2.8.3.9'), (2, 8, 3, 16))


class TestReserved(testtools.TestCase):

    def test_with_device(self):
        lines = ['Using given WWPN and LUN',
                 'Found FCP device 0x500507680b21bac6/0x4001400500000000',
                 'Reserving FCP device... Done',
                 'FCP device 1F00/0x500507680B21BAC6/0x4001400500000000 was '
                 'reserved... Done']
        self.assertEqual(('1f00', ('500507680b21bac6',), '4001400500000000'),
                         parsers.parse_reserved(lines))

    def test_best_fit_without_device(self):
        self.assertEqual(
            (None, ('500507680b21bac6', '500507680b22bac6'), '4001400500000000'),
            parsers.parse_reserved(
                ['zvm1: FCP device 0x500507680b21bac6;500507680b22bac6/'
                 '0x4001400500000000 was reserved... Done']))

    def test_auto_is_no_device(self):
        fcp, _, _ = parsers.parse_reserved(
            ['zvm1: FCP device auto/0x500507680b21bac6/0x4001400500000000 '
             'was reserved... Done'])
        self.assertIsNone(fcp)

    def test_multipath_devices(self):
        fcp, wwpns, _ = parsers.parse_reserved(
            ['FCP device 1f00;2f00/0x500507680b21bac6;0x500507680b22bac6/'
             '0x4001400500000000 was reserved... Done'])
        self.assertEqual('1f00;2f00', fcp)
        self.assertEqual(2, len(wwpns))

    def test_missing_or_bad(self):
        self.assertRaises(XCATParseError, parsers.parse_reserved,
                          ['zvm1: Reserving FCP device... Done'])
        self.assertRaises(XCATParseError, parsers.parse_reserved,
                          ['FCP device 0x5005/0x4001 was reserved... Done'])
        self.assertRaises(XCATParseError, parsers.parse_reserved,
                          ['FCP device zz/0x500507680b21bac6/0x4001400500000000 '
                           'was reserved... Done'])


class TestPoolEntryFastPath(testtools.TestCase):
    """parse_pool's entries equal entries built with the constructor.

    parse_pool bypasses the frozen __init__ for speed.
    """

    def test_identical_to_constructed(self):
        [parsed] = parsers.parse_pool(
            ['free,500507680b21bac6,4001400500000000,10G,1f00-1f0f,,,'])
        built = parsers.PoolEntry(
            status='free', wwpns=('500507680b21bac6',), lun='4001400500000000',
            size_bytes=10 * GiB, range='1f00-1f0f', owner='', channel='',
            tag='', line='free,500507680b21bac6,4001400500000000,10G,'
                         '1f00-1f0f,,,')
        self.assertEqual(built, parsed)
        self.assertEqual(hash(built), hash(parsed))
        self.assertEqual(repr(built), repr(parsed))
        self.assertRaises(AttributeError, setattr, parsed, 'status', 'used')
        self.assertEqual('used', dataclasses.replace(parsed,
                                                     status='used').status)

    def test_gc_state_restored(self):
        self.assertTrue(gc.isenabled())
        parsers.parse_pool(['free,500507680b21bac6,4001400500000000,,,,,'])
        self.assertTrue(gc.isenabled())
        self.assertRaises(XCATParseError, parsers.parse_pool, ['bad'])
        self.assertTrue(gc.isenabled())
        gc.disable()
        try:
            parsers.parse_pool([])
            self.assertFalse(gc.isenabled())
        finally:
            gc.enable()
