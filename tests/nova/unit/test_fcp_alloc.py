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

import collections

import testtools

from nova_volumeops import fcp_alloc

Dev = collections.namedtuple('Dev', 'devno status chpid wwpn')


def devices():
    out = []
    for base, chpid in ((0x1f00, '27'), (0x2f00, '28'), (0x3f00, '29')):
        for i in range(4):
            out.append(Dev('%04x' % (base + i), 'free', chpid,
                           'c05076ffe50056%02x' % (base % 256 + i)))
    return out


class TestAllocation(testtools.TestCase):

    def test_paths_on_distinct_chpids(self):
        cands = fcp_alloc.usable_candidates(
            [d.devno for d in devices()], devices(), busy=set())
        picked = fcp_alloc.choose(cands, paths=3)
        self.assertEqual(['1f00', '2f00', '3f00'], [c.devno for c in picked])
        self.assertEqual(3, len({c.chpid for c in picked}))

    def test_least_loaded_chpid_first(self):
        busy = {'1f00', '1f01', '2f00'}
        cands = fcp_alloc.usable_candidates(
            [d.devno for d in devices()], devices(), busy)
        load = fcp_alloc.chpid_load(devices(), busy)
        picked = fcp_alloc.choose(cands, paths=2, load=load)
        # CHPID 29 is idle, 28 has one busy device, 27 two.
        self.assertEqual(['2f01', '3f00'], [c.devno for c in picked])

    def test_only_configured_free_and_not_busy(self):
        devs = devices()
        devs[0] = devs[0]._replace(status='active')   # 1f00 used elsewhere
        cands = fcp_alloc.usable_candidates(['1f00', '1f01', '2f00'], devs,
                                            busy={'2f00'})
        self.assertEqual(['1f01'], [c.devno for c in cands])

    def test_fewer_chpids_than_paths_gives_fewer_paths(self):
        cands = fcp_alloc.usable_candidates(['1f00', '1f01'], devices(), set())
        picked = fcp_alloc.choose(cands, paths=2, min_paths=1)
        self.assertEqual(['1f00'], [c.devno for c in picked])

    def test_no_free_fcp_is_a_clear_error(self):
        cands = fcp_alloc.usable_candidates(['1f00'], devices(), {'1f00'})
        e = self.assertRaises(fcp_alloc.NoFreeFcp, fcp_alloc.choose, cands, 2)
        self.assertIn('need 1 FCP device', str(e))
        self.assertIn('none', str(e))

    def test_min_paths_enforced(self):
        cands = fcp_alloc.usable_candidates(['1f00', '1f01'], devices(), set())
        e = self.assertRaises(fcp_alloc.NoFreeFcp, fcp_alloc.choose, cands,
                              paths=2, min_paths=2)
        self.assertIn('27=2', str(e))

    def test_npiv_wwpn_is_used(self):
        cands = fcp_alloc.usable_candidates(['1f00'], devices(), set())
        self.assertEqual('c05076ffe5005600', cands[0].wwpn)

    def test_expiry(self):
        self.assertFalse(fcp_alloc.is_expired(None, 100))
        self.assertFalse(fcp_alloc.is_expired(101, 100))
        self.assertTrue(fcp_alloc.is_expired(100, 100))

    def test_bad_arguments(self):
        self.assertRaises(ValueError, fcp_alloc.choose, [], 0)
