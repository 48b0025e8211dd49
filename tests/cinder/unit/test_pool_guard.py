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

import fixtures
import testtools

from cinder_zvm import location
from cinder_zvm import pool_guard
from zvm_xcat import parsers

W1, W2, W3 = '500507680b21bac6', '500507680b22bac6', '500507680b31bac6'
LUN = '4001400500000000'
LOC = location.LunLocation('zvm1', 'gold', (W1,), LUN)
LOC2 = location.LunLocation('zvm1', 'gold', (W2,), LUN)


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


class LiveObjectsTest(testtools.TestCase):
    """The list pool reads look candidates up in, and when it is asked again."""

    def setUp(self):
        super().setUp()
        self.now = 1000.0
        self.answers = [[('volume-1', LOC)], [('volume-1', LOC)]]
        self.queries = 0
        self.live = pool_guard.LiveObjects(self.query, max_age=60,
                                           clock=lambda: self.now)

    def query(self):
        self.queries += 1
        return self.answers[min(self.queries, len(self.answers)) - 1]

    def test_one_query_per_age(self):
        self.assertEqual([('volume-1', LOC)], self.live.cached())
        self.now += 59
        self.live.cached()
        self.assertEqual(1, self.queries)
        self.now += 1
        self.live.cached()
        self.assertEqual(2, self.queries)

    def test_fresh_always_queries_and_renews_the_list(self):
        self.live.cached()
        self.live.fresh()
        self.assertEqual(2, self.queries)
        self.now += 59
        self.live.cached()
        self.assertEqual(2, self.queries)

    def test_noted_objects_count_before_the_database_has_them(self):
        self.answers = [[]]
        self.live.cached()
        self.live.note('volume-2', LOC2)
        self.assertEqual([('volume-2', LOC2)], self.live.cached())
        # past one age the list is taken again, still without the row if
        # cinder had not written it then: the note outlives one age
        self.now += 100
        self.assertEqual([('volume-2', LOC2)], self.live.cached())
        self.now += 21
        self.assertEqual([], self.live.cached())


class TakeBackTest(testtools.TestCase):
    """take_back asks for a fresh list only for a candidate, acts on it only."""

    def setUp(self):
        super().setUp()
        self.reserved = []
        self.backend = mock.Mock(hypervisor='zvm1',
                                 released=pool_guard.Released())
        self.backend.held_pools.return_value = {'gold'}
        self.list_pool = self.useFixture(fixtures.MockPatchObject(
            pool_guard.zfcp, 'list_pool')).mock

    def take_back(self, entries, cached, fresh):
        self.backend.live_objects.cached.return_value = cached
        self.backend.live_objects.fresh.return_value = fresh
        self.list_pool.return_value = entries
        return pool_guard.take_back(
            self.backend, 'gold', entries,
            lambda loc, owner: self.reserved.append((loc, owner)))

    def test_no_candidate_in_the_cached_list_no_query(self):
        self.take_back([entry('free', (W3,))], [('volume-1', LOC)], [])
        self.backend.live_objects.fresh.assert_not_called()
        self.list_pool.assert_not_called()

    def test_a_stale_candidate_is_not_taken_back(self):
        # volume-1 was deleted by another process after the list was taken
        self.take_back([entry('free', (W1,))], [('volume-1', LOC)], [])
        self.backend.live_objects.fresh.assert_called_once_with()
        self.assertEqual([], self.reserved)

    def test_a_confirmed_candidate_is_reserved_again(self):
        self.take_back([entry('free', (W1,))], [('volume-1', LOC)],
                       [('volume-1', LOC)])
        self.assertEqual([(LOC, 'volume-1')], self.reserved)
