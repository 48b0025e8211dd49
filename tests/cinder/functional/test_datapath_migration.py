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
"""Migration and retype through a real VolumeManager (cinder_zvm.migration).

zvm1 has pools gold and silver of 1 GiB LUNs; the volume's data is
written through the Cinder node's host attach and read back from the
simulator's LUN backing files.
"""

from cinder import exception
from cinder import objects
from cinder.tests.unit import utils as test_utils

from cinder_zvm import datapath
from cinder_zvm import migration
from tests.cinder.functional import base
from tests.cinder.functional import datapath_base as dpb

DATA = b'migrating data ' * 1024
GiB = 1 << 30


def two_pool_topology():
    topo = dpb.small_topology()
    rng = '1f00-1f0f;2f00-2f0f'
    topo['systems'][0]['pools']['silver'] = [
        {'status': 'free', 'wwpn': dpb.W1, 'lun': '40017%03x00000000' % i,
         'size': '1G', 'range': rng} for i in range(3)]
    return topo


class MigrationTest(dpb.DataPathTestCase):

    TOPOLOGY = two_pool_topology()

    def setUp(self):
        super().setUp()
        self.mgr = self.start_node_backend(pools=('gold', 'silver'))
        self.assertIsInstance(self.mgr.driver.datapath, datapath.ZVMDataPath)
        self.stats = self.mgr.driver.get_volume_stats(refresh=True)
        # cinder looks up the target's service (its availability zone)
        test_utils.create_service(self.ctxt, {
            'host': '%s@zvm1' % base.HOST, 'binary': 'cinder-volume',
            'topic': 'cinder-volume', 'availability_zone': 'nova'})

    def target(self, pool, stats=None):
        caps = next(p for p in (stats or self.stats)['pools']
                    if p['pool_name'] == pool)
        return {'host': '%s@zvm1#%s' % (base.HOST, pool),
                'capabilities': caps}

    def written_volume(self):
        vol = self.create(pool='gold')
        self.assertEqual('available', vol.status)
        self.write_through_attach(vol, DATA, 0)
        self.write_through_attach(vol, DATA, GiB - len(DATA))
        return vol

    def test_stats_carry_location_info(self):
        want = migration.location_info(self.mgr.driver.backend.client.server_url,
                                       'zvm1')
        self.assertEqual(want, self.stats['location_info'])
        self.assertEqual({want}, {p['location_info'] for p in self.stats['pools']})

    def test_move_to_another_pool_copies_wipes_and_frees(self):
        vol = self.written_volume()
        old = self.loc(vol)
        self.assertEqual('gold', old.pool)

        self.sim.admin.clear_calls()
        self.mgr.migrate_volume(self.ctxt, vol, self.target('silver'))
        # target reserved and read back; both pools read (LUN sizes); the
        # old LUN read, quarantined (read back), wiped, re-read under the
        # lock and released (read back)
        self.assertEqual(['--reservezfcp', '--zfcppool', '--zfcppool',
                          '--zfcppool', '--zfcppool', '--reservezfcp',
                          '--zfcppool', '--zfcppool', '--releasezfcp',
                          '--zfcppool'],
                         [c['option'] for c in self.sim.admin.calls()])

        vol = objects.Volume.get_by_id(self.ctxt, vol.id)
        self.assertEqual(('%s@zvm1#silver' % base.HOST, 'success'),
                         (vol.host, vol.migration_status))
        new = self.loc(vol)
        self.assertEqual('silver', new.pool)
        self.assertEqual(new.source_name, vol.provider_id)
        self.assertEqual(('reserved', 'volume-' + vol.id),
                         (self.row(new.encode())['status'], self.row(new.encode())['owner']))
        self.assertEqual(DATA, self.read_lun(vol, len(DATA)))
        with open(self.lun_path(vol), 'rb') as f:
            f.seek(GiB - len(DATA))
            self.assertEqual(DATA, f.read())
        # the old LUN: wiped (volume_clear = zero), then free
        self.assertEqual(('free', ''), (self.row(old.encode())['status'],
                                        self.row(old.encode())['owner']))
        self.assertZeros(old)
        self.assert_pools_consistent()
        self.assertNodeClean()

        # and the moved volume is an ordinary volume of silver
        self.delete(vol)
        self.assertEqual('free', self.row(new.encode())['status'])
        self.assertZeros(new)

    def test_failed_copy_leaves_the_volume_where_it_was(self):
        vol = self.written_volume()
        old = self.loc(vol)
        silver_before = self.sim.admin.pool('zvm1', 'silver')

        def broken_copy(*args, **kwargs):
            raise OSError(5, 'Input/output error')
        self.mock_object(self.mgr.driver.datapath, 'copy', broken_copy)

        self.assertRaises(OSError, self.mgr.migrate_volume, self.ctxt, vol,
                          self.target('silver'))

        vol = objects.Volume.get_by_id(self.ctxt, vol.id)
        self.assertEqual(('%s@zvm1#gold' % base.HOST, 'error'),
                         (vol.host, vol.migration_status))
        self.assertEqual(old, self.loc(vol))
        self.assertEqual(('reserved', 'volume-' + vol.id),
                         (self.row(old.encode())['status'], self.row(old.encode())['owner']))
        self.assertEqual(DATA, self.read_lun(vol, len(DATA)))
        # the target LUN went back to free (through its wipe)
        self.assertEqual(silver_before, self.sim.admin.pool('zvm1', 'silver'))
        self.assert_pools_consistent()
        self.assertNodeClean()

    def test_another_z_vm_system_is_refused_clearly(self):
        vol = self.written_volume()
        gold_before = self.sim.admin.pool('zvm1', 'gold')
        other = {'host': '%s@zvm2#fast' % base.HOST, 'capabilities': {
            'location_info': migration.location_info(
                self.mgr.driver.backend.client.server_url, 'zvm2')}}

        exc = self.assertRaises(exception.VolumeMigrationFailed,
                                self.mgr.migrate_volume, self.ctxt, vol, other)

        self.assertIn('z/VM system zvm1', str(exc))
        self.assertIn('zvm2', str(exc))
        vol = objects.Volume.get_by_id(self.ctxt, vol.id)
        self.assertEqual(('%s@zvm1#gold' % base.HOST, 'error'),
                         (vol.host, vol.migration_status))
        self.assertEqual(gold_before, self.sim.admin.pool('zvm1', 'gold'))
        self.assertEqual({'free'}, {r['status'] for r in
                                    self.sim.admin.pool('zvm1', 'silver')})

    def test_retype_keeps_the_lun_in_its_pool_and_moves_it_otherwise(self):
        vol = self.written_volume()
        old = self.loc(vol)
        driver = self.mgr.driver
        new_type = objects.VolumeType.get_by_id(self.ctxt, self.volume_type.id)

        self.assertEqual((True, None), driver.retype(
            self.ctxt, vol, new_type, {}, self.target('gold')))
        self.assertEqual((False, None), driver.retype(
            self.ctxt, vol, new_type, {}, self.target('silver')))
        # nothing moved for either answer
        self.assertEqual(('reserved', 'volume-' + vol.id),
                         (self.row(old.encode())['status'], self.row(old.encode())['owner']))
