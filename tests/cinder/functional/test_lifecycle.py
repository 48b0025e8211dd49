"""create -> attach data -> detach -> delete through real VolumeManagers."""

from cinder import exception

from cinder_zvm import location
from tests.cinder.functional import base

CONNECTOR = {'platform': 's390x', 'os_type': 'linux2', 'multipath': False,
             'host': 'compute1', 'zvm_fcp': ['1f00'],
             'wwpns': ['c05076ffe5005612'], 'zvm_hypervisor': 'zvm1',
             'zvm_userid': 'VM1', 'zvm_node': 'vm1'}


class LifecycleTest(base.SimulatorTestCase):

    def setUp(self):
        super().setUp()
        self.mgr = self.start_backend('zvm1')

    def test_setup_checked_with_one_call(self):
        self.assertTrue(self.mgr.driver.initialized)
        setup_calls = [c['option'] for c in self.sim.admin.calls()
                       if c['option'] == '--zfcppoolnames']
        self.assertEqual(['--zfcppoolnames'], setup_calls)

    def test_best_fit_create_and_delete(self):
        self.sim.admin.clear_calls()
        vol = self.create(size=3)
        self.assertEqual('available', vol.status)
        loc = location.decode(vol.provider_location)
        # gold has 10G, 1G, 5G (multipath), 20G, 2G, 512M: 3G -> the 5G LUN.
        self.assertEqual('4001400700000000', loc.lun)
        self.assertEqual(2, len(loc.wwpns))
        self.assertEqual(loc.source_name, vol.provider_id)
        row = self.entry(vol)
        self.assertEqual(('reserved', 'volume-' + vol.id),
                         (row['status'], row['owner']))
        calls = [c['option'] for c in self.sim.admin.calls()]
        # read back: xCAT may say Done and write nothing (zvmUtils.pm 3928)
        self.assertEqual(['--reservezfcp', '--zfcppool'], calls)
        self.assert_pools_consistent()

        self.sim.admin.clear_calls()
        self.delete(vol)
        self.assert_status(vol, 'deleted')
        row = self.entry(vol)
        # volume_clear defaults to zero: quarantined until wiped.
        self.assertEqual(('reserved', 'wipe-' + vol.id),
                         (row['status'], row['owner']))
        calls = [c['option'] for c in self.sim.admin.calls()]
        self.assertEqual(['--zfcppool', '--reservezfcp', '--zfcppool'],
                         calls[:3])
        # cinder's manager then refreshes the stats (one read per pool).
        self.assertEqual(['--zfcppool', '--zfcppool'], calls[3:])
        self.assert_pools_consistent()

    def test_delete_with_volume_clear_none_frees(self):
        self.override_config('volume_clear', 'none', group='zvm1')
        vol = self.create(size=1)
        self.delete(vol)
        row = self.entry(vol)
        self.assertEqual(('free', ''), (row['status'], row['owner']))

    def test_too_big_volume_errors_cleanly(self):
        before = self.pool()
        vol = self.new_volume(size=21)
        exc = self.assertRaises(exception.VolumeBackendAPIException,
                                self.mgr.create_volume, self.ctxt, vol,
                                allow_reschedule=False)
        self.assertIn('pool gold of zvm1 has no free LUN of 21 GiB', str(exc))
        row = self.assert_status(vol, 'error')
        self.assertIsNone(row.provider_location)
        self.assertEqual(before, self.pool())
        self.assert_pools_consistent()

    def test_attach_detach_data(self):
        vol = self.create(size=8, pool='gold')
        self.sim.admin.clear_calls()
        info = self.mgr.initialize_connection(self.ctxt, vol, CONNECTOR)
        self.assertEqual([], self.sim.admin.calls())
        data = info['data']
        self.assertEqual('fibre_channel', info['driver_volume_type'])
        loc = location.decode(vol.provider_location)
        self.assertEqual(loc.lun, data['zvm_fcp_lun'])
        self.assertEqual(['1f00'], data['zvm_fcp'])
        self.assertEqual('zvm1', data['zvm_hypervisor'])
        # What nova's attach then does: --addzfcp marks the entry used...
        self.sim.admin.clear_calls()
        from zvm_xcat import client as xclient
        c = xclient.XCATClient(self.sim.url, self.sim.username,
                               self.sim.password)
        c.chvm('vm1', '--addzfcp', 'gold', '1f00', '0', '8G', '0', loc.wwpn,
               loc.lun)
        self.assertEqual('used', self.entry(vol)['status'])
        self.assertRaises(exception.VolumeIsBusy,
                          self.mgr.driver.delete_volume, vol)
        # terminate_connection before nova's detach: the entry stays nova's.
        self.mgr.driver.terminate_connection(vol, CONNECTOR)
        self.assertEqual(('used', 'vm1'), (self.entry(vol)['status'],
                                           self.entry(vol)['owner']))
        # ... and its detach leaves it reserved without owner.
        c.chvm('vm1', '--removezfcp', '1f00', loc.wwpn, loc.lun, '1')
        self.assertEqual(('reserved', ''), (self.entry(vol)['status'],
                                            self.entry(vol)['owner']))
        self.mgr.terminate_connection(self.ctxt, vol.id, CONNECTOR)
        self.assertEqual(('reserved', 'volume-' + vol.id),
                         (self.entry(vol)['status'], self.entry(vol)['owner']))
        self.assert_pools_consistent()

    def test_wrong_hypervisor_connector(self):
        vol = self.create(size=1)
        self.assertRaises(exception.InvalidConnectorException,
                          self.mgr.driver.initialize_connection, vol,
                          dict(CONNECTOR, zvm_hypervisor='zvm2'))

    def test_extend_within_and_beyond(self):
        vol = self.create(size=3)                 # the 5G LUN
        vol.refresh()
        self.mgr.extend_volume(self.ctxt, vol, 5, None)
        self.assertEqual(5, self.db_volume(vol.id).size)
        vol.refresh()
        self.mgr.extend_volume(self.ctxt, vol, 6, None)
        row = self.db_volume(vol.id)
        self.assertEqual(5, row.size)
        self.assertEqual('error_extending', row.status)

    def test_manage_and_unmanage(self):
        vol = self.new_volume(status='managing', size=0)
        ref = {'source-name': '500507680b21bac6;500507680b22bac6:4001400900000000'}
        self.assertEqual(2, self.mgr.driver.manage_existing_get_size(vol, ref))
        self.mgr.manage_existing(self.ctxt, vol, ref)
        row = self.assert_status(vol, 'available')
        self.assertEqual(2, row.size)
        self.assertEqual('volume-' + vol.id, self.entry(row)['owner'])
        other = self.new_volume(status='managing')
        self.assertRaises(exception.ManageExistingInvalidReference,
                          self.mgr.driver.manage_existing_get_size, other, ref)
        self.mgr.driver.unmanage(row)
        self.assertEqual('unmanaged-' + vol.id, self.entry(row)['owner'])
        self.assertEqual(2, self.mgr.driver.manage_existing_get_size(other,
                                                                     ref))

    def test_stats_cached_and_refreshed(self):
        self.sim.admin.clear_calls()
        stats = self.mgr.driver.get_volume_stats(refresh=True)
        self.assertEqual(2, len(self.sim.admin.calls()))   # one per pool
        gold = [p for p in stats['pools'] if p['pool_name'] == 'gold'][0]
        # what the free LUNs hold, each in whole GiB; the largest is 20
        self.assertEqual(38, gold['free_capacity_gb'])
        self.assertEqual(20, gold['max_free_lun_gb'])
        self.assertEqual(38.5, gold['free_lun_capacity_gb'])
        self.mgr.driver.get_volume_stats(refresh=False)
        self.assertEqual(2, len(self.sim.admin.calls()))
        vol = self.create(size=15)                     # takes the 20G LUN
        self.delete(vol)
        stats = self.mgr.driver.get_volume_stats(refresh=True)
        gold = [p for p in stats['pools'] if p['pool_name'] == 'gold'][0]
        self.assertEqual(10, gold['max_free_lun_gb'])
        self.assertEqual(18, gold['free_capacity_gb'])
        self.assertEqual(20, gold['quarantined_capacity_gb'])


