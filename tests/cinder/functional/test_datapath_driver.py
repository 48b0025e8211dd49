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
"""The data path through real cinder VolumeManagers and ZVMFCPDriver.

cinder's own flows (clone, snapshot, create from snapshot, revert with its
temporary snapshot, deletes) reach cinder_zvm.datapath through the driver.
"""

import os

from cinder import objects
from cinder.tests.unit import utils as test_utils

from cinder_zvm import datapath
from tests.cinder.functional import datapath_base as dpb


class ManagerDataPathTest(dpb.DataPathTestCase):

    def setUp(self):
        super().setUp()
        self.mgr = self.start_node_backend()
        self.assertIsInstance(self.mgr.driver.datapath,
                              datapath.ZVMDataPath)

    def test_clone_snapshot_revert_delete_through_cinder(self):
        vol = self.create(size=1)
        self.assertEqual('available', vol.status)
        self.write_through_attach(vol, b'version 1', 0)

        # snapshot (full copy) through the manager
        snap = test_utils.create_snapshot(self.ctxt, vol.id,
                                          status='creating')
        self.mgr.create_snapshot(self.ctxt, snap)
        snap = objects.Snapshot.get_by_id(self.ctxt, snap.id)
        self.assertEqual('available', snap.status)
        self.assertEqual(('reserved', 'snapshot-' + snap.id),
                         (self.row(snap)['status'], self.row(snap)['owner']))
        self.assertEqual(b'version 1', self.read_lun(snap, 9))

        self.write_through_attach(vol, b'version 2', 0)

        # clone of the volume, volume from the snapshot
        clone = self.new_volume(size=1, source_volid=vol.id)
        self.mgr.create_volume(self.ctxt, clone, allow_reschedule=False)
        clone = objects.Volume.get_by_id(self.ctxt, clone.id)
        self.assertEqual('available', clone.status)
        self.assertEqual(b'version 2', self.read_lun(clone, 9))
        restored = self.new_volume(size=1, snapshot_id=snap.id)
        self.mgr.create_volume(self.ctxt, restored, allow_reschedule=False)
        restored = objects.Volume.get_by_id(self.ctxt, restored.id)
        self.assertEqual('available', restored.status)
        self.assertEqual(b'version 1', self.read_lun(restored, 9))

        # revert the volume to its snapshot (cinder first takes a temporary
        # backup snapshot: a full copy into a spare LUN, deleted after)
        vol = objects.Volume.get_by_id(self.ctxt, vol.id)
        vol.status = 'reverting'
        vol.save()
        snap.status = 'restoring'
        snap.save()
        self.mgr.revert_to_snapshot(self.ctxt, vol, snap)
        self.assertEqual(b'version 1', self.read_lun(vol, 9))

        # deletes wipe and free
        snap = objects.Snapshot.get_by_id(self.ctxt, snap.id)
        self.mgr.delete_snapshot(self.ctxt, snap)
        for victim in (clone, restored, vol):
            self.delete(victim)
            self.assert_status(victim, 'deleted')
        for obj in (snap, clone, restored, vol):
            row = self.row(obj)
            self.assertEqual(('free', ''), (row['status'], row['owner']))
            with open(self.lun_path(obj), 'rb') as f:
                self.assertEqual(b'\0' * 4096, f.read(4096))
        self.assertNodeClean()
        self.assertEqual([], [r for r in self.pool() if r['status'] != 'free'])
        self.assertEqual([], os.listdir(os.path.join(self.root, 'sys',
                                                     'block')))
