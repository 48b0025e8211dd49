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
"""zvm_xcat.validate: the formats of internals.rst ("Formats used
everywhere") and the space-split rule of zvmxcatws.cgi."""

import ddt
import testtools

from zvm_xcat.exception import XCATInvalidArgument
from zvm_xcat import validate


@ddt.ddt
class TestWireArg(testtools.TestCase):

    @ddt.data('--addzfcp2pool', 'a', '1f00-1f0f;2f00-2f0f', 'x=y', '$root$')
    def test_accepted(self, value):
        self.assertEqual(value, validate.wire_arg(value))

    @ddt.data('', ' ', 'a b', 'a\tb', 'a\nb', ' a', 'a ', 'a\x00b', 'a\x7f',
              'a\u00a0b', 'a\u2003b')
    def test_rejected_names_the_argument(self, value):
        e = self.assertRaises(XCATInvalidArgument, validate.wire_arg, value,
                              'owner')
        self.assertEqual('owner', e.name)
        self.assertIn('owner', str(e))

    @ddt.data(None, 1, b'x', ['a'])
    def test_not_a_string(self, value):
        self.assertRaises(XCATInvalidArgument, validate.wire_arg, value, 'x')

    def test_wire_args_names_the_position(self):
        e = self.assertRaises(XCATInvalidArgument, validate.wire_args,
                              ['ok', 'not ok'], 'args')
        self.assertEqual('args[1]', e.name)

    def test_invalid_argument_is_a_value_error(self):
        self.assertRaises(ValueError, validate.wire_arg, '')


@ddt.ddt
class TestFcpDevice(testtools.TestCase):

    @ddt.unpack
    @ddt.data(('1f00', '1f00'), ('1F00', '1f00'), ('f', '000f'),
              ('0.0.1F00', '1f00'), ('0.0.b', '000b'), (' 1f00 ', '1f00'),
              ('0000', '0000'))
    def test_normalised(self, value, expected):
        self.assertEqual(expected, validate.fcp_device(value))

    @ddt.data('', '12345', 'g000', '0x1f00', '0.1.1f00', '1.1f00', '0.0.',
              '1f 00', '-1')
    def test_rejected(self, value):
        e = self.assertRaises(XCATInvalidArgument, validate.fcp_device, value,
                              'fcp')
        self.assertEqual('fcp', e.name)

    def test_list_and_string(self):
        self.assertEqual(('1f00', '2f00'), validate.fcp_devices('1F00;0.0.2f00'))
        self.assertEqual(('1f00',), validate.fcp_devices(['1f00']))
        self.assertRaises(XCATInvalidArgument, validate.fcp_devices, [])


@ddt.ddt
class TestWwpnLun(testtools.TestCase):

    @ddt.unpack
    @ddt.data(('500507680B21BAC6', '500507680b21bac6'),
              ('0x500507680b21bac6', '500507680b21bac6'),
              ('0X500507680B21BAC6', '500507680b21bac6'))
    def test_wwpn(self, value, expected):
        self.assertEqual(expected, validate.wwpn(value))

    @ddt.data('', '500507680b21bac', '500507680b21bac60', '0x', 'g00507680b21bac6',
              '500507680b21 bac6', '0x0x500507680b21bac6')
    def test_bad_wwpn(self, value):
        self.assertRaises(XCATInvalidArgument, validate.wwpn, value)

    def test_lun_is_full_64_bit(self):
        # Never shortened to a 16-bit id (the xCAT-era driver's mistake).
        self.assertEqual('4001400500000000', validate.lun('0x4001400500000000'))
        self.assertEqual('0000000000000001', validate.lun('0000000000000001'))
        self.assertRaises(XCATInvalidArgument, validate.lun, '4001')
        self.assertRaises(XCATInvalidArgument, validate.lun, '1')

    def test_multipath(self):
        self.assertEqual(('500507680b21bac6', '500507680b22bac6'),
                         validate.wwpns('500507680B21BAC6;0x500507680b22bac6'))
        self.assertEqual('500507680b21bac6;500507680b22bac6',
                         validate.wwpns_wire(['500507680b21bac6',
                                              '500507680B22BAC6']))
        self.assertEqual(('500507680b21bac6',),
                         validate.wwpns('500507680b21bac6'))

    @ddt.data([], '', '500507680b21bac6;', ';500507680b21bac6',
              '500507680b21bac6;500507680B21BAC6',
              '500507680b21bac6,500507680b22bac6')
    def test_bad_multipath(self, value):
        self.assertRaises(XCATInvalidArgument, validate.wwpns, value)


