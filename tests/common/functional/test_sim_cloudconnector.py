"""The z/VM Cloud Connector front, through feilong's own client (zvmconnector).

One z/VM, two management APIs: what the Cloud Connector creates, xCAT sees
(lsvm, rpower, xdsh); what it deletes is gone from both, with its
directory and its dedicated FCP devices; the zHCP pool files stay as they
were (the Cloud Connector does not edit them, feilong
zvmsdk/smtclient.py delete_vm). Reply shapes and token auth are feilong's
zvmsdk/sdkwsgi (util.py get_http_code_from_sdk_return, deploy.py Fault,
handlers/tokens.py).
"""

import os
from urllib.parse import urlsplit

import fixtures
import requests
import testtools
from zvmconnector import connector
from zvmconnector import restclient

from zvm_sim.core import model
from zvm_sim.fixture import SimulatorFixture
from zvm_xcat import client as xclient
from zvm_xcat import exception as xexc
from zvm_xcat import zfcp

ROOT_DISK = [{'size': '10g', 'is_boot_disk': True}]


class CloudConnectorTestCase(testtools.TestCase):

    token = None

    def setUp(self):
        super().setUp()
        self.sim = self.useFixture(SimulatorFixture(
            cloud_connector='zvm1', cloud_connector_token=self.token))
        url = urlsplit(self.sim.cloud_connector_url)
        self.cc = connector.ZVMConnector(url.hostname, url.port)
        self.xcat = xclient.XCATClient(self.sim.url, self.sim.username,
                                       self.sim.password)
        self.addCleanup(self.xcat.close)
        self.tmp = self.useFixture(fixtures.TempDir()).path

    def call(self, api, *args, **kwargs):
        results = self.cc.send_request(api, *args, **kwargs)
        self.assertEqual(0, results['overallRC'], results)
        return results['output']

    def image(self, name='img1', os_version='rhel9.2'):
        path = os.path.join(self.tmp, name)
        with open(path, 'wb') as f:
            f.write(b'\0' * 4096)
        self.call('image_import', name, 'file://' + path,
                  {'os_version': os_version}, remote_host='nova@127.0.0.1')
        return name

    def server(self, userid='OSP00001', os_version='rhel9.2'):
        image = self.image(os_version=os_version)
        self.call('guest_create', userid, 1, 1024, disk_list=ROOT_DISK)
        self.call('guest_deploy', userid, image, transportfiles=None,
                  remotehost='nova@127.0.0.1')
        self.call('guest_start', userid)
        return userid.lower()


