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
"""ZVMVolumeDriver (real nova 34 objects) against the simulator."""

from nova.compute import power_state
from nova import exception
from nova.virt import virtapi

from nova_volumeops import conf as vconf
from nova_volumeops import driver
from tests.nova.functional import base
from tests.nova.unit import test_driver as unit


class TestDriverAgainstSimulator(base.SimulatorTestCase):

    def setUp(self):
        super().setUp()
        fx = self.useFixture(unit.DriverFixture())
        fx.conf.config(group=vconf.GROUP, zvm_xcat_server=self.sim.url,
                       zvm_xcat_username=self.sim.username,
                       zvm_xcat_password=self.sim.password,
                       fcp_list=base.FCP_LIST, state_file=self.state_file)
        # The Cloud Connector's power on, played by xCAT here.
        fx.hypervisor.return_value.guest_start.side_effect = \
            lambda name: self.client.power(name.lower(), 'on')
        self.drv = driver.ZVMVolumeDriver(virtapi.VirtAPI())
        self.drv.init_host('compute1')

    def instance(self, id_):
        distro, version = base.DISTRO['vm%d' % id_]
        return unit.make_instance(distro, version, id_=id_)

    def _connection(self, inst, vid, index):
        conn = self.drv.get_volume_connector(inst)
        self.assertEqual(('zvm1', 'vm%d' % inst.id, 'VM%d' % inst.id,
                          's390x', 'compute1'),
                         (conn['zvm_hypervisor'], conn['zvm_node'],
                          conn['zvm_userid'], conn['platform'], conn['host']))
        guest = driver.guest_of(inst)
        return self.cinder_connection(guest, vid, index, ops=self.drv.volumeops)

    def test_attach_detach_running(self):
        inst = self.instance(2)
        ci = self._connection(inst, base.V1, 0)
        self.drv.attach_volume(None, ci, inst, '/dev/vdb')
        self.assertEqual('used', self.pool_entry(0)['status'])
        self.assertIsNotNone(self.link('vm2', '/dev/vdb'))
        self.drv.detach_volume(None, ci, inst, '/dev/vdb')
        self.assert_clean('vm2', 0)

    def test_stopped_guest_confirmed_by_power_on(self):
        inst = self.instance(4)
        ci = self._connection(inst, base.V1, 0)
        self.drv.attach_volume(None, ci, inst, '/dev/vdb')
        ops = self.drv.volumeops
        self.assertEqual({base.V1: 'pending-boot'},
                         ops.volume_states(driver.guest_of(inst)))
        self.drv.power_on(None, inst, None)
        self.assertEqual({base.V1: 'attached'},
                         ops.volume_states(driver.guest_of(inst)))

    def test_stale_running_power_state_of_a_stopped_instance(self):
        # nova's power_state says RUNNING (not yet synced after a stop
        # outside nova): the attach still ends pending-boot.
        inst = self.instance(4)
        inst.power_state = power_state.RUNNING
        ci = self._connection(inst, base.V1, 0)
        self.drv.attach_volume(None, ci, inst, '/dev/vdb')
        ops = self.drv.volumeops
        self.assertEqual({base.V1: 'pending-boot'},
                         ops.volume_states(driver.guest_of(inst)))
        self.assertEqual('used', self.pool_entry(0)['status'])
        self.drv.power_on(None, inst, None)
        self.assertEqual({base.V1: 'attached'},
                         ops.volume_states(driver.guest_of(inst)))

    def test_unsupported_distro_is_a_nova_error(self):
        inst = unit.make_instance('centos', '9', id_=1)
        ci = self._connection(inst, base.V1, 0)
        self.sim.admin.clear_calls()
        self.assertRaises(exception.VolumeAttachFailed, self.drv.attach_volume,
                          None, ci, inst, '/dev/vdb')
        self.assertEqual([], self.calls())

    def test_extend_running(self):
        inst = self.instance(1)
        ci = self._connection(inst, base.V1, 0)
        self.drv.attach_volume(None, ci, inst, '/dev/vdb')
        self.assertEqual(4 << 30, self.drv.extend_volume(None, ci, inst,
                                                         4 << 30))
