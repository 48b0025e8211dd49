"""Issue 12 items 3, 4, 7 and 11, cinder side: real VolumeManagers, the simulator.

- item 3: a volume id that is not a UUID never becomes an owner: xCAT
  pastes owners into an ssh command line on its management node
  (xcat-core perl-xCAT/xCAT/zvmUtils.pm findAndUpdatezFcpPool, lines
  3953-3958) and into the CSV pool file;
- item 4: passwords that occur inside LUNs and owners do not change what
  the driver reads;
- item 7: os-initialize_connection's connector is checked (type, length,
  duplicates): cinder's VolumeManager.initialize_connection turns the
  driver's InvalidConnectorException into InvalidInput (HTTP 400), any
  other exception into VolumeBackendAPIException (HTTP 500);
- item 11: provider_location read with fullmatch; xCAT's raw text stays in
  the log; a snapshot's LUN is never freed by a volume delete.
"""

import copy
import logging
import warnings

from cinder import exception
from cinder.tests.unit import fake_volume
import fixtures

from cinder_zvm import location
from tests.cinder.functional import base
from tests.common.functional.test_client_hostile_input import ForgetPasswords
from tests.common.functional.test_client_hostile_input import topology_with
from zvm_xcat import client as xclient
from zvm_xcat import zfcp

CONNECTOR = {'platform': 's390x', 'os_type': 'linux2', 'multipath': True,
             'host': 'compute1', 'zvm_fcp': ['1f00', '2f00'],
             'wwpns': ['c05076ffe5005612', 'c05076ffe5007712'],
             'zvm_hypervisor': 'zvm1', 'zvm_userid': 'VM1', 'zvm_node': 'vm1'}
INTERNAL = 'zhcp1.mgmt.internal.example'
SNAPSHOT_ID = '5a0b0c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d'


