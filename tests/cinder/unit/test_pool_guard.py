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
"""cinder_zvm.pool_guard's pure parts: which free entries are taken back."""

from unittest import mock

import testtools

from cinder_zvm import location
from cinder_zvm import pool_guard
from zvm_xcat import parsers

W1, W2, W3 = '500507680b21bac6', '500507680b22bac6', '500507680b31bac6'
LUN = '4001400500000000'


def entry(status, wwpns, lun=LUN, owner=''):
    return parsers.PoolEntry(status, tuple(wwpns), lun, 1 << 30, '', owner,
                             '', '', '')


class FreedEntriesTest(testtools.TestCase):

    def live(self, wwpns=(W1,), pool='gold', hv='zvm1', lun=LUN):
        return [('volume-1', location.LunLocation(hv, pool, wwpns, lun))]

    def test_free_entry_of_a_live_object(self):
        free = entry('free', (W1,))
        self.assertEqual([(free, 'volume-1')], pool_guard.freed_entries(
            [free], self.live(), 'zvm1', 'gold'))

    def test_multipath_entry_matches_by_any_wwpn(self):
        free = entry('free', (W2, W1))
        self.assertEqual([(free, 'volume-1')], pool_guard.freed_entries(
            [free], self.live((W1, W2)), 'zvm1', 'gold'))

    def test_not_taken(self):
        for entries, live in (
                ([entry('reserved', (W1,), owner='volume-1')], self.live()),
                ([entry('free', (W3,))], self.live()),
                ([entry('free', (W1,), lun='4001400600000000')], self.live()),
                ([entry('free', (W1,))], self.live(pool='silver')),
                ([entry('free', (W1,))], self.live(hv='zvm2'))):
            self.assertEqual([], pool_guard.freed_entries(
                entries, live, 'zvm1', 'gold'))


class ReleasedTest(testtools.TestCase):

    def test_recent_then_forgotten(self):
        released = pool_guard.Released(grace=600)
        with mock.patch.object(pool_guard.time, 'monotonic',
                               return_value=1000.0):
            released.note((W1, W2), LUN)
            self.assertTrue(released.recent((W2,), LUN))
            self.assertFalse(released.recent((W1,), '4001400600000000'))
        with mock.patch.object(pool_guard.time, 'monotonic',
                               return_value=1601.0):
            self.assertFalse(released.recent((W1,), LUN))
