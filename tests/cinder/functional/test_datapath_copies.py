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
"""Full-copy snapshots and clones between 1 GiB LUNs of the simulator."""

import filecmp
import os
import shutil
import subprocess

import fixtures

from cinder.tests.unit import fake_snapshot
from oslo_concurrency import processutils

from tests.cinder.functional import datapath_base as dpb

A = b'generation A ' * 512
B = b'generation B ' * 512
GiB = 1 << 30


class CopiesTest(dpb.DataPathTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path

    def snapshot(self, vol, **kwargs):
        snap = fake_snapshot.fake_snapshot_obj(
            self.ctxt, volume_id=vol.id, volume_size=vol.size, **kwargs)
        snap.volume = vol
        return snap

    def save(self, obj):
        path = os.path.join(self.tmp, self.loc(obj).lun)
        shutil.copyfile(self.lun_path(obj), path)
        return path

    def assertSame(self, saved, obj):
        self.assertTrue(filecmp.cmp(saved, self.lun_path(obj), shallow=False),
                        'LUN %s differs' % self.loc(obj).lun)

    def assertZeroLun(self, obj):
        self.assertEqual(0, subprocess.call(
            ['cmp', '-s', '-n', str(GiB), self.lun_path(obj), '/dev/zero']),
            'LUN %s is not zeroed' % self.loc(obj).lun)

    def test_snapshot_survives_writes_and_restores(self):
        vol = self.volume()
        self.write_through_attach(vol, A, 0)
        self.write_through_attach(vol, A, GiB - len(A))
        original = self.save(vol)

        snap = self.snapshot(vol)
        snap.provider_location = self.data.create_snapshot(snap)[
            'provider_location']
        row = self.row(snap)
        self.assertEqual(('reserved', 'snapshot-' + snap.id),
                         (row['status'], row['owner']))
        self.assertNotEqual(self.loc(vol).lun, self.loc(snap).lun)
        self.assertSame(original, snap)

        self.write_through_attach(vol, B, 0)          # the source moves on
        self.assertSame(original, snap)

        new = dpb.fake_volume.fake_volume_obj(
            self.ctxt, size=1, host='cinderhost@zvm1#gold')
        new.provider_location = self.data.create_volume_from_snapshot(
            new, snap)['provider_location']
        self.assertEqual('volume-' + new.id, self.row(new)['owner'])
        self.assertSame(original, new)

        self.data.revert_to_snapshot(self.ctxt, vol, snap)
        self.assertSame(original, vol)

        self.data.delete_snapshot(snap)
        self.assertEqual(('free', ''), (self.row(snap)['status'],
                                        self.row(snap)['owner']))
        self.assertZeroLun(snap)
        self.assertNodeClean()

    def test_clone_equals_source(self):
        vol = self.volume()
        self.write_through_attach(vol, A, 123 * dpb.MiB)
        clone = dpb.fake_volume.fake_volume_obj(
            self.ctxt, size=1, host='cinderhost@zvm1#gold')
        clone.provider_location = self.data.create_cloned_volume(
            clone, vol)['provider_location']
        self.assertEqual('volume-' + clone.id, self.row(clone)['owner'])
        self.assertTrue(filecmp.cmp(self.lun_path(vol),
                                    self.lun_path(clone), shallow=False))
        self.assertNodeClean()

    def test_failed_clone_never_frees_an_unwiped_lun(self):
        vol = self.volume()
        self.write_through_attach(vol, A, 0)
        # Every other 1 GiB LUN refuses writes: the copy and the wipe fail.
        others = [lun for lun in dpb.GIB_LUNS if lun != self.loc(vol).lun]
        paths = [self.sim.admin.lun_path(dpb.W1, lun) for lun in others]
        subprocess.check_call(['chattr', '+i'] + paths)
        self.addCleanup(subprocess.call, ['chattr', '-i'] + paths)
        clone = dpb.fake_volume.fake_volume_obj(
            self.ctxt, size=1, host='cinderhost@zvm1#gold')
        self.assertRaises(processutils.ProcessExecutionError,
                          self.data.create_cloned_volume,
                          clone, vol)
        quarantined = self.data.list_quarantined()
        self.assertEqual([clone.id], [q.object_id for q in quarantined])
        self.assertEqual('reserved', quarantined[0].entry.status)
        self.assertNodeClean()
        # the source is untouched and still owned
        self.assertEqual('volume-' + vol.id, self.row(vol)['owner'])
        # after the repair, clean wipes and frees it
        subprocess.check_call(['chattr', '-i'] + paths)
        self.assertEqual([True], [ok for _q, ok in
                                  self.data.clean_quarantined()])
        self.assertZeroLun(quarantined[0].location)
