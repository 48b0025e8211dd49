"""Real cinder VolumeManagers driving ZVMFCPDriver against the simulator.

The simulator runs in a thread and is reached over HTTP only.  Each
backend section names one simulated z/VM system, as an operator's
cinder.conf would.  cinder's TestCase gives an sqlite database and the
fake RPC transport; coordination is real (tooz file locks).
"""

from cinder import context
from cinder import objects
from cinder.objects import fields
from cinder.tests.unit import fake_constants as fake
from cinder.tests.unit import utils as test_utils
from cinder.volume import configuration
from cinder.volume import driver
from cinder.volume import manager as vol_manager
from oslo_config import cfg

from cinder_zvm import opts
from tests.cinder import cinder_test
from zvm_sim.fixture import real_xcat_requested
from zvm_sim.fixture import SimulatorFixture

CONF = cfg.CONF
HOST = 'cinderhost'
BACKENDS = {'zvm1': ('zvm1', ['gold', 'silver']),
            'zvm2': ('zvm2', ['fast', 'slow'])}


class SimulatorTestCase(cinder_test.TestCase):

    MOCK_TOOZ = False       # real coordination locks (file backend)
    # Short, so that fault tests see timeouts quickly; xCAT's own zvm.pm
    # (real-xCAT mode) forks several Perl and shell commands per request
    # and takes seconds on a loaded 2-core machine: there a timeout would
    # only measure the machine.
    READ_TIMEOUT = 30.0 if real_xcat_requested() else 2.0
    SIM_TOPOLOGY = None     # None: the simulator's default topology

    def setUp(self):
        super().setUp()
        self.ctxt = context.RequestContext(fake.USER_ID, fake.PROJECT_ID,
                                           is_admin=True)
        topology = ({'topology': self.SIM_TOPOLOGY}
                    if self.SIM_TOPOLOGY is not None else {})
        self.sim = self.useFixture(SimulatorFixture(subprocess=True,
                                                    **topology))
        self.override_config('reinit_driver_count', 0)
        self.volume_type = test_utils.create_volume_type(
            self.ctxt, name='zvm-fcp')
        self.managers = {}

    def configure_backend(self, name, **overrides):
        hv, pools = BACKENDS[name]
        configuration.Configuration(vol_manager.volume_backend_opts,
                                    config_group=name)
        configuration.Configuration(opts.driver_opts(), config_group=name)
        configuration.Configuration(driver.volume_opts, config_group=name)
        values = {'volume_driver': 'cinder_zvm.driver.ZVMFCPDriver',
                  'volume_backend_name': name,
                  'zvm_xcat_server': self.sim.url,
                  'zvm_xcat_username': self.sim.username,
                  'zvm_xcat_password': self.sim.password,
                  'zvm_xcat_read_timeout': self.READ_TIMEOUT,
                  'zvm_xcat_retries': 1,
                  'zvm_host': hv, 'zvm_scsi_pool': pools}
        values.update(overrides)
        for key, value in values.items():
            self.override_config(key, value, group=name)

    def start_backend(self, name, **overrides):
        self.configure_backend(name, **overrides)
        mgr = vol_manager.VolumeManager(volume_driver=None, service_name=name,
                                        host='%s@%s' % (HOST, name))
        mgr.init_host(added_to_cluster=None, service_id=None)
        self.managers[name] = mgr
        return mgr

    # -- cinder side ----------------------------------------------------

    def new_volume(self, backend='zvm1', pool='gold', size=1,
                   status='creating', **kw):
        return test_utils.create_volume(
            self.ctxt, host='%s@%s#%s' % (HOST, backend, pool), size=size,
            status=status, volume_type_id=self.volume_type.id, **kw)

    def create(self, backend='zvm1', pool='gold', size=1):
        vol = self.new_volume(backend, pool, size)
        self.managers[backend].create_volume(self.ctxt, vol,
                                             allow_reschedule=False)
        return objects.Volume.get_by_id(self.ctxt, vol.id)

    def delete(self, vol, backend='zvm1'):
        vol.refresh()
        self.managers[backend].delete_volume(self.ctxt, vol)

    def db_volume(self, vol_id):
        """The volume row (deleted rows too), as cinder left it."""
        ctxt = self.ctxt.elevated(read_deleted='yes')
        return objects.Volume.get_by_id(ctxt, vol_id)

    def live_volumes(self):
        return [v for v in objects.VolumeList.get_all(self.ctxt)
                if v.status != 'deleted']

    # -- simulator side -------------------------------------------------

    def pool(self, backend='zvm1', pool='gold'):
        return self.sim.admin.pool(BACKENDS[backend][0], pool)

    def entry(self, loc_or_vol, backend='zvm1'):
        """The simulator's row of a volume's LUN (None if absent)."""
        from cinder_zvm import location
        loc = location.decode(getattr(loc_or_vol, 'provider_location',
                                      loc_or_vol))
        for row in self.pool(backend, loc.pool):
            if row['lun'] == loc.lun and row['wwpn'] == loc.wwpn:
                return row
        return None

    def assert_pools_consistent(self, backend='zvm1'):
        """The invariants every fault test ends with.

        - a LUN reserved for ``volume-<id>`` belongs to a live cinder volume,
          and no volume owns two LUNs;
        - no LUN is reserved without an owner unless a live volume points
          at it (nova detached it);
        - every live volume with a LUN finds it owned by itself (reserved or
          attached); none points at a free LUN unless it is being deleted.
        """
        live = {v.id: v for v in self.live_volumes()}
        owners = {}
        hv, pools = BACKENDS[backend]
        pointed = {}
        for vol in live.values():
            if vol.provider_location:
                pointed[vol.provider_location.split(':', 2)[2]] = vol.id
        for pool in pools:
            for row in self.sim.admin.pool(hv, pool):
                key = '%s:%s' % (row['wwpn'], row['lun'])
                where = '%s/%s %s %s' % (hv, pool, key, row)
                if row['status'] == 'reserved' and row['owner'].startswith(
                        'volume-'):
                    vid = row['owner'][len('volume-'):]
                    self.assertIn(vid, live, 'LUN reserved for a volume '
                                  'cinder does not have: ' + where)
                    self.assertNotIn(vid, owners,
                                     'volume owns two LUNs: ' + where)
                    owners[vid] = key
                elif row['status'] == 'reserved' and not row['owner']:
                    self.assertIn('%s:%s' % (pool, key), pointed,
                                  'LUN reserved without owner: ' + where)
                vid = pointed.get('%s:%s' % (pool, key))
                if vid and live[vid].status not in DELETING:
                    # A delete whose answer was lost may free the LUN after
                    # cinder gave up: the volume is then error_deleting and
                    # a repeated delete finds the LUN free (success).
                    self.assertNotEqual('free', row['status'],
                                        'volume %s points at a free LUN: %s'
                                        % (vid, where))
        for vid, vol in live.items():
            if vol.status == 'available':
                self.assertIn(vid, owners, 'available volume %s owns no LUN'
                              % vid)

    def assert_status(self, vol, status):
        row = self.db_volume(vol.id)
        self.assertEqual(status, row.status, 'volume %s' % vol.id)
        return row


DETACHED = fields.VolumeAttachStatus.DETACHED
DELETING = ('deleting', 'error_deleting')
