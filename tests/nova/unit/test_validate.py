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

import ddt
from hypothesis import given
from hypothesis import strategies as st
import testtools

from nova_volumeops import validate

INJECTIONS = [
    '1f00; reboot', '1f00 && rm -rf /', '$(reboot)', '`reboot`', '1f00\nreboot',
    "1f00' ; echo '", '1f00|sh', '1f00>/etc/passwd', '../../etc', ' 1f00',
    '1f00 ', '', '0x', '1f000', '1g00', None, 17,
]


@ddt.ddt
class TestValidate(testtools.TestCase):

    @ddt.data(('1f00', '1f00'), ('1F00', '1f00'), ('0.0.1f00', '1f00'),
              ('0x1f00', '1f00'), ('f0', '00f0'), ('0.0.0x1f0', '01f0'))
    @ddt.unpack
    def test_devno_ok(self, given_, expected):
        self.assertEqual(expected, validate.fcp_devno(given_))

    @ddt.data(*INJECTIONS)
    def test_devno_injection(self, bad):
        self.assertRaises(validate.InvalidInput, validate.fcp_devno, bad)

    def test_wwpn(self):
        self.assertEqual('500507680b21bac6',
                         validate.wwpn('0x500507680B21BAC6'))
        for bad in ('500507680b21bac', '500507680b21bac6;reboot',
                    '500507680b21bac6 ', '$(id)500507680b21bac6', 'g' * 16):
            self.assertRaises(validate.InvalidInput, validate.wwpn, bad)

    def test_wwpns_list_and_joined(self):
        a, b = 'c05076ffe5005611', 'c05076ffe5005612'
        self.assertEqual((a, b), validate.wwpns('%s;%s' % (a, b)))
        self.assertEqual((a, b), validate.wwpns([a, b, a]))
        self.assertRaises(validate.InvalidInput, validate.wwpns, [])
        self.assertRaises(validate.InvalidInput, validate.wwpns,
                          [a, 'x; reboot'])

    def test_lun_exact_64_bit(self):
        self.assertEqual('4001400500000000',
                         validate.fcp_lun('0x4001400500000000'))
        # A 16-bit LUN id or a truncated LUN is not an FCP LUN.
        for bad in ('4001', '0x4001', '40014005000000001', '4001400500000000;x',
                    '4001400500000000\n', 1):
            self.assertRaises(validate.InvalidInput, validate.fcp_lun, bad)

    @ddt.data(('/dev/vdb', '/dev/vdb'), ('/dev/sdb', '/dev/vdb'),
              ('/dev/sdaa', '/dev/vdaa'), ('/dev/xvdc', '/dev/xvdc'),
              ('/dev/data1', '/dev/data1'))
    @ddt.unpack
    def test_mountpoint_ok(self, given_, expected):
        self.assertEqual(expected, validate.guest_mountpoint(given_))

    @ddt.data('/dev/vdb; reboot', '/dev/vdb$(id)', '/dev/../etc/passwd',
              '/etc/passwd', '/dev/', '/dev/vdb/x', '/dev/Vdb', '/dev/1vd',
              '/dev/vdb\n', '/dev/v db', "/dev/vdb'", '/dev/dm-0', '/dev/dasda',
              '/dev/mapper', '/dev/null', '/dev/sd', '/dev/' + 'a' * 33,
              '/dev/vdb`id`', '/dev/vdb|sh', None)
    def test_mountpoint_rejected(self, bad):
        self.assertRaises(validate.InvalidInput, validate.guest_mountpoint, bad)

    def test_error_names_field_and_is_a_value_error(self):
        e = self.assertRaises(ValueError, validate.fcp_lun, 'abc', 'target LUN')
        self.assertIn('target LUN', str(e))
        self.assertIn('16 hex digits', str(e))

    def test_error_text_is_bounded(self):
        e = self.assertRaises(validate.InvalidInput, validate.wwpn, 'x' * 5000)
        self.assertLess(len(str(e)), 200)

    def test_fcp_list_option(self):
        self.assertEqual(['1f00', '1f01', '1f02', '2f00'],
                         validate.fcp_list_option('1f00-1f02; 2f00'))
        self.assertEqual(['1f00', '2f00'],
                         validate.fcp_list_option('0.0.1f00,2F00,'))
        self.assertEqual([], validate.fcp_list_option(''))
        for bad in ('1f02-1f00', '1f00-', 'zz', '1f00-1f0f;reboot', '1f00 1f01'):
            self.assertRaises(validate.InvalidInput,
                              validate.fcp_list_option, bad)

    def test_other_fields(self):
        self.assertEqual('10G', validate.lun_size('10g'))
        self.assertEqual('gold', validate.pool_name('gold'))
        self.assertEqual('vm1', validate.node_name('vm1'))
        self.assertEqual('VM1', validate.userid('vm1'))
        self.assertEqual('mpatha', validate.map_name('mpatha'))
        self.assertEqual('0:0:0:1074085889', validate.hctl('0:0:0:1074085889'))
        for fn, bad in ((validate.lun_size, '10'), (validate.lun_size, '0G'),
                        (validate.pool_name, 'gold pool'),
                        (validate.node_name, 'vm1;id'),
                        (validate.userid, 'TOOLONGID'),
                        (validate.map_name, 'mpath a'),
                        (validate.wwid, '3600507 6'),
                        (validate.hctl, '0:0:0')):
            self.assertRaises(validate.InvalidInput, fn, bad)

    @given(st.text(max_size=40))
    def test_accepted_values_are_shell_inert(self, text):
        # Whatever any validator accepts contains no shell metacharacter.
        for fn in (validate.fcp_devno, validate.wwpn, validate.fcp_lun,
                   validate.guest_mountpoint, validate.map_name, validate.wwid):
            try:
                out = fn(text)
            except validate.InvalidInput:
                continue
            self.assertRegex(out, r'^[0-9a-z/_]+$')
