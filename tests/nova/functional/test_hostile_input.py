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
"""Issue 12 item 11, nova side: ZVMVolumeDriver.attach_volume under bad input.

- the volume id of connection_info must be a UUID;
- pool names follow zvm_xcat's rule (validate.pool_name), so a name nova
  accepts is never refused by the client half-way through an attach;
- the fault a user sees carries a summary, not xCAT's raw text.
"""

import logging

import fixtures
from nova import exception
from nova.virt import virtapi

from nova_volumeops import conf as vconf
from nova_volumeops import driver
from tests.nova.functional import base
from tests.nova.unit import test_driver as unit

INTERNAL = 'zhcp1.mgmt.internal.example'


class TestAttachRefusesBadInput(base.SimulatorTestCase):

    def setUp(self):
        super().setUp()
        self.log = self.useFixture(fixtures.FakeLogger(level=logging.INFO))
        fx = self.useFixture(unit.DriverFixture())
        fx.conf.config(group=vconf.GROUP, zvm_xcat_server=self.sim.url,
                       zvm_xcat_username=self.sim.username,
                       zvm_xcat_password=self.sim.password,
                       fcp_list=base.FCP_LIST, state_file=self.state_file)
        self.drv = driver.ZVMVolumeDriver(virtapi.VirtAPI())
        self.drv.init_host('compute1')
        distro, version = base.DISTRO['vm1']
        self.inst = unit.make_instance(distro, version, id_=1)
        self.ci = self.cinder_connection(driver.guest_of(self.inst), base.V1,
                                         0, ops=self.drv.volumeops)

    def assert_refused_before_any_change(self, ci):
        before = (self.pool_entry(0), self.directory('vm1'))
        self.sim.admin.clear_calls()
        self.assertRaises(exception.VolumeAttachFailed, self.drv.attach_volume,
                          None, ci, self.inst, '/dev/vdb')
        self.assertEqual([], [c['option'] for c in self.sim.admin.calls()
                              if c['method'] != 'GET'])
        self.assertEqual(before, (self.pool_entry(0), self.directory('vm1')))
        self.assertEqual({}, self.drv.volumeops.volume_states(
            driver.guest_of(self.inst)))

    def test_volume_id_must_be_a_uuid(self):
        for bad in ('0e1a-$(touch${IFS}pwn)', 'v1', '', 'x' * 4096,
                    base.V1 + '\n'):
            self.ci['data']['volume_id'] = bad
            self.assert_refused_before_any_change(self.ci)

    def test_pool_name_is_zvm_xcats_rule(self):
        # '.' was accepted by nova and refused by the client after the
        # FCPs had been dedicated.
        for bad in ('gold.v2', 'gold/..', '-gold', 'g' * 65):
            self.ci['data']['zvm_pool'] = bad
            self.assert_refused_before_any_change(self.ci)

    def test_upper_case_pool_is_the_same_pool(self):
        self.ci['data']['zvm_pool'] = 'GOLD'
        self.drv.attach_volume(None, self.ci, self.inst, '/dev/vdb')
        self.assertEqual(('used', 'vm1'), (self.pool_entry(0)['status'],
                                           self.pool_entry(0)['owner']))

    def test_user_sees_a_summary_not_xcat_text(self):
        self.sim.admin.add_fault(option='--reservezfcp', text=(
            '(Error) ssh root@%s "sudo sed --in-place -e s#x#y#i '
            '/var/opt/zhcp/zfcp/gold.conf" failed' % INTERNAL))
        error = self.assertRaises(exception.VolumeAttachFailed,
                                  self.drv.attach_volume, None, self.ci,
                                  self.inst, '/dev/vdb')
        self.assertNotIn(INTERNAL, str(error))
        self.assertNotIn('sed --in-place', str(error))
        self.assertIn('xCAT command failed', str(error))
        self.assertIn('nova-compute log', str(error))
        # The operator still finds xCAT's text in the log.
        self.assertIn(INTERNAL, self.log.output)
