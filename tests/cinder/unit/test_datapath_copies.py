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
"""Full-copy snapshots and clones (cinder_zvm.copies), pool side."""

from cinder import context
from cinder import exception
from cinder.tests.unit import fake_snapshot
from cinder.tests.unit import fake_volume
from cinder.volume import configuration
from cinder.volume import driver

from cinder_zvm import copies
from cinder_zvm import location
from tests.cinder import cinder_test
from tests.cinder.unit import fake_zvm_backend
from zvm_xcat import zfcp

GiB = fake_zvm_backend.GiB
W = '500507680b21bac6'
SRC = '4001400500000000'
VOL_ID = '11111111-2222-3333-4444-555555555555'
NEW_ID = '66666666-2222-3333-4444-555555555555'
SNAP_ID = '77777777-2222-3333-4444-555555555555'
GROUP = 'zvm_copies_test'


class CopiesTestCase(cinder_test.TestCase):

    def setUp(self):
        super().setUp()
        conf = configuration.Configuration(driver.volume_opts,
                                           config_group=GROUP)
        self.backend = fake_zvm_backend.FakeBackend(conf, {'gold': [
            ['reserved', W, SRC, 2 * GiB, 'volume-' + VOL_ID],
            ['free', W, '4001400600000000', GiB, ''],
            ['free', W, '4001400700000000', 3 * GiB, ''],
            ['free', W, '4001400800000000', 2 * GiB, ''],
        ]})
        self.data = fake_zvm_backend.FakeDataPath()
        self.mock_object(zfcp, 'reserve', self.backend.reserve)
        self.mock_object(zfcp, 'release', self.backend.release)
        self.ctxt = context.get_admin_context()
        src_loc = location.LunLocation('zvm1', 'gold', (W,), SRC)
        self.volume = fake_volume.fake_volume_obj(
            self.ctxt, id=VOL_ID, size=2, provider_location=src_loc.encode())
        self.new = fake_volume.fake_volume_obj(self.ctxt, id=NEW_ID, size=2,
                                               provider_location=None)

    def _snapshot(self, provider_location=None):
        snap = fake_snapshot.fake_snapshot_obj(
            self.ctxt, id=SNAP_ID, volume_id=VOL_ID, volume_size=2,
            provider_location=provider_location)
        snap.volume = self.volume
        return snap

    def test_create_snapshot_copies_into_best_fit_lun(self):
        model = copies.create_snapshot(self.backend, self.data,
                                       self._snapshot())
        loc = location.decode(model['provider_location'])
        self.assertEqual('4001400800000000', loc.lun)
        self.assertEqual(['reserved', 'snapshot-' + SNAP_ID],
                         self.backend.row(loc.lun)[0:5:4])
        self.assertEqual([(SRC, loc.lun, 2 * GiB)], self.data.copies)

    def test_failed_snapshot_copy_wipes_and_frees_the_target(self):
        self.data.fail_copy = RuntimeError('copy broke')
        self.assertRaises(RuntimeError, copies.create_snapshot,
                          self.backend, self.data, self._snapshot())
        self.assertEqual([('4001400800000000', 2 * GiB)], self.data.wipes)
        self.assertEqual(['free', ''],
                         self.backend.row('4001400800000000')[0:5:4])
        # The source is untouched.
        self.assertEqual('volume-' + VOL_ID, self.backend.row(SRC)[4])

    def test_failed_copy_and_failed_wipe_leaves_target_quarantined(self):
        self.data.fail_copy = RuntimeError('copy broke')
        self.data.fail_wipe = RuntimeError('wipe broke')
        self.assertRaises(RuntimeError, copies.create_snapshot,
                          self.backend, self.data, self._snapshot())
        self.assertEqual(['reserved', 'wipe-' + SNAP_ID],
                         self.backend.row('4001400800000000')[0:5:4])

    def test_no_free_lun_for_snapshot(self):
        for row in self.backend.rows['gold'][1:]:
            row[0] = 'reserved'
        self.assertRaises(exception.VolumeBackendAPIException,
                          copies.create_snapshot, self.backend, self.data,
                          self._snapshot())
        self.assertEqual([], self.data.copies)

    def test_delete_snapshot_wipes_then_frees(self):
        model = copies.create_snapshot(self.backend, self.data,
                                       self._snapshot())
        copies.delete_snapshot(self.backend, self.data,
                               self._snapshot(model['provider_location']))
        self.assertEqual([('4001400800000000', 2 * GiB)], self.data.wipes)
        self.assertEqual('free', self.backend.row('4001400800000000')[0])

    def test_delete_snapshot_without_lun_is_a_no_op(self):
        copies.delete_snapshot(self.backend, self.data, self._snapshot())
        self.assertEqual([], self.data.wipes)

    def test_clone_takes_a_lun_and_copies_the_source_size(self):
        model = copies.create_cloned_volume(self.backend, self.data,
                                            self.new, self.volume)
        loc = location.decode(model['provider_location'])
        self.assertEqual(['reserved', 'volume-' + NEW_ID],
                         self.backend.row(loc.lun)[0:5:4])
        self.assertEqual([(SRC, loc.lun, 2 * GiB)], self.data.copies)

    def test_failed_clone_leaves_no_new_lun_unwiped(self):
        self.data.fail_copy = RuntimeError('copy broke')
        self.assertRaises(RuntimeError, copies.create_cloned_volume,
                          self.backend, self.data, self.new, self.volume)
        self.assertEqual(['free', ''],
                         self.backend.row('4001400800000000')[0:5:4])
        self.assertEqual(1, len(self.data.wipes))

    def test_volume_from_snapshot_and_revert(self):
        snap_loc = location.LunLocation('zvm1', 'gold', (W,),
                                        '4001400700000000')
        self.backend.rows['gold'][2][0:5:4] = ['reserved',
                                               'snapshot-' + SNAP_ID]
        snap = self._snapshot(snap_loc.encode())
        model = copies.create_volume_from_snapshot(self.backend, self.data,
                                                   self.new, snap)
        loc = location.decode(model['provider_location'])
        copies.revert_to_snapshot(self.backend, self.data, self.volume, snap)
        self.assertEqual([('4001400700000000', loc.lun, 2 * GiB),
                          ('4001400700000000', SRC, 2 * GiB)],
                         self.data.copies)

    def test_copy_size(self):
        self.assertEqual(3 * GiB, copies.copy_size(3 * GiB, 4 * GiB, GiB))
        self.assertEqual(2 * GiB, copies.copy_size(3 * GiB, 2 * GiB, GiB))
        self.assertEqual(GiB, copies.copy_size(None, 4 * GiB, GiB))
        self.assertEqual(GiB, copies.copy_size(3 * GiB, None, GiB))

    def test_snapshot_holds_the_whole_source_lun(self):
        # a 2 GiB volume on a 3 GiB LUN: the guest may use all 3 GiB
        self.backend.rows['gold'][0][3] = 3 * GiB
        model = copies.create_snapshot(self.backend, self.data,
                                       self._snapshot())
        loc = location.decode(model['provider_location'])
        self.assertEqual('4001400700000000', loc.lun)       # the 3 GiB LUN
        self.assertEqual([(SRC, loc.lun, 3 * GiB)], self.data.copies)

    def test_clone_into_a_smaller_lun_copies_what_fits(self):
        self.backend.rows['gold'][0][3] = 3 * GiB
        model = copies.create_cloned_volume(self.backend, self.data,
                                            self.new, self.volume)
        loc = location.decode(model['provider_location'])
        self.assertEqual([(SRC, loc.lun, 2 * GiB)], self.data.copies)

    def test_volume_without_lun_is_refused(self):
        self.assertRaises(exception.VolumeDriverException,
                          copies.create_cloned_volume, self.backend,
                          self.data, self.new, self.new)
