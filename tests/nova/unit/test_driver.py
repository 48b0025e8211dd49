#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.
"""The nova integration, against real nova 34 (this run imports nova)."""

import inspect
import sys
import types
from unittest import mock

import ddt
import fixtures
from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools

from nova.compute import power_state
from nova import exception
from nova import objects
from nova.virt import driver as nova_driver
from nova.virt import virtapi
from nova.virt.zvm import driver as zvm_driver

from nova_volumeops import cmd
from nova_volumeops import conf as vconf
from nova_volumeops import driver
from nova_volumeops import fcp_alloc
from nova_volumeops import scripts
from nova_volumeops import validate
from nova_volumeops import volumeops
from zvm_xcat import exception as xexc

CONF = cfg.CONF
objects.register_all()
UUID = '4a2f1e1c-8f5b-4bde-9a55-1f0b6f0f0001'


def make_instance(distro='rhel', version='9.2', id_=1):
    sysmeta = {}
    if distro is not None:
        sysmeta['image_os_distro'] = distro
    if version is not None:
        sysmeta['image_os_version'] = version
    return objects.Instance(uuid=UUID, id=id_, system_metadata=sysmeta)


class DriverFixture(fixtures.Fixture):
    """CONF for the z/VM driver and our group; the connector patched."""

    def _setUp(self):
        self.conf = self.useFixture(config_fixture.Config(CONF))
        self.conf.config(instance_name_template='vm%d', host='compute1')
        self.conf.config(cloud_connector_url='http://cc.example:8080',
                         group='zvm')
        self.conf.config(group=vconf.GROUP, zvm_hypervisor='zvm1',
                         fcp_list='1f00-1f03;2f00-2f03',
                         zvm_xcat_server='https://xcat.example',
                         zvm_xcat_username='admin',
                         zvm_xcat_password='s3cret')
        self.hypervisor = self.useFixture(fixtures.MockPatch(
            'nova.virt.zvm.hypervisor.Hypervisor')).mock


@ddt.ddt
class TestNovaInterface(testtools.TestCase):

    @ddt.data('attach_volume', 'detach_volume', 'get_volume_connector',
              'extend_volume', 'power_on', 'init_host', 'spawn', 'destroy',
              'cleanup')
    def test_signature_is_nova_34s(self, name):
        ours = inspect.signature(getattr(driver.ZVMVolumeMixin, name))
        nova = inspect.signature(getattr(nova_driver.ComputeDriver, name))
        self.assertEqual(nova, ours)

    def test_subclass_of_nova_zvm_driver(self):
        self.assertTrue(issubclass(driver.ZVMVolumeDriver, zvm_driver.ZVMDriver))
        self.assertTrue(issubclass(driver.ZVMVolumeDriver,
                                   nova_driver.ComputeDriver))
        for name in ('attach_volume', 'detach_volume', 'get_volume_connector',
                     'extend_volume'):
            self.assertIs(getattr(driver.ZVMVolumeMixin, name),
                          getattr(driver.ZVMVolumeDriver, name))
        self.assertTrue(driver.ZVMVolumeDriver.capabilities[
            'supports_extend_volume'])

    def test_construct_without_cloud_connector_calls(self):
        fx = self.useFixture(DriverFixture())
        drv = driver.ZVMVolumeDriver(virtapi.VirtAPI())
        fx.hypervisor.assert_called_once_with('http://cc.example:8080',
                                              ca_file=None)
        # The xCAT side is built lazily from [zvm_volumeops].
        ops = drv.volumeops
        self.assertEqual('zvm1', ops.hv)
        self.assertEqual(8, len(ops.fcp_list))
        self.assertNotIn('s3cret', repr(ops.client))
        self.assertEqual([], fx.hypervisor.return_value.method_calls)

    def test_load_compute_driver_through_the_alias(self):
        self.useFixture(DriverFixture())
        self.addCleanup(sys.modules.pop, cmd.ALIAS, None)
        cmd.install_alias()
        drv = nova_driver.load_compute_driver(virtapi.VirtAPI(),
                                              'zvm_volumeops.ZVMVolumeDriver')
        self.assertIsInstance(drv, driver.ZVMVolumeDriver)

    def test_device_names_are_the_guests(self):
        # nova names volumes after the root device (/dev/sdb); the guest
        # links them as /dev/vdb (validate.guest_mountpoint).
        self.useFixture(DriverFixture())
        drv = driver.ZVMVolumeDriver(virtapi.VirtAPI())
        inst = objects.Instance(uuid=UUID, root_device_name='/dev/sda',
                                default_ephemeral_device=None,
                                default_swap_device=None)
        root = objects.BlockDeviceMapping(
            device_name='/dev/sda', source_type='image', destination_type='local',
            guest_format=None)
        vdb = objects.BlockDeviceMapping(
            device_name='/dev/vdb', source_type='volume', destination_type='volume',
            guest_format=None)
        new = objects.BlockDeviceMapping(device_name=None)
        self.assertEqual('/dev/vdb', drv.get_device_name_for_instance(
            inst, [root], new))
        self.assertEqual('/dev/vdc', drv.get_device_name_for_instance(
            inst, [root, vdb], new))

    def test_bad_fcp_list_is_a_clear_error(self):
        fx = self.useFixture(DriverFixture())
        fx.conf.config(group=vconf.GROUP, fcp_list='1f00-zz')
        drv = driver.ZVMVolumeDriver(virtapi.VirtAPI())
        e = self.assertRaises(exception.ZVMDriverException,
                              lambda: drv.volumeops)
        self.assertIn('fcp_list', str(e))

    def test_missing_hypervisor_is_a_clear_error(self):
        fx = self.useFixture(DriverFixture())
        fx.conf.config(group=vconf.GROUP, zvm_hypervisor=None)
        drv = driver.ZVMVolumeDriver(virtapi.VirtAPI())
        e = self.assertRaises(exception.ZVMDriverException,
                              lambda: drv.volumeops)
        self.assertIn('zvm_hypervisor', str(e))