class TwoBackendsTest(base.SimulatorTestCase):
    """Two backends (one per z/VM system) of one cinder.conf, in one process."""

    def setUp(self):
        super().setUp()
        self.start_backend('zvm1')
        self.start_backend('zvm2')

    def test_each_backend_uses_its_own_system(self):
        zvm2_before = {p: self.pool('zvm2', p) for p in ('fast', 'slow')}
        v1 = self.create('zvm1', 'silver', size=2)      # silver 3G LUN
        self.assertEqual('available', v1.status)
        self.assertEqual({p: self.pool('zvm2', p) for p in ('fast', 'slow')},
                         zvm2_before)
        v2 = self.create('zvm2', 'slow', size=5)        # slow 6G LUN
        loc2 = location.decode(v2.provider_location)
        self.assertEqual(('zvm2', 'slow', '4011400100000000'),
                         (loc2.hypervisor, loc2.pool, loc2.lun))
        self.assertEqual('volume-' + v2.id, self.entry(v2, 'zvm2')['owner'])
        # A zvm1 guest cannot attach a zvm2 LUN.
        self.assertRaises(exception.InvalidConnectorException,
                          self.managers['zvm2'].driver.initialize_connection,
                          v2, CONNECTOR)
        zvm2_conn = dict(CONNECTOR, zvm_hypervisor='zvm2', zvm_fcp=['1c00'],
                         wwpns=['c05076ffe6001112'])
        info = self.managers['zvm2'].initialize_connection(self.ctxt, v2,
                                                           zvm2_conn)
        self.assertEqual('zvm2', info['data']['zvm_hypervisor'])
        self.delete(v2, 'zvm2')
        self.delete(v1, 'zvm1')
        self.assert_pools_consistent('zvm1')
        self.assert_pools_consistent('zvm2')
        stats = self.managers['zvm2'].driver.get_volume_stats(refresh=True)
        self.assertEqual(['fast', 'slow'],
                         [p['pool_name'] for p in stats['pools']])

    def test_manageable_list_from_the_simulator(self):
        vol = self.create('zvm2', 'fast', size=1)
        got = self.managers['zvm2'].driver.get_manageable_volumes(
            [vol], None, 100, 0, ['reference'], ['asc'])
        self.assertEqual(7, len(got))               # fast 4 + slow 3
        mine = [g for g in got if g['cinder_id'] == vol.id]
        self.assertEqual(1, len(mine))
        self.assertFalse(mine[0]['safe_to_manage'])
        self.assertEqual(6, sum(g['safe_to_manage'] for g in got))
