"""The project's xCAT client (zvm_xcat.client, zvm_xcat.zfcp) against the simulator.

Over HTTPS: the parsers accept the simulator's shapes and the pool state reads back.
"""

from zvm_xcat import client as xclient
from zvm_xcat import exception as exc
from zvm_xcat import parsers
from zvm_xcat import zfcp

from tests.common.functional import simbase


class TestClientAgainstSimulator(simbase.SimTestCase):

    tls = True

    def setUp(self):
        super().setUp()
        self.client = xclient.XCATClient(self.sim.url, self.sim.username, self.sim.password,
                                         ca_file=self.sim.ca_file, retries=0)
        self.addCleanup(self.client.close)

    def test_version_and_power(self):
        self.assertEqual((2, 8, 3, 16), tuple(parsers.parse_version(self.client.version())))
        self.assertEqual('on', self.client.power_state('vm1'))
        self.assertTrue(self.client.is_reachable('vm1'))
        self.assertFalse(self.client.is_reachable('vm3'))

    def test_fcp_devices_and_pool_listing(self):
        devices = zfcp.list_fcp_devices(self.client, 'zvm1', 'free')
        self.assertEqual(7, len(devices))
        self.assertEqual(('1f00', 'c05076ffe5005612', '27'),
                         (devices[0].devno, devices[0].wwpn, devices[0].chpid))
        self.assertEqual(['gold', 'silver'], zfcp.list_pool_names(self.client, 'zvm1'))
        entries = zfcp.list_pool(self.client, 'zvm1', 'gold')
        self.assertEqual(6, len(entries))
        self.assertEqual(10 * 1024 ** 3, entries[0].size_bytes)

    def test_reserve_best_fit_and_release(self):
        got = zfcp.reserve(self.client, 'zvm1', 'gold', 'reserved', 'volume-1', 'auto',
                           size='3G')
        self.assertEqual('4001400700000000', got.lun)
        self.assertEqual(('500507680b21bac6', '500507680b22bac6'), tuple(got.wwpns))
        self.assertEqual('volume-1', self.row('gold', '4001400700000000')['owner'])
        zfcp.release(self.client, 'zvm1', 'gold', got.wwpns, got.lun)
        self.assertEqual('free', self.row('gold', '4001400700000000')['status'])

    def test_command_error_raises(self):
        self.assertRaises(exc.XCATCommandError, zfcp.reserve, self.client, 'zvm1', 'gold',
                          'reserved', 'volume-1', 'auto', size='100G')
        self.assertFalse(any(r['owner'] for r in self.rows('gold')))

    def test_unknown_node_and_bad_password(self):
        self.assertRaises(exc.XCATNodeNotFound, self.client.power_state, 'nosuch')
        bad = xclient.XCATClient(self.sim.url, self.sim.username, 'wrong',
                                 ca_file=self.sim.ca_file, retries=0)
        self.addCleanup(bad.close)
        self.assertRaises(exc.XCATAuthError, bad.version)
