"""How cinder's scheduler places volumes on the driver's pools.

The driver's real stats go through cinder's real HostManager (capability
update, backend/pool states from the services table), its real default
CapacityFilter and its DriverFilter, as in cinder-scheduler:

- with DriverFilter enabled, the driver's default filter_function keeps
  out a pool without one LUN big enough;
- a placed volume is deducted from a pool's free capacity until the next
  stats report (HostState.consume_from_volume), and the pool still takes
  the next volumes while it has free LUNs (free_capacity_gb is a sum).
"""

from cinder.scheduler import host_manager
from cinder.tests.unit import utils as test_utils
from oslo_utils import timeutils

from tests.cinder.unit import pool_rows as pr
from tests.cinder.unit import test_driver


class SchedulerPlacementTest(test_driver.DriverTestBase):

    def setUp(self):
        super().setUp()
        # gold: 100 GiB free in ten 10 GiB LUNs; silver: one free 25 GiB LUN
        # and much more capacity in use.
        gold = pr.entries(*[pr.row('free', n, '10G') for n in range(10)])
        silver = pr.entries(pr.row('free', 20, '25G'),
                            pr.row('used', 21, '200G', 'vm1'))
        self.zfcp.list_pool.side_effect = lambda c, hv, pool: {
            'gold': gold, 'silver': silver}[pool]
        stats = self.drv.get_volume_stats(refresh=True)
        stats['timestamp'] = timeutils.utcnow()
        host = 'cinderhost@' + test_driver.GROUP
        test_utils.create_service(self.ctxt, {'host': host,
                                              'topic': 'cinder-volume',
                                              'binary': 'cinder-volume'})
        self.hm = host_manager.HostManager()
        self.hm.update_service_capabilities('volume', host, stats, None,
                                            stats['timestamp'])

    def passing(self, size, filters=('CapacityFilter', 'DriverFilter'),
                backends=None):
        if backends is None:
            backends = self.hm.get_all_backend_states(self.ctxt)
        props = {'size': size, 'request_spec': {
            'volume_id': 'x', 'volume_properties': {'size': size}}}
        passed = self.hm.get_filtered_backends(
            backends, props, filter_class_names=list(filters))
        return sorted(b.pool_name for b in passed)

    def test_placement_follows_largest_free_lun(self):
        self.assertEqual(['gold', 'silver'], self.passing(10))
        # gold has 100 GiB free but no LUN of 11 GiB: never chosen.
        self.assertEqual(['silver'], self.passing(11))
        self.assertEqual(['silver'], self.passing(25))
        self.assertEqual([], self.passing(26))

    def test_without_driver_filter_capacity_alone_decides(self):
        # The driver then refuses an 11 GiB volume on gold itself (no LUN
        # of 11 GiB, test_driver) and cinder reschedules it.
        self.assertEqual(['gold', 'silver'],
                         self.passing(11, filters=['CapacityFilter']))

    def test_a_burst_of_volumes_fits_between_two_reports(self):
        backends = list(self.hm.get_all_backend_states(self.ctxt))
        gold = [b for b in backends if b.pool_name == 'gold'][0]
        # the scheduler's own bookkeeping of nine 10 GiB volumes on gold
        for _ in range(9):
            self.assertIn('gold', self.passing(10, backends=backends))
            gold.consume_from_volume({'size': 10})
        self.assertEqual(10, gold.free_capacity_gb)
        self.assertIn('gold', self.passing(10, backends=backends))
        gold.consume_from_volume({'size': 10})
        self.assertNotIn('gold', self.passing(10, backends=backends))

    def test_pool_capabilities_reach_the_scheduler(self):
        pools = {p['name'].split('#')[1]: p['capabilities']
                 for p in self.hm.get_pools(self.ctxt)}
        self.assertEqual(10, pools['gold']['max_free_lun_gb'])
        self.assertEqual(100, pools['gold']['free_lun_capacity_gb'])
        self.assertEqual(25, pools['silver']['free_capacity_gb'])
        self.assertEqual(100, pools['gold']['free_capacity_gb'])