@ddt.ddt
class TestSize(testtools.TestCase):

    @ddt.unpack
    @ddt.data(('10G', '10G'), ('10g', '10G'), ('512m', '512M'),
              ('008G', '8G'), ('0M', '0M'))
    def test_size(self, value, expected):
        self.assertEqual(expected, validate.size(value))

    @ddt.data('', '10', 'G', '1.5G', '10GB', '10T', '-1G', '10 G', '1k')
    def test_bad_size(self, value):
        self.assertRaises(XCATInvalidArgument, validate.size, value)

    def test_bytes(self):
        self.assertEqual(10 * 1024 ** 3, validate.size_to_bytes('10g'))
        self.assertEqual(512 * 1024 ** 2, validate.size_to_bytes('512M'))
        self.assertEqual('10G', validate.bytes_to_size(10 * 1024 ** 3))
        self.assertEqual('1M', validate.bytes_to_size(1))
        self.assertEqual('1025M', validate.bytes_to_size(1024 ** 3 + 1))
        self.assertEqual('0G', validate.bytes_to_size(0))
        for bad in (-1, 1.0, True, '1'):
            self.assertRaises(XCATInvalidArgument, validate.bytes_to_size, bad)


@ddt.ddt
class TestNames(testtools.TestCase):

    @ddt.data('vm1', 'zhcp-1', 'node_1', 'a.b.example.com', 'A' * 128)
    def test_node(self, value):
        self.assertEqual(value, validate.node_name(value))

    @ddt.data('', 'vm1,vm2', 'vm1+1', 'group@x', '-vm', 'a b', '../x',
              'A' * 129, 'vm1;rm', '^list')
    def test_bad_node(self, value):
        e = self.assertRaises(XCATInvalidArgument, validate.node_name, value)
        self.assertEqual('node', e.name)

    @ddt.unpack
    @ddt.data(('Gold', 'gold'), ('pool_1', 'pool_1'), ('a-B', 'a-b'))
    def test_pool(self, value, expected):
        self.assertEqual(expected, validate.pool_name(value))

    @ddt.data('', 'a b', 'a/b', '../etc', 'a.conf', '-a', 'a;b', 'x' * 65)
    def test_bad_pool(self, value):
        self.assertRaises(XCATInvalidArgument, validate.pool_name, value)

    @ddt.data('free', 'USED', 'Reserved')
    def test_status(self, value):
        self.assertEqual(value.lower(), validate.pool_status(value))

    def test_bad_status(self):
        self.assertRaises(XCATInvalidArgument, validate.pool_status, 'taken')

    @ddt.data('1A80-1B90', '1a80-1b90;2a80-2b90', '0-f')
    def test_range(self, value):
        self.assertEqual(value.lower(), validate.fcp_range(value))

    @ddt.data('', '1a80', '1a80-', '1a80-1b90;', '1a80 - 1b90', '1a80,1b90')
    def test_bad_range(self, value):
        self.assertRaises(XCATInvalidArgument, validate.fcp_range, value)

    def test_chpid(self):
        self.assertEqual('07', validate.chpid('7'))
        self.assertEqual('2a', validate.chpid('2A'))
        self.assertRaises(XCATInvalidArgument, validate.chpid, '123')

    def test_request_id(self):
        self.assertEqual('req-1', validate.request_id('req-1'))
        self.assertRaises(XCATInvalidArgument, validate.request_id, 'a b')
        self.assertRaises(XCATInvalidArgument, validate.request_id, 'x' * 256)
