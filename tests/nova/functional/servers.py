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
"""Servers through the real nova z/VM driver, on the simulator's two fronts.

``ZVMVolumeDriver`` (nova.virt.zvm.driver.ZVMDriver + our mixin) is built
from nova's CONF: ``[zvm] cloud_connector_url`` points at the simulator's
Cloud Connector port (zvmconnector, nova.virt.zvm.utils.ConnectorClient),
``[zvm_volumeops]`` at its xCAT front. Nothing is mocked: spawn creates,
deploys and starts a guest through the sdkserver API, volumes go through
xCAT, and the tests read the outcome back from the simulator.
"""

import contextlib
import os
from urllib.parse import urlsplit
import uuid as uuid_mod

from oslo_config import cfg
from oslo_config import fixture as config_fixture
from zvmconnector import connector

from nova import context as nova_context
from nova import objects
from nova.virt import virtapi

from nova_volumeops import conf as vconf
from nova_volumeops import driver
from tests.nova.functional import base

CONF = cfg.CONF
objects.register_all()
IMAGE_ID = '5c1f3a0e-7d2b-4e8a-9f61-0a1b2c3d4e5f'


class VirtAPI(virtapi.VirtAPI):
    """The compute manager's side the driver calls during spawn.

    nova's ComputeVirtAPI waits for neutron's vif-plugged events; with no
    network there are none to wait for.
    """

    @contextlib.contextmanager
    def wait_for_instance_event(self, instance, event_names, timeout=300,
                                error_callback=None):
        yield


class ServerTestCase(base.SimulatorTestCase):
    """A nova-compute (ZVMVolumeDriver) on zvm1's Cloud Connector and xCAT."""

    cloud_connector = 'zvm1'

    def setUp(self):
        super().setUp()
        self.ctxt = nova_context.get_admin_context()
        tmp = self.useFixture(base.fixtures.TempDir()).path
        self.image_dir = os.path.join(tmp, 'images')
        os.makedirs(self.image_dir)
        self.conf = self.useFixture(config_fixture.Config(CONF))
        self.conf.config(instance_name_template='osp%05d', host='compute1',
                         instances_path=os.path.join(tmp, 'instances'),
                         my_ip='127.0.0.1')
        self.conf.config(group='zvm',
                         cloud_connector_url=self.sim.cloud_connector_url,
                         image_tmp_path=self.image_dir)
        self.conf.config(group=vconf.GROUP, zvm_hypervisor=base.HV,
                         zvm_xcat_server=self.sim.url,
                         zvm_xcat_username=self.sim.username,
                         zvm_xcat_password=self.sim.password,
                         fcp_list=base.FCP_LIST, state_file=self.state_file)
        # The image nova would have fetched from glance (nova.virt.zvm
        # _import_spawn_image skips the fetch when the file is there).
        with open(os.path.join(self.image_dir, IMAGE_ID), 'wb') as f:
            f.write(b'\0' * 8192)
        url = urlsplit(self.sim.cloud_connector_url)
        self.cc = connector.ZVMConnector(url.hostname, url.port)
        self.drv = self.new_driver()

    def new_driver(self):
        """A (re)started nova-compute: a new driver and its init_host."""
        drv = driver.ZVMVolumeDriver(VirtAPI())
        drv.init_host('compute1')
        return drv

    # -- nova's objects -------------------------------------------------------

    def instance(self, id_=11, root_gb=10, distro='rhel9.2'):
        sysmeta = {'image_os_distro': distro, 'image_os_version': ''}
        return objects.Instance(
            uuid=str(uuid_mod.UUID(int=id_)), id=id_, vcpus=1, memory_mb=1024,
            root_gb=root_gb, ephemeral_gb=0, system_metadata=sysmeta,
            config_drive='', launched_at=None, project_id='p1',
            image_ref=IMAGE_ID)

    @staticmethod
    def image_meta(distro='rhel9.2'):
        return objects.ImageMeta.from_dict(
            {'id': IMAGE_ID, 'name': 'rhel', 'disk_format': 'raw',
             'container_format': 'bare', 'properties': {'os_distro': distro}})

    def spawn(self, inst, bdms=()):
        self.drv.spawn(self.ctxt, inst, self.image_meta(), [], None, {},
                       network_info=[], block_device_info=self.bdi(bdms))
        return inst

    def connection(self, inst, volume_id, index):
        """cinder's initialize_connection for pool LUN ``index`` (base)."""
        return self.cinder_connection(driver.guest_of(inst), volume_id, index,
                                      ops=self.drv.volumeops)

    @staticmethod
    def bdi(bdms):
        """block_device_info as nova builds it (driver.get_block_device_info)."""
        return {'root_device_name': '/dev/vda', 'ephemerals': [], 'swap': None,
                'block_device_mapping': [
                    {'connection_info': ci, 'mount_device': mp,
                     'delete_on_termination': False} for ci, mp in bdms]}

    # -- what the simulator says ---------------------------------------------

    def cc_guests(self):
        results = self.cc.send_request('guest_list')
        self.assertEqual(0, results['overallRC'], results)
        return set(results['output'])

    def state(self):
        return self.drv.volumeops.store.read()['instances']

    def row(self, index):
        row = self.pool_entry(index)
        return row['status'], row['owner']
