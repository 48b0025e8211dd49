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
"""Working paths from the guest's lszfcp listings (nova_volumeops.fabric)."""

import testtools

from nova_volumeops import fabric

A, B = '500507680b21bac6', '500507680b22bac6'
LUN = '4001400700000000'
# s390-tools lszfcp -P / -D formats (zconf/lszfcp)
DUAL = ['0.0.1f00/0x%s rport-0:0-0' % A,
        '0.0.2f00/0x%s rport-1:0-0' % B,
        '0.0.1f00/0x%s/0x%s 0:0:0:1074216449' % (A, LUN),
        '0.0.2f00/0x%s/0x%s 1:0:0:1074216449' % (B, LUN)]


class TestWorkingPaths(testtools.TestCase):

    def test_dual_fabric_one_path_per_device(self):
        working, failed = fabric.working_paths(['1f00', '2f00'], [A, B], LUN, DUAL)
        self.assertEqual([('1f00', A), ('2f00', B)], working)
        self.assertEqual({('1f00', B): fabric.NOT_ZONED,
                          ('2f00', A): fabric.NOT_ZONED}, failed)

    def test_masked_device_fails_by_default_naming_pairs(self):
        lines = DUAL[:3]
        exc = self.assertRaises(fabric.TooFewPaths, fabric.working_paths,
                                ['1f00', '2f00'], [A, B], LUN, lines)
        text = str(exc)
        self.assertIn('no working path on FCP device(s) 2f00', text)
        self.assertIn('1f00->0x%s works' % A, text)
        self.assertIn('2f00->0x%s: %s' % (B, fabric.NOT_MASKED), text)
        self.assertIn('2f00->0x%s: %s' % (A, fabric.NOT_ZONED), text)

    def test_explicit_minimum(self):
        working, _ = fabric.working_paths(['1f00', '2f00'], [A, B], LUN, DUAL[:3], 1)
        self.assertEqual([('1f00', A)], working)
        self.assertRaises(fabric.TooFewPaths, fabric.working_paths,
                          ['1f00', '2f00'], [A, B], LUN, DUAL, 3)

    def test_other_luns_do_not_count(self):
        other = [line.replace(LUN, '4001400800000000') for line in DUAL]
        self.assertRaises(fabric.TooFewPaths, fabric.working_paths,
                          ['1f00'], [A], LUN, other)
