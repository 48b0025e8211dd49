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

import dataclasses

import ddt

from nova_volumeops import fcp_state
from nova_volumeops import scripts
from nova_volumeops import steps
from nova_volumeops import volumeops
from tests.nova.functional import base


@ddt.ddt
class TestRunningGuest(base.SimulatorTestCase):

    @ddt.data('vm1', 'vm2', 'vm5', 'vm6', 'vm7', 'vm8')
    def test_attach_detach_every_distro(self, node):
        g = self.guest(node)
        before = self.config_files(node)
        ci = self.cinder_connection(g, base.V1, 0)
        fcps = ci['data']['zvm_fcp']
        self.assertEqual(2, len(fcps))
        self.assertEqual('attached', self.ops.attach(g, ci, '/dev/vdb'))
        # z/VM: both FCPs dedicated in directory and active config.
        self.assertEqual(set(fcps), self.directory(node))
        self.assertEqual(set(fcps), self.active(node))
        # Pool: used by the guest through its FCPs.
        row = self.pool_entry(0)
        self.assertEqual(('used', node, ';'.join(fcps)),
                         (row['status'], row['owner'], row['channel']))
        # Linux: the exact 64-bit LUN on both paths, one multipath map,
        # the mountpoint links to it.
        self.assertEqual({(f, base.SINGLE_WWPN[0], base.lun(0)) for f in fcps},
                         self.units(node))
        maps = self.linux(node)['multipath']['maps']
        self.assertEqual(1, len(maps))
        name = next(iter(maps))
        self.assertEqual(name, self.map_link(node, '/dev/vdb'))
        self.assertEqual({base.V1: 'attached'}, self.ops.volume_states(g))

        self.ops.detach(g, ci, '/dev/vdb')
        self.assert_clean(node, 0, before_files=before)
        row = self.pool_entry(0)
        # Returned reserved (cinder re-stamps the owner in terminate).
        self.assertEqual('reserved', row['status'])
        self.assertEqual({}, self.ops.store.read()['instances'])

    def test_single_path_when_one_chpid(self):
        ops = self.new_ops(paths=1)
        g = self.guest('vm1')
        ci = self.cinder_connection(g, base.V1, 0, ops=ops)
        self.assertEqual(1, len(ci['data']['zvm_fcp']))
        ops.attach(g, ci, '/dev/sdc')       # sdX is rewritten to vdX
        fcp = ci['data']['zvm_fcp'][0]
        by_path = '/dev/disk/by-path/ccw-0.0.%s-zfcp-0x%s:0x%s' % (
            fcp, base.SINGLE_WWPN[0], base.lun(0))
        self.assertEqual(by_path, self.link('vm1', '/dev/vdc'))
        self.assertEqual({}, self.linux('vm1')['multipath']['maps'])
        ops.detach(g, ci, '/dev/sdc')
        self.assert_clean('vm1', 0)

    def test_multipath_target_ports(self):
        g = self.guest('vm2')
        ci = self.cinder_connection(g, base.V7, 6)
        self.ops.attach(g, ci, '/dev/vdd')
        fcps = ci['data']['zvm_fcp']
        self.assertEqual({(f, w, base.lun(6)) for f in fcps
                          for w in base.MULTI_WWPN}, self.units('vm2'))
        maps = self.linux('vm2')['multipath']['maps']
        self.assertEqual(1, len(maps))
        self.assertEqual(4, len(next(iter(maps.values()))['paths']))
        self.ops.detach(g, ci, '/dev/vdd')
        self.assert_clean('vm2', 6)

    def test_two_volumes_share_fcps_and_detach_one_keeps_other(self):
        g = self.guest('vm1')
        ci1 = self.cinder_connection(g, base.V1, 0)
        self.ops.attach(g, ci1, '/dev/vdb')
        ci2 = self.cinder_connection(g, base.V2, 1)
        self.assertEqual(ci1['data']['zvm_fcp'], ci2['data']['zvm_fcp'])
        self.sim.admin.clear_calls()
        self.ops.attach(g, ci2, '/dev/vdc')
        # No second dedication for the shared FCPs.
        self.assertNotIn(('chvm', '--dedicatedevice'), self.calls())
        self.assertEqual(2, len(self.linux('vm1')['multipath']['maps']))

        self.sim.admin.clear_calls()
        self.ops.detach(g, ci1, '/dev/vdb')
        self.assertNotIn(('chvm', '--undedicatedevice'), self.calls())
        # Only v1's map was flushed, v2 is untouched (no global flush).
        self.assertEqual({(f, base.SINGLE_WWPN[0], base.lun(1))
                          for f in ci2['data']['zvm_fcp']}, self.units('vm1'))
        maps = self.linux('vm1')['multipath']['maps']
        self.assertEqual(1, len(maps))
        self.assertEqual(next(iter(maps)), self.map_link('vm1', '/dev/vdc'))
        self.assertIsNone(self.link('vm1', '/dev/vdb'))
        self.assertEqual(set(ci2['data']['zvm_fcp']), self.directory('vm1'))

        self.ops.detach(g, ci2, '/dev/vdc')
        self.assert_clean('vm1', 1)

    def test_instances_get_distinct_fcps_and_chpids(self):
        c1 = self.ops.get_connector(self.guest('vm1'))
        c2 = self.ops.get_connector(self.guest('vm2'))
        self.assertEqual([], sorted(set(c1['zvm_fcp']) & set(c2['zvm_fcp'])))
        for c in (c1, c2):
            self.assertEqual(2, len(c['zvm_fcp']))
            self.assertEqual('s390x', c['platform'])
            self.assertTrue(c['multipath'])
            self.assertEqual(len(c['zvm_fcp']), len(c['wwpns']))
        # Same instance again: same FCPs, no xCAT call.
        self.sim.admin.clear_calls()
        self.assertEqual(c1, self.ops.get_connector(self.guest('vm1')))
        self.assertEqual([], self.calls())

    def test_detach_of_unknown_volume_succeeds(self):
        g = self.guest('vm1')
        ci = self.cinder_connection(g, base.V1, 0)
        self.ops.detach(g, ci, '/dev/vdb')
        self.ops.attach(g, ci, '/dev/vdb')
        self.ops.detach(g, ci, '/dev/vdb')
        self.ops.detach(g, ci, '/dev/vdb')     # again: already gone
        self.assert_clean('vm1', 0)

    def test_unsupported_distro_touches_nothing(self):
        g = dataclasses.replace(self.guest('vm1'), os_distro='centos')
        ci = self.cinder_connection(g, base.V1, 0)
        self.sim.admin.clear_calls()
        self.assertRaises(scripts.UnsupportedDistro, self.ops.attach, g, ci,
                          '/dev/vdb')
        self.assertEqual([], self.calls())

    def test_injection_in_mountpoint_touches_nothing(self):
        g = self.guest('vm1')
        ci = self.cinder_connection(g, base.V1, 0)
        self.sim.admin.clear_calls()
        for bad in ('/dev/vdb; reboot', '/dev/$(reboot)', '/dev/vdb\nreboot'):
            self.assertRaises(ValueError, self.ops.attach, g, ci, bad)
        ci['data']['zvm_fcp_lun'] = '4001400500000000;reboot'
        self.assertRaises(ValueError, self.ops.attach, g, ci, '/dev/vdb')
        self.assertEqual([], self.calls())

    def test_no_free_fcp_is_a_clear_error(self):
        for i, node in enumerate(('vm1', 'vm2', 'vm5', 'vm6')):
            self.ops.get_connector(self.guest(node))
        # 9 usable FCPs, 3 CHPIDs: the 5th instance gets what is left.
        c5 = self.ops.get_connector(self.guest('vm7'))
        self.assertEqual(1, len(c5['zvm_fcp']))
        e = self.assertRaises(volumeops.fcp_alloc.NoFreeFcp,
                              self.ops.get_connector, self.guest('vm8'))
        self.assertIn('need 1 FCP device', str(e))

    def test_reservation_expires(self):
        now = [1000.0]
        ops = self.new_ops(reservation_expiry=60, clock=lambda: now[0])
        c1 = ops.get_connector(self.guest('vm1'))
        now[0] += 61
        st = ops.store.read()
        self.assertEqual({}, fcp_state.busy_devnos(st, now[0]))
        # Another instance may now get them.
        ops2 = self.new_ops(paths=2, clock=lambda: now[0])
        c2 = ops2.get_connector(self.guest('vm2'))
        self.assertEqual(c1['zvm_fcp'], c2['zvm_fcp'])


