"""ZVMFCPDriver on pools where xCAT misbehaves (issue 10 items 2-5).

Two backends behind the same tests: the simulator (always) and xCAT's own
zvm.pm (../shared/realxcat, skipped with one line when absent). The driver
methods run as cinder-volume calls them; outcomes are read from the pool
files. Sources: zvmUtils.pm findzFcpDeviceAttr (4214: the ";" of a
multipath WWPN list exits 127), findAndUpdatezFcpPool (~3928: the update
step finds the row by LUN alone; 3926/3941: "" . "M" size), zvm.pm
inventoryHypervisor (--zfcppool of a missing pool).
"""

import json
import uuid

from cinder import context
from cinder import exception
from cinder.tests.unit import fake_volume
from cinder.volume import configuration
from cinder.volume import driver as cinder_driver
import requests

from cinder_zvm import driver
from cinder_zvm import opts
from tests.cinder import cinder_test
from tests.common import realxcat
from zvm_sim.fixture import SimulatorFixture

GROUP = 'zvmq'
W1 = '500507680b21bac6'
W2 = '500507680b22bac6'
MP = '%s;%s' % (W1, W2)
RANGE = '1f00-1f0f;2f00-2f0f'
LUN_MP = '4001401100000000'
LUN_CLASH = '4001401200000000'
LUN_NOSIZE = '4001401300000000'


