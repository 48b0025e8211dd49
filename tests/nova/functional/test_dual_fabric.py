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
"""Fabric-aware multipath attach on a dual-fabric SAN (issue 13 item 2).

FCP devices on CHPID 27 (1f0x) and 40 (3f00) are zoned to fabric A with
target port MULTI_WWPN[0]; CHPID 3a (2f0x) to fabric B with MULTI_WWPN[1].
An instance gets one device of each fabric, so of the 2 x 2 pairs of a
multipath LUN only two are paths. Outcomes are read in the simulator:
units, maps, persistent files, directory, pool rows.
"""

import copy

import ddt

from nova_volumeops import volumeops
from tests.nova.functional import base

A_PORT, B_PORT = base.MULTI_WWPN
MULTI = 6               # LUN index listing both ports
SINGLE = 0              # LUN index listing fabric A's port only


def dual_fabric(masking=None):
    topo = copy.deepcopy(base.TOPOLOGY)
    topo['san'] = {'fabrics': [
        {'name': 'A', 'target_ports': [A_PORT], 'zone': ['zvm1:1f00-1f03', 'zvm1:3f00']},
        {'name': 'B', 'target_ports': [B_PORT], 'zone': ['zvm1:2f00-2f03']}]}
    if masking is not None:
        topo['san']['masking'] = masking
    return topo


class DualFabricTestCase(base.SimulatorTestCase):

    topology = dual_fabric()

    def fabric_pairs(self, fcps):
        return {(f, A_PORT if f[:2] in ('1f', '3f') else B_PORT) for f in fcps}


@ddt.ddt
class TestDualFabricAttach(DualFabricTestCase):

    @ddt.data('vm1', 'vm2', 'vm5', 'vm6', 'vm7', 'vm8')
    def test_attach_detach_every_distro(self, node):
        g = self.guest(node)
        before = self.config_files(node)
        ci = self.cinder_connection(g, base.V1, MULTI)
        fcps = ci['data']['zvm_fcp']
        self.assertEqual('attached', self.ops.attach(g, ci, '/dev/vdb'))
        # one path per fabric: each device with its own fabric's port
        self.assertEqual({(f, w, base.lun(MULTI)) for f, w in self.fabric_pairs(fcps)},
                         self.units(node))
        maps = self.linux(node)['multipath']['maps']
        self.assertEqual(1, len(maps))
        name, mp = next(iter(maps.items()))
        self.assertEqual(2, len(mp['paths']))
        self.assertEqual(name, self.map_link(node, '/dev/vdb'))
        row = self.pool_entry(MULTI)
        self.assertEqual(('used', node), (row['status'], row['owner']))

        self.ops.detach(g, ci, '/dev/vdb')
        self.assert_clean(node, MULTI, before_files=before)
        self.assertEqual('reserved', self.pool_entry(MULTI)['status'])
        self.assertEqual({}, self.ops.store.read()['instances'])

    def test_zoning_that_leaves_a_device_without_path_fails_and_leaves_nothing(self):
        # The LUN lists only fabric A's port: the fabric B device sees no port.
        g = self.guest('vm1')
        before = self.config_files('vm1')
        ci = self.cinder_connection(g, base.V1, SINGLE)
        fcps = ci['data']['zvm_fcp']
        b_fcp = [f for f in fcps if f.startswith('2f')][0]
        exc = self.assertRaises(volumeops.VolumeOpsError, self.ops.attach, g, ci,
                                '/dev/vdb')
        text = str(exc)
        self.assertIn('no working path on FCP device(s) %s' % b_fcp, text)
        self.assertIn('%s->0x%s: port not visible' % (b_fcp, A_PORT), text)
        self.assertIn('rolled back', text)
        self.assert_clean('vm1', SINGLE, before_files=before)
        self.assertEqual(set(), self.units('vm1'))
        # the entry is back to reserved (cinder stamps the owner again)
        self.assertEqual('reserved', self.pool_entry(SINGLE)['status'])

    def test_a_script_stopped_before_listing_paths_keeps_its_own_reason(self):
        g = self.guest('vm1')
        ci = self.cinder_connection(g, base.V1, MULTI)
        self.sim.admin.add_fault(option='dsh', action='guest_fail', text='cio_ignore')
        exc = self.assertRaises(volumeops.VolumeOpsError, self.ops.attach, g, ci,
                                '/dev/vdb')
        self.assertIn('at step "bring the FCP devices online"', str(exc))
        self.assertNotIn('working path', str(exc))
        self.assert_clean('vm1', MULTI)

    def test_lower_minimum_accepts_one_fabric(self):
        ops = self.new_ops(min_volume_paths=1)
        g = self.guest('vm2')
        ci = self.cinder_connection(g, base.V1, SINGLE, ops=ops)
        fcps = ci['data']['zvm_fcp']
        a_fcp = [f for f in fcps if not f.startswith('2f')][0]
        self.assertEqual('attached', ops.attach(g, ci, '/dev/vdb'))
        self.assertEqual({(a_fcp, A_PORT, base.lun(SINGLE))}, self.units('vm2'))
        self.assertIsNotNone(self.link('vm2', '/dev/vdb'))
        ops.detach(g, ci, '/dev/vdb')
        self.assert_clean('vm2', SINGLE)


class TestMaskedAway(DualFabricTestCase):
    """The storage masks the LUN to fabric A's devices only."""

    topology = dual_fabric(masking=[
        {'name': 'fabric-a-only', 'initiators': ['zvm1:1f00-1f03', 'zvm1:3f00'],
         'luns': [base.lun(MULTI)]},
        {'name': 'all', 'initiators': ['zvm1:1f00-3f00'],
         'luns': [base.lun(i) for i in range(8) if i != MULTI]}])

    def test_masked_path_fails_the_attach_naming_it(self):
        g = self.guest('vm8')
        before = self.config_files('vm8')
        ci = self.cinder_connection(g, base.V1, MULTI)
        b_fcp = [f for f in ci['data']['zvm_fcp'] if f.startswith('2f')][0]
        exc = self.assertRaises(volumeops.VolumeOpsError, self.ops.attach, g, ci,
                                '/dev/vdb')
        self.assertIn('%s->0x%s: no SCSI device for the LUN (not masked'
                      % (b_fcp, B_PORT), str(exc))
        self.assert_clean('vm8', MULTI, before_files=before)
        self.assertEqual(set(), self.units('vm8'))


class TestStoppedGuestDualFabric(DualFabricTestCase):

    def test_attach_while_logged_off_then_boot_and_verify(self):
        node = 'vm9'                     # SLES 15, logged off
        g = self.guest(node)
        ci = self.cinder_connection(g, base.V1, MULTI)
        fcps = ci['data']['zvm_fcp']
        self.assertEqual('pending-boot', self.ops.attach(g, ci, '/dev/vdb'))
        self.client.power(node, 'on')
        # setupDisk at boot gets the LUN where the SAN gives it a path
        self.assertEqual({(f, w, base.lun(MULTI)) for f, w in self.fabric_pairs(fcps)},
                         self.units(node))
        self.assertEqual({base.V1: 'attached'}, self.ops.verify(g))
        maps = self.linux(node)['multipath']['maps']
        self.assertEqual(next(iter(maps)), self.map_link(node, '/dev/vdb'))
        self.ops.detach(g, ci, '/dev/vdb')
        self.assert_clean(node, MULTI)
