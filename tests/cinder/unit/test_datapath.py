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
"""ZVMDataPath over the fake Cinder node: real dd on small backing files."""

import os
from unittest import mock

import fixtures

from cinder import context
from cinder import exception
from cinder.image import image_utils
from cinder.tests.unit import fake_volume
from cinder.volume import configuration
from cinder.volume import driver
from cinder.volume import volume_utils

from cinder_zvm import datapath
from cinder_zvm.hostattach import connector as connector_mod
from cinder_zvm.hostattach import waiting
from cinder_zvm import location
from tests.cinder import cinder_test
from tests.cinder.unit import fake_cinder_node
from tests.cinder.unit import fake_zvm_backend

MiB = 1 << 20
W = '500507680b21bac6'
LUN = '4001400500000000'
LUN2 = '4001400600000000'
GROUP = 'zvm_datapath_test'


class DataPathTestCase(cinder_test.TestCase):

    def setUp(self):
        super().setUp()
        tmp = self.useFixture(fixtures.TempDir()).path
        os.makedirs(os.path.join(tmp, 'storage'))
        self.node = fake_cinder_node.FakeCinderNode(
            os.path.join(tmp, 'root'), os.path.join(tmp, 'storage'),
            ports={'1f00': [W], '2f00': [W]})
        self.node.cio_ignore_installed = True
        self.paths = {lun: self.node.add_lun(W, lun, 4 * MiB)
                      for lun in (LUN, LUN2)}
        conf = configuration.Configuration(driver.volume_opts,
                                           config_group=GROUP)
        self.backend = fake_zvm_backend.FakeBackend(conf, {'gold': [
            ['reserved', W, LUN, 4 * MiB, 'volume-x'],
            ['reserved', W, LUN2, 4 * MiB, 'volume-y']]})
        self.xcat = fake_cinder_node.FakeXCAT(self.node)
        self.mock_object(connector_mod.ZVMHostConnector, '_attached', {})
        connector = connector_mod.ZVMHostConnector(
            self.xcat, 'cinder1', ['1f00'], sysfs_root=self.node.sys,
            dev_root=self.node.dev, execute=self.node.execute,
            waiter=waiting.Waiter(2, interval=0.01))
        # cinder's dd helpers run through cinder.utils.execute as root;
        # 'env' as root helper runs them as whoever runs the tests.
        self.mock_object(datapath.cinder_utils, 'get_root_helper',
                         return_value='env')
        self.data = datapath.ZVMDataPath(self.backend, connector=connector)
        self.loc = location.LunLocation('zvm1', 'gold', (W,), LUN)
        self.loc2 = location.LunLocation('zvm1', 'gold', (W,), LUN2)
        self.ctxt = context.get_admin_context()

    def fill(self, lun, data):
        with open(self.paths[lun], 'r+b') as f:
            f.write(data)

    def content(self, lun):
        with open(self.paths[lun], 'rb') as f:
            return f.read()

    def assertClean(self):
        self.assertEqual([], self.node.units())
        self.assertEqual([], self.node.disks())

    def test_wipe_zeroes_the_whole_lun(self):
        self.fill(LUN, os.urandom(4 * MiB))
        self.data.wipe(self.loc, 4 * MiB)
        self.assertEqual(b'\0' * 4 * MiB, self.content(LUN))
        self.assertClean()

    def test_wipe_size_from_sysfs_without_pool_size(self):
        self.fill(LUN, os.urandom(4 * MiB))
        self.data.wipe(self.loc)
        self.assertEqual(b'\0' * 4 * MiB, self.content(LUN))

    def test_wipe_refuses_a_pool_size_that_is_not_the_device(self):
        data = os.urandom(4 * MiB)
        self.fill(LUN, data)
        with mock.patch.object(datapath.LOG, 'error') as error:
            self.assertRaises(exception.VolumeDriverException,
                              self.data.wipe, self.loc, 2 * MiB)
        self.assertIn('stays QUARANTINED', error.call_args[0][0])
        self.assertEqual(data, self.content(LUN))
        self.assertClean()

    def test_wipe_honours_volume_clear_size(self):
        self.override_config('volume_clear_size', 1, group=GROUP)
        with mock.patch.object(volume_utils, 'clear_volume') as clear:
            self.data.wipe(self.loc, 4 * MiB)
        clear.assert_called_once_with(
            4, self.node.link('1f00', W, LUN), volume_clear='zero',
            volume_clear_size=1, volume_clear_ionice=None)

    def test_copy(self):
        data = os.urandom(3 * MiB)
        self.fill(LUN, data)
        self.data.copy(self.loc, self.loc2, 3 * MiB)
        self.assertEqual(data, self.content(LUN2)[:3 * MiB])
        self.assertClean()

    def test_failed_copy_detaches_both(self):
        with mock.patch.object(volume_utils, 'copy_volume',
                               side_effect=RuntimeError('dd died')):
            self.assertRaises(RuntimeError, self.data.copy, self.loc,
                              self.loc2, MiB)
        self.assertClean()

    def test_image_to_volume_writes_to_the_attached_disk(self):
        vol = fake_volume.fake_volume_obj(
            self.ctxt, size=1, provider_location=self.loc.encode())
        seen = []

        def fetch(ctxt, service, image_id, dest, blocksize, size=None,
                  disable_sparse=False):
            seen.append((dest, os.path.realpath(dest), size, blocksize))

        with mock.patch.object(image_utils, 'fetch_to_raw',
                               side_effect=fetch):
            self.data.copy_image_to_volume(self.ctxt, vol, mock.Mock(),
                                           'image-1')
        self.assertEqual([(self.node.link('1f00', W, LUN), self.paths[LUN],
                           1, '1M')], seen)
        self.assertClean()

    def test_image_too_big_still_detaches(self):
        vol = fake_volume.fake_volume_obj(
            self.ctxt, size=1, provider_location=self.loc.encode())
        with mock.patch.object(image_utils, 'fetch_to_raw',
                               side_effect=exception.ImageTooBig(
                                   image_id='i', reason='big')):
            self.assertRaises(exception.ImageTooBig,
                              self.data.copy_image_to_volume, self.ctxt, vol,
                              mock.Mock(), 'i')
        self.assertClean()

    def test_volume_to_image_uploads_the_device(self):
        vol = fake_volume.fake_volume_obj(
            self.ctxt, size=1, provider_location=self.loc.encode())
        with mock.patch.object(volume_utils, 'upload_volume') as upload:
            self.data.copy_volume_to_image(self.ctxt, vol, 'svc', {'id': 1})
        upload.assert_called_once_with(self.ctxt, 'svc', {'id': 1},
                                       self.node.link('1f00', W, LUN), vol,
                                       compress=True)
        self.assertClean()

    def test_basevd_attach_hooks(self):
        vol = fake_volume.fake_volume_obj(
            self.ctxt, size=1, provider_location=self.loc.encode())
        info, same = self.data.attach_volume(self.ctxt, vol, {})
        self.assertIs(vol, same)
        self.assertEqual(self.paths[LUN],
                         os.path.realpath(info['device']['path']))
        self.assertEqual('fibre_channel', info['conn']['driver_volume_type'])
        self.assertEqual(LUN, info['conn']['data']['zvm_fcp_lun'])
        self.data.detach_volume(self.ctxt, info, vol, {}, force=True)
        self.assertClean()
        self.assertRaises(exception.VolumeDriverException,
                          self.data.attach_volume, self.ctxt, vol, {},
                          remote=True)

    def test_detach_leftovers_removes_only_this_backends_luns(self):
        self.node.add_lun(W, '4001499900000000', MiB)     # not in the pool
        connector = self.data.connector
        connector.connect_volume(connector_mod.connection_properties(W, LUN))
        connector.connect_volume(connector_mod.connection_properties(
            W, '4001499900000000'))
        # a new process: nothing in the in-memory registry
        self.mock_object(connector_mod.ZVMHostConnector, '_attached', {})
        self.backend.calls = []
        self.assertEqual([((W,), LUN)], self.data.detach_leftovers())
        self.assertEqual([('0.0.1f00', '0x' + W, '0x4001499900000000')],
                         self.node.units())
        self.assertEqual([('list', 'gold')], self.backend.calls)

    def test_detach_leftovers_costs_nothing_on_a_clean_node(self):
        self.backend.calls = []
        self.assertEqual([], self.data.detach_leftovers())
        self.assertEqual([], self.backend.calls)

    def test_setup_detaches_leftovers_and_starts_wipe_retries(self):
        connector = self.data.connector
        connector.connect_volume(connector_mod.connection_properties(W, LUN))
        self.mock_object(connector_mod.ZVMHostConnector, '_attached', {})
        self.override_config('zvm_cinder_node', 'cinder1', group=GROUP)
        self.override_config('zvm_cinder_node_fcp', ['1f00'], group=GROUP)
        timer = self.mock_object(datapath.loopingcall,
                                 'FixedIntervalLoopingCall')
        self.data.setup()
        self.assertClean()
        timer.assert_called_once_with(self.data._retry_wipes)
        timer.return_value.start.assert_called_once_with(
            interval=600, initial_delay=600, stop_on_exception=False)
        self.data.setup()       # idempotent: one timer
        self.assertEqual(1, timer.call_count)

    def test_setup_without_cinder_node_only_warns(self):
        timer = self.mock_object(datapath.loopingcall,
                                 'FixedIntervalLoopingCall')
        with mock.patch.object(datapath.LOG, 'warning') as warn:
            self.data.setup()
        self.assertIn('zvm_cinder_node', warn.call_args[0][0])
        timer.assert_not_called()

    def test_wipe_retry_never_raises(self):
        with mock.patch.object(self.data, 'clean_quarantined',
                               side_effect=RuntimeError('xCAT down')):
            self.data._retry_wipes()

    def test_image_to_encrypted_volume_is_refused_before_attach(self):
        vol = fake_volume.fake_volume_obj(
            self.ctxt, size=1, provider_location=self.loc.encode())
        exc = self.assertRaises(exception.VolumeDriverException,
                                self.data.copy_image_to_encrypted_volume,
                                self.ctxt, vol, mock.Mock(), 'i')
        self.assertIn('encrypted', str(exc))
        self.assertEqual([], self.node.commands)

    def test_volume_without_lun(self):
        vol = fake_volume.fake_volume_obj(self.ctxt, size=1,
                                          provider_location=None)
        self.assertRaises(exception.VolumeDriverException,
                          self.data.copy_volume_to_image, self.ctxt, vol,
                          'svc', {})

    def test_check_setup_names_the_bad_option(self):
        exc = self.assertRaises(exception.InvalidConfigurationValue,
                                self.data.check_setup)
        self.assertIn('"zvm_cinder_node"', str(exc))
        self.override_config('zvm_cinder_node', 'cinder1', group=GROUP)
        exc = self.assertRaises(exception.InvalidConfigurationValue,
                                self.data.check_setup)
        self.assertIn('"zvm_cinder_node_fcp"', str(exc))
        self.override_config('zvm_cinder_node_fcp', ['1f00', 'xyz'],
                             group=GROUP)
        data = datapath.ZVMDataPath(self.backend)
        exc = self.assertRaises(exception.InvalidConfigurationValue,
                                data.check_setup)
        self.assertIn('xyz', str(exc))
        self.override_config('zvm_cinder_node_fcp', ['1f00', '0.0.2F00'],
                             group=GROUP)
        data = datapath.ZVMDataPath(self.backend)
        data.check_setup()
        self.assertEqual(['1f00', '2f00'], data.connector.fcp_devices)
