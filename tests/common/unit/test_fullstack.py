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
"""The pure parts of tools/fullstack: the leak check's state comparison,
step bookkeeping and the rendered configuration."""

import argparse
import configparser
import os
import sqlite3
import stat
from unittest import mock

import fixtures
import testtools

from tools.fullstack import harness
from tools.fullstack import os_scenario
from tools.fullstack import os_volume_steps
from tools.fullstack import render
from tools.fullstack import simcheck
from tools.fullstack import waitfor


class TestConnectionInfo(testtools.TestCase):

    def test_split_as_nova_does(self):
        flat = {'driver_volume_type': 'fibre_channel', 'attachment_id': 'a1',
                'target_lun': 3, 'zvm_fcp_lun': '4001400600000000', 'access_mode': 'rw'}
        info = harness.nova_connection_info(flat, 'v1')
        self.assertEqual('fibre_channel', info['driver_volume_type'])
        self.assertEqual('v1', info['serial'])
        self.assertEqual({'target_lun': 3, 'zvm_fcp_lun': '4001400600000000',
                          'access_mode': 'rw'}, info['data'])
        self.assertEqual('a1', flat['attachment_id'], 'input left alone')


class TestStateDiff(testtools.TestCase):

    def state(self, status='free', owner='', calls=(), units=None):
        return {'pools': {'zvm1': {'gold': [{'status': status, 'owner': owner}]}},
                'calls': list(calls),
                'systems': [{'guests': [{'linux': {'kernel': {
                    'units': units or {}, 'next_host': 0}}}]}]}

    def test_equal_and_call_log_ignored(self):
        self.assertEqual([], harness.state_diff(self.state(), self.state(calls=[1, 2])))

    def test_pool_row_change_is_named(self):
        diff = harness.state_diff(self.state(), self.state('reserved', 'wipe-1'))
        self.assertEqual(['/pools/zvm1/gold[0]/owner: "" -> "wipe-1"',
                          '/pools/zvm1/gold[0]/status: "free" -> "reserved"'], diff)

    def test_hollow_additions_are_no_difference(self):
        after = self.state(units={'1f00': {'500507680b21bac6': []}})
        self.assertEqual([], harness.state_diff(self.state(), after))

    def test_a_configured_unit_is_a_difference(self):
        after = self.state(units={'1f00': {'500507680b21bac6': ['4001400600000000']}})
        diff = harness.state_diff(self.state(), after)
        self.assertEqual(1, len(diff))
        self.assertIn('/kernel/units/1f00: added', diff[0])

    def test_size_mib(self):
        self.assertEqual(512, harness.size_mib('512M'))
        self.assertEqual(2048, harness.size_mib('2G'))
        self.assertEqual(float('inf'), harness.size_mib(''))

    def test_list_length_change(self):
        diff = harness.state_diff({'a': [1]}, {'a': [1, 2]})
        self.assertEqual(['/a: [1] -> [1, 2]'], diff)

    def test_split_history(self):
        before = self.state()
        after = self.state('reserved', 'volume-1')
        after['systems'][0]['guests'][0]['linux']['kernel']['next_host'] = 2
        leaks, history = harness.split_history(harness.state_diff(before, after))
        self.assertEqual(2, len(leaks))
        self.assertEqual(1, len(history))
        self.assertIn('counter', history[0][1])

    def test_only_an_empty_zfcp_rules_file_is_history(self):
        path = '/g/files/files//etc/udev/rules.d/56-zfcp.rules'
        leaks, history = harness.split_history([path + ': added ""',
                                                path + ': added "KERNEL==..."'])
        self.assertEqual([path + ': added "KERNEL==..."'], leaks)
        self.assertEqual(1, len(history))


class TestSteps(testtools.TestCase):

    def test_pass_fail_blocked_and_skip(self):
        out = []
        steps = harness.Steps('fake', out=out.append)

        def boom():
            raise harness.StepFailed('no LUN')
        steps.add('a', lambda: 'fine')
        steps.add('b', boom)
        steps.add('c', lambda: None, needs=['b'])
        steps.add('d', lambda: None, needs=['a'], driver='zvm')
        steps.add('e', lambda: None, needs=['a'])
        self.assertEqual((2, 2, 1), steps.run())
        self.assertEqual({'a': 'pass', 'b': 'fail', 'c': 'fail', 'd': 'skip', 'e': 'pass'},
                         steps.results)
        text = '\n'.join(out)
        self.assertIn('FAIL b', text)
        self.assertIn('no LUN', text)
        self.assertIn('FAIL c (blocked: b did not pass)', text)
        self.assertIn('SKIP d (needs driver zvm)', text)

    def test_wait_until_stops_at_a_fatal_answer(self):
        calls = []

        def check():
            calls.append(1)
            raise harness.Fatal('volume went to error')
        self.assertRaises(harness.Fatal, harness.wait_until, check, 60, 'x', interval=0)
        self.assertEqual(1, len(calls))

    def test_wait_until_times_out_with_the_last_answer(self):
        e = self.assertRaises(harness.StepFailed, harness.wait_until,
                              lambda: [], 0, 'thing', interval=0)
        self.assertIn('thing: not reached', str(e))


