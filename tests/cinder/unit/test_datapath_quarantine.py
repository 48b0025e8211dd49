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
"""The wipe-on-delete state machine (cinder_zvm.quarantine)."""

from unittest import mock

from cinder import context
from cinder import coordination
from cinder.tests.unit import fake_volume
from cinder.volume import configuration
from cinder.volume import driver

from cinder_zvm import location
from cinder_zvm import locking
from cinder_zvm import quarantine
from tests.cinder import cinder_test
from tests.cinder.unit import fake_zvm_backend
from zvm_xcat import exception as xcat_exc
from zvm_xcat import zfcp

GiB = fake_zvm_backend.GiB
W = '500507680b21bac6'
VOL_ID = '11111111-2222-3333-4444-555555555555'
GROUP = 'zvm_quarantine_test'


def _rows():
    return {'gold': [
        ['reserved', W, '4001400500000000', 2 * GiB, 'volume-' + VOL_ID],
        ['free', W, '4001400600000000', GiB, ''],
        ['reserved', W, '4001400700000000', GiB, 'wipe-old-1'],
        ['reserved', W, '4001400800000000', GiB, 'someone-else'],
    ]}


class QuarantineTestCase(cinder_test.TestCase):

    def setUp(self):
        super().setUp()
        self.conf = configuration.Configuration(driver.volume_opts,
                                                config_group=GROUP)
        self.backend = fake_zvm_backend.FakeBackend(self.conf, _rows())
        self.data = fake_zvm_backend.FakeDataPath()
        self.mock_object(zfcp, 'reserve', self.backend.reserve)
        self.mock_object(zfcp, 'release', self.backend.release)
        self.ctxt = context.get_admin_context()
        loc = location.LunLocation('zvm1', 'gold', (W,), '4001400500000000')
        self.volume = fake_volume.fake_volume_obj(
            self.ctxt, id=VOL_ID, size=2, provider_location=loc.encode())

    def test_delete_wipes_whole_lun_then_frees(self):
        quarantine.delete_volume(self.backend, self.data, self.volume)
        self.assertEqual([('4001400500000000', 2 * GiB)], self.data.wipes)
        self.assertEqual(['free', W, '4001400500000000', 2 * GiB, ''],
                         self.backend.row('4001400500000000'))
        # quarantine, wipe, re-read under the lock, release
        self.assertEqual(['reserve', 'release'],
                         [c[0] for c in self.backend.calls
                          if c[0] != 'list'])

    def test_failed_wipe_leaves_lun_quarantined_and_logs(self):
        self.data.fail_wipe = RuntimeError('device never appeared')
        with mock.patch.object(quarantine.LOG, 'error') as log_error:
            quarantine.delete_volume(self.backend, self.data, self.volume)
        self.assertEqual('reserved', self.backend.row('4001400500000000')[0])
        self.assertEqual('wipe-' + VOL_ID,
                         self.backend.row('4001400500000000')[4])
        text = log_error.call_args[0][0] % log_error.call_args[0][1]
        self.assertIn('4001400500000000', text)
        self.assertIn('QUARANTINED', text)
        self.assertIn('device never appeared', text)
        self.assertIn('cinder-zvm-quarantine clean', text)

    def test_retry_after_failed_wipe_frees_it(self):
        self.data.fail_wipe = RuntimeError('boom')
        quarantine.delete_volume(self.backend, self.data, self.volume)
        self.data.fail_wipe = None
        results = quarantine.clean(self.backend, self.data, [VOL_ID])
        self.assertEqual([True], [ok for _item, ok in results])
        self.assertEqual('free', self.backend.row('4001400500000000')[0])
        # A second delete of the same volume (cinder retry) also finishes.
        self.backend.rows['gold'][0][0:5:4] = ['reserved', 'wipe-' + VOL_ID]
        quarantine.delete_volume(self.backend, self.data, self.volume)
        self.assertEqual('free', self.backend.row('4001400500000000')[0])

    def test_volume_clear_none_releases_without_wipe(self):
        self.override_config('volume_clear', 'none', group=GROUP)
        quarantine.delete_volume(self.backend, self.data, self.volume)
        self.assertEqual([], self.data.wipes)
        self.assertEqual('free', self.backend.row('4001400500000000')[0])

    def test_quarantine_failure_is_raised_and_nothing_freed(self):
        self.mock_object(self.backend, 'delete_volume',
                         side_effect=RuntimeError('could not quarantine'))
        self.assertRaises(RuntimeError, quarantine.delete_volume,
                          self.backend, self.data, self.volume)
        self.assertEqual([], self.data.wipes)
        self.assertEqual('reserved', self.backend.row('4001400500000000')[0])

    def test_not_released_if_entry_changed_during_wipe(self):
        def admin_takes_it():
            self.backend.rows['gold'][0][4] = 'admin'
        self.data.during_wipe = admin_takes_it
        quarantine.delete_volume(self.backend, self.data, self.volume)
        self.assertEqual(['reserved', 'admin'],
                         self.backend.row('4001400500000000')[0:5:4])

    def test_release_with_unclear_answer_is_checked(self):
        def lost_answer(*args, **kwargs):
            self.backend.release(*args, **kwargs)
            raise xcat_exc.XCATUnavailable(503, 'gone')
        self.mock_object(zfcp, 'release', side_effect=lost_answer)
        quarantine.delete_volume(self.backend, self.data, self.volume)
        self.assertEqual('free', self.backend.row('4001400500000000')[0])

    def test_list_quarantined(self):
        items = quarantine.list_quarantined(self.backend)
        self.assertEqual([('4001400700000000', 'old-1')],
                         [(i.location.lun, i.object_id) for i in items])

    def test_clean_all_and_by_id(self):
        self.assertEqual([], quarantine.clean(self.backend, self.data,
                                              ['other']))
        results = quarantine.clean(self.backend, self.data)
        self.assertEqual([('4001400700000000', True)],
                         [(i.location.lun, ok) for i, ok in results])
        self.assertEqual('free', self.backend.row('4001400700000000')[0])
        # someone-else's reserved LUN was never touched
        self.assertEqual('someone-else',
                         self.backend.row('4001400800000000')[4])

    def test_retire_refuses_a_lun_of_another_owner(self):
        loc = location.LunLocation('zvm1', 'gold', (W,), '4001400800000000')
        self.assertFalse(quarantine.retire(self.backend, self.data, loc,
                                           'snapshot-x', 'x'))
        self.assertEqual([], self.data.wipes)
        self.assertEqual('someone-else',
                         self.backend.row('4001400800000000')[4])


class WipeLockTestCase(cinder_test.TestCase):
    MOCK_TOOZ = False

    def test_lun_being_wiped_elsewhere_is_skipped(self):
        conf = configuration.Configuration(driver.volume_opts,
                                           config_group=GROUP)
        backend = fake_zvm_backend.FakeBackend(conf, _rows())
        data = fake_zvm_backend.FakeDataPath()
        self.mock_object(zfcp, 'release', backend.release)
        item = quarantine.list_quarantined(backend)[0]
        name = locking.lock_name(backend.lock_scope, 'wipe-%s-%s' % (
            W, '4001400700000000'))
        other = coordination.COORDINATOR.get_lock(name)
        self.assertTrue(other.acquire(blocking=False))
        try:
            self.assertFalse(quarantine.wipe_and_release(
                backend, data, item.location, GiB, 'old-1'))
        finally:
            other.release()
        self.assertEqual([], data.wipes)
        self.assertTrue(quarantine.wipe_and_release(
            backend, data, item.location, GiB, 'old-1'))