class PoolQuirksMixin(object):
    """The tests; subclasses give ``setup_xcat`` and ``pool_text``."""

    def setUp(self):
        super().setUp()
        self.ctxt = context.get_admin_context()
        self.url, self.user, self.password = self.setup_xcat()

    def make_driver(self, pools=('gold',), **options):
        configuration.Configuration(cinder_driver.volume_opts,
                                    config_group=GROUP)
        conf = configuration.Configuration(opts.driver_opts(),
                                           config_group=GROUP)
        values = {'zvm_xcat_server': self.url,
                  'zvm_xcat_username': self.user,
                  'zvm_xcat_password': self.password,
                  'zvm_xcat_read_timeout': 60,
                  'zvm_host': 'zvm1', 'zvm_scsi_pool': list(pools)}
        values.update(options)
        for name, value in values.items():
            self.override_config(name, value, group=GROUP)
        drv = driver.ZVMFCPDriver(configuration=conf, host='h@' + GROUP)
        drv.do_setup(self.ctxt)
        return drv

    def volume(self, size=1, location=None, pool='gold'):
        return fake_volume.fake_volume_obj(
            self.ctxt, id=str(uuid.uuid4()), size=size,
            host='h@%s#%s' % (GROUP, pool), provider_location=location)

    def put(self, resource, *args):
        """One xCAT request as an operator's tool would send it."""
        r = requests.put('%s/xcatws/%s' % (self.url, resource),
                         params={'userName': self.user,
                                 'password': self.password, 'format': 'json'},
                         data=json.dumps([' '.join(args)]), timeout=60)
        r.raise_for_status()
        return r.json()['data']

    def add_row(self, line):
        """--addzfcp2pool (an empty size goes as an empty argument)."""
        f = line.split(',')
        self.put('hypervisor/zvm1', '--addzfcp2pool', 'gold', *f[:5])

    def nova_detach(self, lun):
        """chvm --removezfcp ... 1 as nova sends it: reserved, no owner."""
        wwpns = self.row_of(lun).split(',')[1]
        self.put('vms/vm1', '--removezfcp', '1f00', wwpns, lun, '1')

    def rows(self, pool):
        text = self.pool_text(pool) or ''
        return [ln for ln in text.splitlines() if ln and ln[0] != '#']

    def row_of(self, lun, pool='gold'):
        rows = [r for r in self.rows(pool) if r.split(',')[2] == lun]
        return rows[0] if len(rows) == 1 else rows

    # -- item 2: multipath rows -------------------------------------------

    def test_multipath_lun_manage_terminate_unmanage_delete(self):
        self.add_row('free,%s,%s,4G,%s,,,' % (MP, LUN_MP, RANGE))
        drv = self.make_driver()
        vol = self.volume(size=4)
        model = drv.manage_existing(vol, {'source-name': '%s:%s'
                                          % (MP, LUN_MP)})
        self.assertEqual('reserved,%s,%s,4G,%s,volume-%s,auto,'
                         % (MP, LUN_MP, RANGE, vol.id), self.row_of(LUN_MP))
        vol.provider_location = model['provider_location']
        self.nova_detach(LUN_MP)
        self.assertIn('reserved,%s,%s,4G,%s,,' % (MP, LUN_MP, RANGE),
                      self.row_of(LUN_MP))
        drv.terminate_connection(vol, {})
        self.assertIn(',volume-%s,' % vol.id, self.row_of(LUN_MP))
        drv.unmanage(vol)
        self.assertIn('reserved,%s,%s,4G,%s,unmanaged-%s,'
                      % (MP, LUN_MP, RANGE, vol.id), self.row_of(LUN_MP))
        vol2 = self.volume(size=4)
        model = drv.manage_existing(vol2, {'source-name': '%s:%s'
                                           % (MP, LUN_MP)})
        vol2.provider_location = model['provider_location']
        drv.delete_volume(vol2)
        # volume_clear defaults to zero: quarantined for the wipe
        self.assertIn('reserved,%s,%s,4G,%s,wipe-%s,'
                      % (MP, LUN_MP, RANGE, vol2.id), self.row_of(LUN_MP))

    def test_multipath_best_fit_create_and_release(self):
        self.add_row('free,%s,%s,7G,%s,,,' % (MP, LUN_MP, RANGE))
        drv = self.make_driver(volume_clear='none')
        vol = self.volume(size=7)
        vol.provider_location = drv.create_volume(vol)['provider_location']
        self.assertIn('reserved,%s,%s,7G' % (MP, LUN_MP), self.row_of(LUN_MP))
        drv.delete_volume(vol)
        self.assertEqual('free,%s,%s,7G,%s,,,' % (MP, LUN_MP, RANGE),
                         self.row_of(LUN_MP))

    # -- item 3: one LUN number on two rows --------------------------------

    def add_clash(self):
        self.add_row('free,%s,%s,7G,%s,,,' % (W1, LUN_CLASH, RANGE))
        self.add_row('free,%s,%s,7G,%s,,,' % (W2, LUN_CLASH, RANGE))

    def test_clash_named_by_check_setup_and_stats(self):
        self.add_clash()
        drv = self.make_driver()
        with self.assertLogs('cinder_zvm', 'WARNING') as logs:
            drv.check_for_setup_error()
        self.assertIn('LUN %s is on 2 rows of pool gold' % LUN_CLASH,
                      '\n'.join(logs.output))
        [pool] = drv.get_volume_stats(refresh=True)['pools']
        self.assertEqual(2, len(pool['lun_clash_rows']))
        self.assertEqual(1, pool['lun_clash_count'])
        self.assertTrue(all(LUN_CLASH in r for r in pool['lun_clash_rows']))

    def test_create_that_xcat_does_not_write_fails_naming_the_rows(self):
        """Best fit picks a clash row; xCAT says Done and writes nothing."""
        self.add_clash()
        drv = self.make_driver()
        exc = self.assertRaises(exception.VolumeBackendAPIException,
                                drv.create_volume, self.volume(size=7))
        self.assertIn('LUN %s is on 2 rows' % LUN_CLASH, str(exc))
        self.assertEqual(['free,%s,%s,7G,%s,,,' % (W1, LUN_CLASH, RANGE),
                          'free,%s,%s,7G,%s,,,' % (W2, LUN_CLASH, RANGE)],
                         self.row_of(LUN_CLASH))

    # -- item 4: bare M size ------------------------------------------------

    def test_unsized_lun_gets_m_and_the_pool_stays_readable(self):
        self.add_row('free,%s,%s,,%s,,,' % (W1, LUN_NOSIZE, RANGE))
        # xCAT writes "" . "M" when it releases an unsized row by WWPN/LUN
        self.put('hypervisor/zvm1', '--releasezfcp', 'gold', W1, LUN_NOSIZE)
        self.assertEqual('free,%s,%s,M,%s,,,' % (W1, LUN_NOSIZE, RANGE),
                         self.row_of(LUN_NOSIZE))
        drv = self.make_driver()
        [pool] = drv.get_volume_stats(refresh=True)['pools']
        self.assertEqual('up', pool['backend_state'])
        self.assertEqual(1, pool['unsized_free_lun_count'])
        exc = self.assertRaises(
            exception.ManageExistingInvalidReference, drv.manage_existing,
            self.volume(), {'source-name': '%s:%s' % (W1, LUN_NOSIZE)})
        self.assertIn('has no size', str(exc))
        # best fit skips it, as xCAT does: the 10G LUN is taken
        vol = self.volume(size=1)
        loc = drv.create_volume(vol)['provider_location']
        self.assertNotIn(LUN_NOSIZE, loc)

    # -- item 5: missing pool ----------------------------------------------

    def test_missing_pool_is_reported_down_with_the_reason(self):
        self.add_row('free,%s,%s,7G,%s,,,' % (W1, LUN_MP, RANGE))
        drv = self.make_driver(pools=('gold', 'nopool'))
        stats = {p['pool_name']: p for p in
                 drv.get_volume_stats(refresh=True)['pools']}
        self.assertEqual('up', stats['gold']['backend_state'])
        self.assertEqual('down', stats['nopool']['backend_state'])
        self.assertIn('zFCP pool nopool does not exist on zvm1',
                      stats['nopool']['backend_state_reason'])


class SimulatorPoolQuirksTest(PoolQuirksMixin, cinder_test.TestCase):

    def setup_xcat(self):
        self.sim = self.useFixture(SimulatorFixture(subprocess=True))
        return self.sim.url, self.sim.username, self.sim.password

    def pool_text(self, pool):
        return self.sim.admin.pool_text('zvm1', pool)


class RealXCATPoolQuirksTest(PoolQuirksMixin, cinder_test.TestCase):
    """The same sequences on xcat-core's own zvm.pm (realxcat)."""

    def setup_xcat(self):
        realxcat.skip_unless_available(self)
        self.xcat = self.useFixture(realxcat.RealXCATFixture(
            {'gold': ['free,%s,4001400500000000,10G,%s,,,' % (W1, RANGE)]},
            guests=[{'node': 'vm1', 'userid': 'VM1', 'power': 'off'}]))
        return self.xcat.url, self.xcat.username, self.xcat.password

    def pool_text(self, pool):
        return self.xcat.pool_text(pool)