class TestRender(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.topology = render.load_topology()
        self.work = self.useFixture(fixtures.TempDir()).path
        self.params = {
            'workdir': self.work, 'driver': 'zvm', 'api_port': 8776,
            'transport_url': 'rabbit://guest:guest@127.0.0.1:5672/',
            'api_paste_config': '/venv/etc/cinder/api-paste.ini',
            'db_url': 'mysql+pymysql://cinder:cinder@127.0.0.1:3306/cinder',
            'sim_url': 'https://127.0.0.1:4443', 'sim_ca_file': '/w/ca.pem',
            'guest_roots': {'cinder1': '/w/sim/guests/cinder1'}}

    def parse(self, text):
        cp = configparser.ConfigParser(interpolation=None)
        cp.read_string(text)
        return cp

    def test_fcps_split_between_cinder_node_and_nova(self):
        zvm1 = self.topology['systems'][0]
        cinder, nova = render.split_fcps(zvm1)
        self.assertEqual(['1f03', '2f02'], cinder)      # 2f03 is offline
        self.assertEqual(['1f00', '1f01', '1f02', '2f00', '2f01'], nova)

    def test_cinder_conf_one_backend_per_system(self):
        conf = self.parse(render.cinder_conf(self.params, self.topology))
        self.assertEqual('zvm1,zvm2', conf['DEFAULT']['enabled_backends'])
        self.assertEqual('noauth', conf['DEFAULT']['auth_strategy'])
        self.assertEqual('127.0.0.1', conf['DEFAULT']['osapi_volume_listen'])
        self.assertEqual(self.params['db_url'], conf['database']['connection'])
        # tempest's volume list by name needs cinder's list filters
        self.assertEqual('/venv/etc/cinder/resource_filters.json',
                         conf['DEFAULT']['resource_query_filters_file'])
        self.assertIn('DriverFilter', conf['DEFAULT']['scheduler_default_filters'])
        zvm2 = conf['zvm2']
        self.assertEqual('cinder_zvm.driver.ZVMFCPDriver', zvm2['volume_driver'])
        self.assertEqual('zvm2', zvm2['volume_backend_name'])
        self.assertEqual('fast,slow', zvm2['zvm_scsi_pool'])
        self.assertEqual('cinder2', zvm2['zvm_cinder_node'])
        self.assertEqual('/w/sim/guests/cinder1/sys', conf['zvm1']['zvm_cinder_node_sysfs_root'])
        self.assertEqual('/w/ca.pem', zvm2['zvm_xcat_ca_file'])
        user, password = next(iter(self.topology['users'].items()))
        self.assertEqual(user, zvm2['zvm_xcat_username'])
        self.assertEqual(password, zvm2['zvm_xcat_password'])

    def test_fake_driver_is_the_only_difference_needed(self):
        conf = self.parse(render.cinder_conf(dict(self.params, driver='fake'), self.topology))
        self.assertEqual(render.DRIVERS['fake'], conf['zvm1']['volume_driver'])
        self.assertEqual('zvm1', conf['zvm1']['volume_backend_name'])
        self.assertNotIn('zvm_xcat_password', conf['zvm1'])

    def test_nova_conf_never_uses_the_cinder_node_fcps(self):
        conf = self.parse(render.nova_conf(self.params, self.topology))
        group = conf['zvm_volumeops']
        self.assertEqual('zvm1', group['zvm_hypervisor'])
        nova = set(group['fcp_list'].split(';'))
        cinder = set(self.parse(render.cinder_conf(self.params, self.topology))
                     ['zvm1']['zvm_cinder_node_fcp'].split(','))
        self.assertEqual(set(), nova & cinder)

    def test_nova_and_cinder_lock_pools_on_one_backend(self):
        nova = self.parse(render.nova_conf(self.params, self.topology))
        cinder = self.parse(render.cinder_conf(self.params, self.topology))
        self.assertEqual(cinder['coordination']['backend_url'],
                         nova['coordination']['backend_url'])
        self.assertTrue(nova['coordination']['backend_url'])

    def test_main_writes_files_for_the_owner_only(self):
        out = os.path.join(self.work, 'etc')
        self.assertEqual(0, render.main([
            '--driver', 'fake', '--workdir', self.work, '--api-port', '8776',
            '--transport-url', 'rabbit://guest:guest@127.0.0.1:5672/',
            '--api-paste-config', '/p.ini', '--db-url', 'sqlite://',
            '--sim-url', 'https://127.0.0.1:1', out]))
        for name in ('cinder.conf', 'nova.conf'):
            mode = stat.S_IMODE(os.stat(os.path.join(out, name)).st_mode)
            self.assertEqual(0o600, mode, name)


class TestWaitForServices(testtools.TestCase):
    """The bring-up waits on rows in cinder's services table (any SQL DB)."""

    def setUp(self):
        super().setUp()
        path = os.path.join(self.useFixture(fixtures.TempDir()).path, 'c.db')
        con = sqlite3.connect(path)
        con.execute('CREATE TABLE services ("binary" TEXT, deleted INTEGER)')
        con.executemany('INSERT INTO services VALUES (?, ?)', [
            ('cinder-volume', 0), ('cinder-volume', 1), ('cinder-scheduler', 0)])
        con.commit()
        con.close()
        self.url = 'sqlite:///' + path

    def test_counts_only_live_rows_of_the_binary(self):
        self.assertTrue(waitfor.check_services(self.url, 'cinder-volume', 1))
        self.assertIsNone(waitfor.check_services(self.url, 'cinder-volume', 2))
        self.assertIsNone(waitfor.check_services(self.url, 'cinder-api', 1))

    def test_db_answers(self):
        self.assertTrue(waitfor.check_db(self.url))


class TestDataMarkers(testtools.TestCase):
    """data-wiped and migrate read the LUNs' bytes: the marker check itself."""

    def setUp(self):
        super().setUp()
        self.lun = os.path.join(self.useFixture(fixtures.TempDir()).path, 'lun')
        with open(self.lun, 'wb') as f:
            f.truncate(3 * 1024 * 1024)
        args = argparse.Namespace(workdir='/nonexistent', sim_url='https://127.0.0.1:9',
                                  sim_ca='', leak_wait=0)
        self.checks = simcheck.SimChecks(args)
        self.checks.admin = mock.Mock(**{'lun_path.return_value': self.lun})

    def test_marker_at_the_volume_and_lun_ends(self):
        self.checks.write_marker('v', 'w', 'l', 1024 * 1024)
        ends = [0, 1024 * 1024 - len(simcheck.MARKER), 3 * 1024 * 1024 - len(simcheck.MARKER)]
        self.assertEqual((self.lun, ends), self.checks.markers['v'])
        self.assertEqual(ends, simcheck.SimChecks.marker_offsets(self.lun, ends))

    def test_data_wiped_fails_while_one_end_keeps_the_data(self):
        self.checks.write_marker('v', 'w', 'l', 1024 * 1024)
        with open(self.lun, 'r+b') as f:
            f.write(b'\0' * len(simcheck.MARKER))      # the start wiped, the ends not
        self.assertRaisesRegex(harness.StepFailed, 'still on the LUN',
                               self.checks.data_wiped)
        with open(self.lun, 'wb') as f:
            f.truncate(3 * 1024 * 1024)
        self.assertIn('1 LUN(s)', self.checks.data_wiped())

    def test_no_data_written_is_a_failure(self):
        self.assertRaises(harness.StepFailed, self.checks.data_wiped)


class TestScenarioPlan(testtools.TestCase):
    """The openstack scenario keeps every check the noauth scenario had."""

    def test_steps(self):
        steps = os_scenario.planned_steps()
        for name in ('volume-create-zvm1', 'volume-create-zvm2', 'volume-list-show',
                     'second-reuses-fcps', 'exhaustion-error-message', 'manage',
                     'volume-migrate', 'extend-attached', 'extend-beyond-lun',
                     'quarantine-clean', 'data-wiped', 'no-leaks', 'no-password-in-logs'):
            self.assertIn(name, steps)
        self.assertEqual(len(steps), len(set(steps)))

    def test_lun_bytes(self):
        self.assertEqual(5 * 1024 ** 3, os_volume_steps.lun_bytes({'size': '5G'}))
        self.assertEqual(512 * 1024 ** 2, os_volume_steps.lun_bytes({'size': '512M'}))
