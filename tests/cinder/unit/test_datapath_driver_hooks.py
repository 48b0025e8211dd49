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
"""ZVMFCPDriver's data-path hooks: setup, local vs remote attach, LUKS."""

from unittest import mock

from cinder import context
from cinder import exception
from cinder.tests.unit import fake_volume
from cinder.volume import configuration
from cinder.volume import driver as base_driver

from cinder_zvm import datapath
from cinder_zvm import driver
from tests.cinder import cinder_test

GROUP = 'zvm_hooks_test'


class DriverHooksTestCase(cinder_test.TestCase):

    def setUp(self):
        super().setUp()
        conf = configuration.Configuration(base_driver.volume_opts,
                                           config_group=GROUP)
        self.drv = driver.ZVMFCPDriver(configuration=conf)
        self.override_config('zvm_cinder_node', 'cinder1', group=GROUP)
        self.override_config('zvm_cinder_node_fcp', ['1f00'], group=GROUP)
        self.mock_object(self.drv.backend, 'setup')
        self.setup = self.mock_object(datapath.ZVMDataPath, 'setup')
        self.ctxt = context.get_admin_context()
        self.vol = fake_volume.fake_volume_obj(self.ctxt)

    def test_do_setup_runs_the_data_path_setup(self):
        self.drv.do_setup(self.ctxt)
        self.assertIsInstance(self.drv.datapath, datapath.ZVMDataPath)
        self.setup.assert_called_once_with()

    def test_local_attach_is_a_host_attach(self):
        self.drv.do_setup(self.ctxt)
        with mock.patch.object(self.drv.datapath, 'attach_volume',
                               return_value=('info', self.vol)) as attach:
            self.assertEqual(('info', self.vol), self.drv._attach_volume(
                self.ctxt, self.vol, {}))
        attach.assert_called_once_with(self.ctxt, self.vol, {})

    def test_remote_attach_is_cinders_own(self):
        self.drv.do_setup(self.ctxt)
        with mock.patch.object(base_driver.BaseVD, '_attach_volume',
                               return_value=('remote', self.vol)) as base, \
                mock.patch.object(self.drv.datapath,
                                  'attach_volume') as local:
            self.assertEqual(('remote', self.vol), self.drv._attach_volume(
                self.ctxt, self.vol, {}, remote=True))
        base.assert_called_once_with(self.ctxt, self.vol, {}, remote=True)
        local.assert_not_called()
        with mock.patch.object(base_driver.BaseVD,
                               '_detach_volume') as base:
            self.drv._detach_volume(self.ctxt, 'info', self.vol, {},
                                    remote=True)
        base.assert_called_once_with(self.ctxt, 'info', self.vol, {},
                                     force=False, remote=True,
                                     ignore_errors=False)

    def test_image_into_encrypted_volume_is_refused(self):
        self.drv.do_setup(self.ctxt)
        self.assertRaises(exception.VolumeDriverException,
                          self.drv.copy_image_to_encrypted_volume,
                          self.ctxt, self.vol, mock.Mock(), 'image')