class TestStoppedGuest(base.SimulatorTestCase):

    def test_attach_pending_then_boot_then_verify_then_detach(self):
        node = 'vm9'                     # SLES 15, logged off
        g = self.guest(node)
        ci = self.cinder_connection(g, base.V1, 0)
        fcps = ci['data']['zvm_fcp']
        self.assertEqual('pending-boot', self.ops.attach(g, ci, '/dev/vdb'))
        self.assertEqual(set(fcps), self.directory(node))
        self.assertEqual(set(), self.active(node))
        self.assertEqual('used', self.pool_entry(0)['status'])
        self.assertEqual(2, len(self.sim.admin.guest(node)['reader']))
        self.assertEqual({base.V1: 'pending-boot'}, self.ops.volume_states(g))

        self.client.power(node, 'on')
        self.assertEqual({(f, base.SINGLE_WWPN[0], base.lun(0)) for f in fcps},
                         self.units(node))
        self.assertEqual({base.V1: 'attached'}, self.ops.verify(g))
        maps = self.linux(node)['multipath']['maps']
        # setupDisk linked one path; verify pointed it at the map.
        self.assertEqual(next(iter(maps)), self.map_link(node, '/dev/vdb'))
        rules = self.guest_files(node)['/etc/udev/rules.d/56-zfcp.rules']
        self.assertEqual(1, rules.count('SYMLINK+="vdb'), rules)
        self.assertIn('DM_UUID', rules)

        self.ops.detach(g, ci, '/dev/vdb')      # running now
        self.assert_clean(node, 0)

    def test_detach_while_stopped_then_boot_is_clean(self):
        node = 'vm4'                     # RHEL 8, logged off
        g = self.guest(node)
        ci = self.cinder_connection(g, base.V1, 0)
        self.ops.attach(g, ci, '/dev/vdb')
        self.client.power(node, 'on')
        self.assertEqual({base.V1: 'attached'}, self.ops.verify(g))
        self.client.power(node, 'off')
        self.ops.detach(g, ci, '/dev/vdb')
        self.assertEqual(set(), self.directory(node))
        self.client.power(node, 'on')
        self.assert_clean(node, 0)

    def test_attached_running_detached_stopped_is_clean(self):
        node = 'vm8'                     # RHEL 8, running
        g = self.guest(node)
        before = self.config_files(node)
        ci = self.cinder_connection(g, base.V1, 0)
        self.ops.attach(g, ci, '/dev/vdb')
        self.client.power(node, 'off')
        self.ops.detach(g, ci, '/dev/vdb')
        self.assertEqual(set(), self.directory(node))
        self.client.power(node, 'on')
        self.assert_clean(node, 0, before_files=before)

    def test_boot_without_one_path_is_reported(self):
        node = 'vm3'                     # Ubuntu 22.04, logged off
        g = self.guest(node)
        ci = self.cinder_connection(g, base.V1, 0)
        self.ops.attach(g, ci, '/dev/vdb')
        # Someone takes one FCP away before the guest boots.
        self.client.chvm(node, '--undedicatedevice', ci['data']['zvm_fcp'][1])
        self.client.power(node, 'on')
        self.assertEqual({base.V1: 'boot-failed'}, self.ops.verify(g))
        vol = self.ops.store.read()['instances'][g.uuid]['volumes'][base.V1]
        self.assertIn(ci['data']['zvm_fcp'][1], vol['error'])
        # Detach still cleans up what is there.
        self.ops.detach(g, ci, '/dev/vdb')
        self.assert_clean(node, 0)

    def test_unreachable_after_boot_stays_pending(self):
        node = 'vm3'                     # Ubuntu 22.04, logged off
        g = self.guest(node)
        ci = self.cinder_connection(g, base.V1, 0)
        self.ops.attach(g, ci, '/dev/vdb')
        self.sim.admin.set_reachable(node, False)
        self.client.power(node, 'on')
        self.assertRaises(steps.GuestScriptError, self.ops.verify, g)
        self.assertEqual({base.V1: 'pending-boot'}, self.ops.volume_states(g))
        self.sim.admin.set_reachable(node, True)
        self.assertEqual({base.V1: 'attached'}, self.ops.verify(g))