class TestErrorMapping(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(DriverFixture())
        self.drv = driver.ZVMVolumeDriver(virtapi.VirtAPI())
        self.ops = mock.Mock(spec=volumeops.VolumeOps)
        self.drv._volumeops = self.ops
        self.ci = {'data': {'volume_id': 'v1'}}

    def test_guest_of(self):
        g = driver.guest_of(make_instance('sles', '15.4'))
        self.assertEqual(('vm1', 'VM1', 'sles', '15.4', UUID),
                         (g.node, g.userid, g.os_distro, g.os_version, g.uuid))
        self.assertIsNone(driver.guest_of(make_instance(None, None)).os_distro)

    def test_guest_of_carries_novas_running(self):
        # nova.compute.power_state; unset (never synced) is no hint.
        inst = make_instance()
        self.assertFalse(driver.guest_of(inst).nova_running)
        inst.power_state = power_state.SHUTDOWN
        self.assertFalse(driver.guest_of(inst).nova_running)
        inst.power_state = power_state.RUNNING
        self.assertTrue(driver.guest_of(inst).nova_running)
        # tools/fullstack/nova_compute.py's stand-in has no power_state.
        plain = types.SimpleNamespace(uuid=UUID, name='vm1', image_meta=None,
                                      system_metadata={})
        self.assertFalse(driver.guest_of(plain).nova_running)

    def test_attach_errors(self):
        inst = make_instance()
        for err in (scripts.UnsupportedDistro('centos'),
                    validate.InvalidInput('mountpoint', 'x;y', 'a name'),
                    volumeops.VolumeOpsError('rolled back'),
                    xexc.XCATNodeNotFound('Invalid nodes and/or groups')):
            self.ops.attach.side_effect = err
            e = self.assertRaises(exception.VolumeAttachFailed,
                                  self.drv.attach_volume, None, self.ci, inst,
                                  '/dev/vdb')
            # xCAT's own text stays in the log; the user gets its summary.
            self.assertIn(getattr(err, 'summary', str(err)), str(e))

    def test_encryption_refused_before_anything(self):
        self.assertRaises(exception.VolumeEncryptionNotSupported,
                          self.drv.attach_volume, None, self.ci,
                          make_instance(), '/dev/vdb',
                          encryption={'provider': 'luks'})
        self.ops.attach.assert_not_called()

    def test_detach_and_extend_errors(self):
        inst = make_instance()
        self.ops.detach.side_effect = volumeops.VolumeOpsError('x')
        self.assertRaises(exception.VolumeDetachFailed, self.drv.detach_volume,
                          None, self.ci, inst, '/dev/vdb')
        self.ops.extend.side_effect = volumeops.VolumeNotAttached('x')
        self.assertRaises(exception.VolumeNotFound, self.drv.extend_volume,
                          None, self.ci, inst, 2 << 30)

    def test_no_free_fcp(self):
        self.ops.get_connector.side_effect = fcp_alloc.NoFreeFcp('none left')
        e = self.assertRaises(exception.ZVMDriverException,
                              self.drv.get_volume_connector, make_instance())
        self.assertIn('none left', str(e))

    def test_power_on_confirms_pending_volumes(self):
        self.ops.has_boot_work.return_value = True
        self.ops.verify.return_value = {'v1': 'attached'}
        self.drv.power_on(None, make_instance(), None)
        self.ops.verify.assert_called_once()

    def test_power_on_without_pending_volumes_costs_nothing(self):
        self.ops.has_boot_work.return_value = False
        self.drv.power_on(None, make_instance(), None)
        self.ops.verify.assert_not_called()


class TestDestroyWithoutVolumeSupport(testtools.TestCase):
    """[zvm_volumeops] unset: servers without volumes are still deleted."""

    def test_server_without_volumes_is_deleted(self):
        fx = self.useFixture(DriverFixture())
        fx.conf.config(group=vconf.GROUP, zvm_hypervisor=None)
        drv = driver.ZVMVolumeDriver(virtapi.VirtAPI())
        hv = fx.hypervisor.return_value
        hv.guest_exists.return_value = True
        drv.destroy(None, make_instance(), [], {'block_device_mapping': []})
        hv.guest_delete.assert_called_once_with('vm1')

    def test_server_with_volumes_is_not(self):
        fx = self.useFixture(DriverFixture())
        fx.conf.config(group=vconf.GROUP, zvm_hypervisor=None)
        drv = driver.ZVMVolumeDriver(virtapi.VirtAPI())
        hv = fx.hypervisor.return_value
        bdi = {'block_device_mapping': [{'connection_info': {},
                                         'mount_device': '/dev/vdb'}]}
        e = self.assertRaises(exception.ZVMDriverException, drv.destroy,
                              None, make_instance(), [], bdi)
        self.assertIn('zvm_hypervisor', str(e))
        hv.guest_delete.assert_not_called()