class HostileInputTest(base.SimulatorTestCase):

    def setUp(self):
        super().setUp()
        self.logs = self.useFixture(fixtures.FakeLogger(
            name='cinder_zvm', level=logging.ERROR))
        self.mgr = self.start_backend('zvm1')
        self.drv = self.mgr.driver

    def fake_volume(self, **kw):
        values = {'size': 1, 'host': '%s@zvm1#gold' % base.HOST}
        values.update(kw)
        # oslo.versionedobjects only warns (FutureWarning) about an id that
        # is not a UUID; cinder's test fixture makes that an error.
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', FutureWarning)
            return fake_volume.fake_volume_obj(self.ctxt, **values)

    def writes(self):
        return [c['option'] for c in self.sim.admin.calls()
                if c['method'] != 'GET']

    # -- item 3 -----------------------------------------------------------

    def test_non_uuid_volume_ids_never_reach_xcat(self):
        before = self.pool()
        self.sim.admin.clear_calls()
        for bad in ('0e1a-$(touch${IFS}pwn)', '0e1a-1,evil', 'a' * 36):
            vol = self.fake_volume(id=bad)
            self.assertRaises(exception.InvalidInput, self.drv.create_volume,
                              vol)
            self.assertRaises(exception.InvalidInput, self.drv.delete_volume,
                              vol)
        self.assertEqual([], self.sim.admin.calls())
        self.assertEqual(before, self.pool())

    # -- item 7 -----------------------------------------------------------

    def test_connector_checked_before_use(self):
        vol = self.create(size=1)
        bad = []
        for key, value in (('zvm_hypervisor', 5),
                           ('zvm_hypervisor', ['zvm1']),
                           ('zvm_hypervisor', 'z' * 10000),
                           ('zvm_hypervisor', 'zvm1;rm'),
                           ('zvm_fcp', ['1f00', '1f00']),
                           ('zvm_fcp', ['1f00', '0.0.1F00']),
                           ('wwpns', ['c05076ffe5005612'] * 2),
                           ('wwpns', [5, 6]),
                           ('zvm_fcp', ['1f%02x' % i for i in range(9)])):
            connector = copy.deepcopy(CONNECTOR)
            connector[key] = value
            bad.append(connector)
        many = copy.deepcopy(CONNECTOR)
        many['zvm_fcp'] = ['1f%02x' % i for i in range(9)]
        many['wwpns'] = ['c05076ffe50056%02x' % i for i in range(9)]
        bad.append(many)
        for connector in bad:
            error = self.assertRaises(exception.InvalidInput,
                                      self.mgr.initialize_connection,
                                      self.ctxt, vol, connector)
            self.assertLess(len(str(error)), 600)
        # The good one still works.
        info = self.mgr.initialize_connection(self.ctxt, vol, CONNECTOR)
        self.assertEqual(['1f00', '2f00'], info['data']['zvm_fcp'])

    # -- item 11 ----------------------------------------------------------

    def test_provider_location_with_trailing_newline_refused(self):
        vol = self.create(size=1)
        for tail in ('\n', ' ', '\r\n'):
            bent = self.fake_volume(id=vol.id, provider_location=(
                vol.provider_location + tail))
            self.assertRaises(exception.VolumeBackendAPIException,
                              self.drv.initialize_connection, bent, CONNECTOR)
        self.assertRaises(location.InvalidLocation, location.decode,
                          'zvmfcp1:zvm1:gold\n:500507680b21bac6:'
                          '4001400500000000')

    def test_raw_xcat_text_only_in_the_log(self):
        self.sim.admin.add_fault(option='--reservezfcp', text=(
            '(Error) ssh root@%s "sudo sed --in-place -e s#x#y#i '
            '/var/opt/zhcp/zfcp/gold.conf" failed' % INTERNAL))
        vol = self.new_volume(size=1)
        error = self.assertRaises(exception.VolumeBackendAPIException,
                                  self.mgr.create_volume, self.ctxt, vol,
                                  allow_reschedule=False)
        self.assertNotIn(INTERNAL, str(error))
        self.assertNotIn('sed --in-place', str(error))
        self.assertIn('xCAT command failed', str(error))
        self.assertIn('cinder-volume log', str(error))
        self.assert_status(vol, 'error')
        self.assertIn(INTERNAL, self.logs.output)

    def test_delete_leaves_a_snapshot_lun_alone(self):
        client = xclient.XCATClient(self.sim.url, self.sim.username,
                                    self.sim.password, retries=0)
        self.addCleanup(client.close)
        snap = zfcp.reserve(client, 'zvm1', 'gold', 'reserved',
                            'snapshot-' + SNAPSHOT_ID, 'auto', size='1G')
        loc = location.LunLocation('zvm1', 'gold', snap.wwpns, snap.lun)
        # A volume row that points at the snapshot's LUN (a botched
        # manage, a restored database): deleting it must not free or
        # quarantine the snapshot's data.
        vol = self.new_volume(size=1, status='available',
                              provider_location=loc.encode())
        self.delete(vol)
        self.assert_status(vol, 'deleted')
        row = self.entry(loc.encode())
        self.assertEqual(('reserved', 'snapshot-' + SNAPSHOT_ID),
                         (row['status'], row['owner']))


class PasswordInsideLunsTest(base.SimulatorTestCase):
    """Item 4: ``4001`` starts every gold LUN of the default topology."""

    SIM_TOPOLOGY = topology_with(password='4001')

    def setUp(self):
        self.useFixture(ForgetPasswords())
        super().setUp()

    def test_create_and_delete(self):
        self.start_backend('zvm1')
        vol = self.create(size=3)
        self.assertEqual('available', vol.status)
        self.assertEqual('4001400700000000',
                         location.decode(vol.provider_location).lun)
        self.delete(vol)
        row = self.entry(vol)
        self.assertEqual(('reserved', 'wipe-' + vol.id),
                         (row['status'], row['owner']))


class PasswordInsideOwnersTest(base.SimulatorTestCase):
    """Item 4: ``volume`` is in every owner the driver writes."""

    SIM_TOPOLOGY = topology_with(password='volume')

    def setUp(self):
        self.useFixture(ForgetPasswords())
        super().setUp()

    def test_delete_takes_its_own_lun(self):
        self.start_backend('zvm1')
        vol = self.create(size=1)
        self.assertEqual(('reserved', 'volume-' + vol.id),
                         (self.entry(vol)['status'], self.entry(vol)['owner']))
        self.delete(vol)
        row = self.entry(vol)
        self.assertEqual(('reserved', 'wipe-' + vol.id),
                         (row['status'], row['owner']))
        self.assert_pools_consistent()