class TestOneZvmTwoApis(CloudConnectorTestCase):

    def test_created_guest_is_an_xcat_node_with_linux(self):
        node = self.server()
        self.assertIn('OSP00001', self.call('guest_list'))
        self.assertEqual('on', self.call('guest_get_power_state', 'OSP00001'))
        self.assertEqual('on', self.xcat.power_state(node))
        lines = self.xcat.lsvm(node).node_lines(node)
        self.assertEqual('USER OSP00001 NOLOG 2G 4G G', lines[0])
        out = self.xcat.xdsh(node, 'cat /etc/redhat-release').node_lines(node)
        self.assertEqual(['Red Hat Enterprise Linux release 9.2'], out)
        self.assertEqual({'nodetype': 'vm'},
                         self.xcat.gettab('zvm', 'node', node, 'nodetype'))

    def test_delete_leaves_nothing_in_zvm_and_pool_rows_alone(self):
        node = self.server()
        self.xcat.chvm(node, '--dedicatedevice', '1f00', '1f00', '0')
        zfcp.reserve(self.xcat, 'zvm1', 'gold', 'used', node, '1f00',
                     wwpns=['500507680b21bac6'], lun='4001400500000000')
        pool = self.sim.admin.pool('zvm1', 'gold')
        self.assertEqual(['used'], [r['status'] for r in pool
                                    if r['owner'] == node])
        self.assertEqual('Active', dict(self.sim.simulator.systems['zvm1']
                                        .fcp_query())['1F00'])

        self.call('guest_delete', 'OSP00001')
        self.assertNotIn('OSP00001', self.call('guest_list'))
        self.assertRaises(xexc.XCATNodeNotFound, self.xcat.lsvm, node)
        self.assertIsNone(self.sim.simulator.guest(node))
        self.assertEqual({}, self.sim.simulator.tables and {
            r['node']: r for t in ('zvm', 'nodetype', 'hosts')
            for r in self.sim.simulator.tables[t] if r['node'] == node})
        free = [d.devno for d in zfcp.list_fcp_devices(self.xcat, 'zvm1', 'free')]
        self.assertIn('1f00', free)
        # Rows untouched: the Cloud Connector never edits xCAT pool files.
        self.assertEqual(pool, self.sim.admin.pool('zvm1', 'gold'))
        # Deleting again is no error (smtclient.delete_userid).
        self.call('guest_delete', 'OSP00001')

    def test_created_and_deleted_guests_survive_a_restart(self):
        self.server('OSP00001')
        self.call('guest_create', 'OSP00002', 1, 1024, disk_list=ROOT_DISK)
        self.call('guest_delete', 'OSP00002')
        self.call('guest_delete', 'VM4')
        again = model.Simulator(self.sim.state_dir)
        guests = again.systems['zvm1'].guests
        self.assertEqual('on', guests['osp00001'].power)
        self.assertEqual('rhel', guests['osp00001'].distro)
        self.assertNotIn('osp00002', guests)
        self.assertNotIn('vm4', guests)

    def test_refused_create_names_the_reason(self):
        results = self.cc.send_request(
            'guest_create', 'OSP00009', 1, 1024,
            disk_list=[{'size': '999g', 'is_boot_disk': True}])
        self.assertEqual((8, 596, 3609), (results['overallRC'], results['rc'],
                                          results['rs']))
        self.assertIn('not enough free space in disk pool', results['errmsg'])
        # As DirMaint: the user exists without its disk; nova deletes it.
        self.assertIn('OSP00009', self.call('guest_list'))
        self.call('guest_delete', 'OSP00009')
        self.assertNotIn('OSP00009', self.call('guest_list'))

    def test_power_actions(self):
        node = self.server()
        self.call('guest_softstop', 'OSP00001', timeout=0, poll_interval=0)
        self.assertEqual('off', self.xcat.power_state(node))
        self.call('guest_start', 'OSP00001')
        marker = 'test -e /run/marker && echo kept || echo gone'
        for action in ('guest_reboot', 'guest_reset'):
            self.xcat.xdsh(node, 'touch /run/marker')
            self.assertEqual(['kept'], self.xcat.xdsh(node, marker).node_lines(node))
            self.call(action, 'OSP00001')
            # Linux booted again: its volatile state is gone.
            self.assertEqual(['gone'], self.xcat.xdsh(node, marker).node_lines(node))
        self.assertEqual('on', self.xcat.power_state(node))
        self.call('guest_pause', 'OSP00001')
        self.assertFalse(self.xcat.is_reachable(node))
        self.call('guest_unpause', 'OSP00001')
        self.assertTrue(self.xcat.is_reachable(node))
        self.assertIn('OSP00001 LOGON', self.call('guest_get_console_output',
                                                  'OSP00001'))

    def test_images(self):
        self.assertEqual((404, 40), tuple(
            self.cc.send_request('image_query', imagename='nope')[k]
            for k in ('overallRC', 'modID')))
        self.image('img1', 'sles15.4')
        self.assertEqual('sles15.4',
                         self.call('image_query', imagename='img1')[0]['imageosdistro'])
        self.assertEqual('1', self.call('image_get_root_disk_size', 'img1'))
        dest = os.path.join(self.tmp, 'out')
        info = self.call('image_export', 'img1', 'file://' + dest,
                         remote_host='nova@127.0.0.1')
        self.assertEqual(('sles15.4', 4096), (info['os_version'],
                                              os.path.getsize(dest)))
        self.call('image_delete', 'img1')
        self.assertEqual(404, self.cc.send_request(
            'image_get_root_disk_size', 'img1')['overallRC'])

    def test_capture(self):
        self.server()
        self.call('guest_capture', 'OSP00001', 'snap1')
        self.assertEqual('rhel9.2', self.call('image_query',
                                              imagename='snap1')[0]['imageosdistro'])

    def test_reply_shapes_and_statuses(self):
        base = self.sim.cloud_connector_url
        resp = requests.get(base + '/guests/NOBODY/power_state', timeout=10)
        self.assertEqual(404, resp.status_code)
        self.assertEqual({'overallRC': 404, 'modID': 10, 'rc': 404, 'rs': 1,
                          'errmsg': "Guest 'NOBODY' does not exist.",
                          'output': ''}, resp.json())
        resp = requests.get(base + '/nowhere', timeout=10)
        self.assertEqual((404, 120, 404), (resp.status_code, resp.json()['modID'],
                                           resp.json()['rs']))
        resp = requests.put(base + '/guests', timeout=10)
        self.assertEqual(405, resp.status_code)
        resp = requests.post(base + '/guests', data='{"guest": {}}', timeout=10,
                             headers={'Content-Type': 'application/json'})
        self.assertEqual(400, resp.status_code)
        self.assertIn("'userid' is a required property", resp.json()['errmsg'])
        resp = requests.post(base + '/token', timeout=10)
        self.assertEqual('server-auth-closed', resp.headers['X-Auth-Token'])


class TestTokenAuth(CloudConnectorTestCase):

    token = 'admin-secret-token'

    def test_token_exchange_and_check(self):
        base = self.sim.cloud_connector_url
        resp = requests.get(base + '/guests', timeout=10)
        self.assertEqual((401, 401), (resp.status_code, resp.json()['rs']))
        resp = requests.post(base + '/token', timeout=10,
                             headers={'X-Admin-Token': 'wrong'})
        self.assertEqual(401, resp.status_code)
        self.assertNotIn('X-Auth-Token', resp.headers)

        # feilong's own client, in token mode (restclient.RESTClient).
        token_file = os.path.join(self.tmp, 'token.dat')
        with open(token_file, 'w') as f:
            f.write(self.token)
        url = urlsplit(base)
        client = restclient.RESTClient(url.hostname, url.port,
                                       token_path=token_file, auth='token')
        results = client.call('guest_list')
        self.assertEqual(0, results['overallRC'], results)
        self.assertIn('VM1', results['output'])
        # The client without a token (as nova's ZVMConnector) is refused.
        self.assertEqual(400, self.cc.send_request('guest_list')['overallRC'])
