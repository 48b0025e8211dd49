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
"""tempest.conf of tools/fullstack.sh --tempest, the topology of its
simulator, and the reading of tempest's totals (tools/fullstack/tempest_conf.py)."""

import configparser
import os

import fixtures
import testtools

from tools.fullstack import render
from tools.fullstack import tempest_conf
from zvm_sim.core import topology as sim_topology

TOPOLOGY = os.path.join(os.path.dirname(render.__file__), 'tempest-topology.yaml')
PARAMS = {'auth_url': 'http://127.0.0.1:5000/v3', 'password': 'secret-admin',
          'workdir': '/w', 'image': 'img-1', 'flavor': 'flv-1',
          'volume_type': 'zvm1', 'backend': 'zvm1'}
# Groups whose "false" switches a service or a test group off.
SWITCH_GROUPS = ('service_available', 'volume-feature-enabled',
                 'compute-feature-enabled', 'identity-feature-enabled',
                 'validation', 'auth')

# The closing block of `tempest run` (stestr's summary).
TEMPEST_OUTPUT = """\
{0} tempest.api.volume.test_volumes_get.VolumesGetTest.test_x [1.0s] ... ok

======
Totals
======
Ran: 254 tests in 1500.0000 sec.
 - Passed: 180
 - Skipped: 70
 - Expected Fail: 0
 - Unexpected Success: 0
 - Failed: 4
Sum of execute time for each test: 2000.0 sec.
"""


class TestTempestConf(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.text = tempest_conf.render(PARAMS)
        self.conf = configparser.RawConfigParser()
        self.conf.read_string(self.text)

    def test_every_switch_turned_off_says_why(self):
        lines = self.text.splitlines()
        section, off = None, []
        for i, line in enumerate(lines):
            if line.startswith('['):
                section = line.strip('[]')
            elif ' = false' in line and section in SWITCH_GROUPS:
                off.append(line.split(' = ')[0])
                self.assertTrue(lines[i - 1].startswith('# '),
                                '[%s] %s is off without a reason' % (section, line))
        # what the stack does not run and the driver does not offer
        for name in ('swift', 'multi_backend', 'replication',
                     'consistency_group', 'volume_multiattach', 'manage_snapshot'):
            self.assertIn(name, off)

    def test_what_the_driver_offers_is_tested(self):
        feature = dict(self.conf.items('volume-feature-enabled'))
        for name in ('snapshot', 'clone', 'backup', 'extend_attached_volume',
                     'extend_volume_with_snapshot', 'volume_revert'):
            self.assertEqual('true', feature[name], name)
        # the neutron stub counts as neutron: else tempest skips every
        # class that attaches volumes to servers (create_default_network)
        self.assertEqual('true', self.conf.get('service_available', 'neutron'))
        self.assertEqual('false', self.conf.get('auth', 'create_isolated_networks'))

    def test_cloud_resources_and_credentials(self):
        self.assertEqual('img-1', self.conf.get('compute', 'image_ref'))
        self.assertEqual('flv-1', self.conf.get('compute', 'flavor_ref'))
        self.assertEqual('zvm1', self.conf.get('volume', 'volume_type'))
        self.assertEqual('volumev3', self.conf.get('volume', 'catalog_type'))
        self.assertEqual('secret-admin', self.conf.get('auth', 'admin_password'))
        self.assertEqual('true', self.conf.get('auth', 'use_dynamic_credentials'))
        self.assertEqual(str(tempest_conf.BUILD_TIMEOUT),
                         self.conf.get('volume', 'build_timeout'))


class TestTotals(testtools.TestCase):

    def test_counts_of_the_closing_block(self):
        self.assertEqual((180, 4, 70), tempest_conf.totals(TEMPEST_OUTPUT))

    def test_the_last_block_counts(self):
        earlier = TEMPEST_OUTPUT.replace('Passed: 180', 'Passed: 1')
        self.assertEqual((180, 4, 70), tempest_conf.totals(earlier + TEMPEST_OUTPUT))

    def test_no_totals_when_tempest_did_not_run(self):
        self.assertIsNone(tempest_conf.totals('No .stestr.conf file was found\n'))
        self.assertIsNone(tempest_conf.totals('Totals\n - Passed: 3\n'))

    def test_counts_file_and_exit_status(self):
        tmp = self.useFixture(fixtures.TempDir()).path
        out, counts = os.path.join(tmp, 'out'), os.path.join(tmp, 'counts')
        with open(out, 'w') as f:
            f.write(TEMPEST_OUTPUT)
        self.assertEqual(1, tempest_conf.main(['counts', out, counts]))
        with open(counts) as f:
            self.assertEqual('180 4 70\n', f.read())
        with open(out, 'w') as f:
            f.write(TEMPEST_OUTPUT.replace('Failed: 4', 'Failed: 0'))
        self.assertEqual(0, tempest_conf.main(['counts', out, counts]))
        with open(out, 'w') as f:
            f.write('Traceback: tempest crashed\n')
        self.assertEqual(1, tempest_conf.main(['counts', out, counts]))
        with open(counts) as f:
            self.assertEqual('0 1 0\n', f.read())


class TestTempestTopology(testtools.TestCase):

    def setUp(self):
        super().setUp()
        # as the simulator reads it (pools generated) and as render does
        self.system = sim_topology.load(TOPOLOGY)['systems'][0]
        self.topology = render.load_topology(TOPOLOGY)

    def test_one_backend_named_as_tempest_conf_says(self):
        self.assertEqual([PARAMS['backend']],
                         [name for name, _s in render.backends(self.topology)])

    def test_every_lun_holds_an_extended_tempest_volume(self):
        # volume_size 1 + volume_size_extend 1: the driver extends within
        # the LUN only, and copies whole LUNs (keep them small: disk).
        sizes = {row['size'] for rows in self.system['pools'].values() for row in rows}
        self.assertEqual({'2G'}, sizes)

    def test_room_for_bursts_and_two_workers(self):
        pools = self.system['pools']
        self.assertGreaterEqual(len(pools), 8)
        self.assertGreaterEqual(sum(len(rows) for rows in pools.values()), 40)
        luns = [(row['wwpn'], row['lun']) for rows in pools.values() for row in rows]
        self.assertEqual(len(luns), len(set(luns)))

    def test_nova_and_the_cinder_node_have_fcps_of_both_fabrics(self):
        system = self.topology['systems'][0]
        cinder, nova = render.split_fcps(system)
        self.assertEqual(['1f07', '2f07'], cinder)
        self.assertEqual(14, len(nova))
        self.assertEqual('cinder1', render.cinder_node(system))

    def test_cinder_conf_wipes_one_mib(self):
        params = {'workdir': '/w', 'driver': 'zvm', 'api_port': 1,
                  'transport_url': 'rabbit://', 'api_paste_config': '/p',
                  'db_url': 'sqlite://', 'sim_url': 'https://127.0.0.1:1',
                  'volume_clear_size': 1}
        conf = configparser.RawConfigParser()
        conf.read_string(render.cinder_conf(params, self.topology))
        self.assertEqual('1', conf.get('zvm1', 'volume_clear_size'))
        self.assertEqual(sorted(self.system['pools']),
                         sorted(conf.get('zvm1', 'zvm_scsi_pool').split(',')))
