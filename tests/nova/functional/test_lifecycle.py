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
"""The life of a server with volumes, as nova drives a compute driver.

Every test runs the real ZVMVolumeDriver against the simulator's Cloud
Connector (servers) and xCAT (volumes) fronts (servers.py). Deleting a
server: nova 34 ComputeManager._shutdown_instance (nova/compute/manager.py
3191) calls ``driver.destroy(context, instance, network_info,
block_device_info)`` and then only deletes the attachments in cinder
("actual driver detach done in driver.destroy", 3288; destroy called at 3240): no detach_volume.
"""

from nova import exception

from tests.nova.functional import base
from tests.nova.functional import servers

# Volume ids as cinder makes them (UUIDs).
V1 = '0b6f1c52-3c3e-4a51-9d0e-000000000001'
V2 = '0b6f1c52-3c3e-4a51-9d0e-000000000002'
V9 = '0b6f1c52-3c3e-4a51-9d0e-000000000009'

# Pool rows a detach leaves (chvm --removezfcp ... 1, zvm.pm 2782):
# reserved, owner cleared, for cinder's terminate_connection to re-stamp.
DETACHED = ('reserved', '')


class TestDeleteServerWithVolumes(servers.ServerTestCase):

    def _server_with_volumes(self, id_=11):
        inst = self.spawn(self.instance(id_))
        bdms = [(self.connection(inst, V1, 0), '/dev/vdb'),
                (self.connection(inst, V2, 6), '/dev/vdc')]    # multipath
        for ci, mountpoint in bdms:
            self.drv.attach_volume(self.ctxt, ci, inst, mountpoint)
        node = inst.name
        self.assertEqual([('used', node)] * 2, [self.row(0), self.row(6)])
        self.assertEqual({'0100'} | set(self.state()[inst.uuid]['fcps']),
                         self.directory(node) | {'0100'})
        return inst, bdms

    def test_destroy_disconnects_every_volume_before_the_guest_goes(self):
        # The leak of issue 11: without destroy in our driver, the rows stay
        # used by a guest that no longer exists and the FCPs stay held.
        inst, bdms = self._server_with_volumes()
        fcps = sorted(self.state()[inst.uuid]['fcps'])
        self.sim.admin.clear_calls()
        self.drv.destroy(self.ctxt, inst, [], self.bdi(bdms))

        self.assertEqual([DETACHED, DETACHED], [self.row(0), self.row(6)])
        self.assertEqual({}, self.state())
        self.assertNotIn(inst.name.upper(), self.cc_guests())
        self.assertIsNone(self.sim.simulator.guest(inst.name))
        # Detached as detach_volume does, in order, while the guest was
        # there: one --removezfcp per volume, then the FCPs undedicated.
        calls = [c for c in self.calls() if c[0] == 'chvm']
        self.assertEqual(['--removezfcp', '--removezfcp'],
                         [o for _c, o in calls if o == '--removezfcp'])
        self.assertEqual('--undedicatedevice', calls[-1][1])
        # Another server gets the FCPs at once (they are the least loaded).
        conn = self.drv.get_volume_connector(self.instance(12))
        self.assertEqual(fcps, sorted(conn['zvm_fcp']))

    def test_cleanup_after_the_guest_went_returns_the_rows(self):
        inst, bdms = self._server_with_volumes()
        self.cc.send_request('guest_delete', inst.name)  # gone underneath
        self.assertEqual([('used', inst.name)] * 2, [self.row(0), self.row(6)])
        self.drv.cleanup(self.ctxt, inst, [], self.bdi(bdms))
        self.assertEqual([DETACHED, DETACHED], [self.row(0), self.row(6)])
        self.assertEqual({}, self.state())

    def test_cleanup_of_a_guest_still_there_detaches(self):
        inst, bdms = self._server_with_volumes()
        self.drv.cleanup(self.ctxt, inst, [], self.bdi(bdms))
        self.assertEqual([DETACHED, DETACHED], [self.row(0), self.row(6)])
        self.assertEqual(set(), self.units(inst.name))
        self.assertEqual(set(), self.directory(inst.name) - {'0100'})
        self.assertEqual({}, self.state())

    def test_a_failed_detach_is_reclaimed_once_the_guest_is_gone(self):
        inst, bdms = self._server_with_volumes()
        self.sim.admin.add_fault(option='--removezfcp', action='error',
                                 text='Error: injected fault')
        self.drv.destroy(self.ctxt, inst, [], self.bdi(bdms))
        self.sim.admin.clear_faults()
        self.assertEqual([DETACHED, DETACHED], [self.row(0), self.row(6)])
        self.assertEqual({}, self.state())
        self.assertIn('not disconnected', self.logger.output)


class TestPowerWithVolumes(servers.ServerTestCase):

    def assert_volumes_there(self, inst, bdms):
        node = inst.name
        for (ci, mountpoint), index in zip(bdms, (0, 6)):
            self.assertIsNotNone(self.link(node, mountpoint), mountpoint)
            lun = ci['data']['zvm_fcp_lun']
            self.assertTrue({u for u in self.units(node) if u[2] == lun})
            self.assertEqual(('used', node), self.row(index))
        self.assertEqual({V1: 'attached', V2: 'attached'},
                         self.drv.volumeops.volume_states(
                             servers.driver.guest_of(inst)))

    def test_spawn_connects_listed_volumes_and_power_keeps_them(self):
        inst = self.instance(11)
        guest = servers.driver.guest_of(inst)
        # nova reserves the connection (attachment_update with our
        # connector) before spawn, and leaves connecting to the driver.
        bdms = [(self.cinder_connection(guest, V1, 0, ops=self.drv.volumeops),
                 '/dev/vdb'),
                (self.cinder_connection(guest, V2, 6, ops=self.drv.volumeops),
                 '/dev/vdc')]
        self.spawn(inst, bdms)
        self.assert_volumes_there(inst, bdms)
        self.drv.power_off(inst)
        self.assertEqual('off', self.client.power_state(inst.name))
        self.drv.power_on(self.ctxt, inst, [], self.bdi(bdms))
        self.assert_volumes_there(inst, bdms)
        for kind in ('SOFT', 'HARD'):
            self.drv.reboot(self.ctxt, inst, [], kind, self.bdi(bdms))
            self.assert_volumes_there(inst, bdms)
        self.drv.pause(inst)
        self.drv.unpause(inst)
        self.assert_volumes_there(inst, bdms)

    def test_attach_while_off_is_there_after_power_on(self):
        inst = self.spawn(self.instance(11))
        self.drv.power_off(inst)
        ci = self.connection(inst, V1, 0)
        self.drv.attach_volume(self.ctxt, ci, inst, '/dev/vdb')
        self.drv.power_on(self.ctxt, inst, [])
        self.assertIsNotNone(self.link(inst.name, '/dev/vdb'))
        self.assertEqual({V1: 'attached'}, self.drv.volumeops.volume_states(
            servers.driver.guest_of(inst)))


class TestReconcileAtStart(servers.ServerTestCase):

    def test_server_deleted_while_compute_was_down(self):
        inst = self.spawn(self.instance(11))
        ci = self.connection(inst, V1, 0)
        self.drv.attach_volume(self.ctxt, ci, inst, '/dev/vdb')
        fcps = self.state()[inst.uuid]['fcps']
        # nova-compute is down; the guest is deleted underneath it.
        self.cc.send_request('guest_delete', inst.name)
        self.assertEqual(('used', inst.name), self.row(0))

        self.drv = self.new_driver()          # init_host reconciles
        self.assertEqual(DETACHED, self.row(0))
        self.assertEqual({}, self.state())
        self.assertIn(inst.uuid, self.logger.output)
        # Its FCPs are free for the next server.
        conn = self.drv.get_volume_connector(self.instance(12))
        self.assertEqual(sorted(fcps), sorted(conn['zvm_fcp']))

    def test_crash_between_pool_remove_and_add_is_finished(self):
        inst = self.spawn(self.instance(11))
        ci = self.connection(inst, V1, 0)
        self.drv.attach_volume(self.ctxt, ci, inst, '/dev/vdb')
        self.cc.send_request('guest_delete', inst.name)
        self.sim.admin.add_fault(option='--addzfcp2pool', action='status',
                                 status=503, count=1)
        self.drv = self.new_driver()
        self.assertNotIn(base.lun(0), [r['lun'] for r in
                                       self.sim.admin.pool(base.HV, base.POOL)])
        self.assertIn(inst.uuid, self.state())      # kept for a retry
        self.drv = self.new_driver()
        self.assertEqual(DETACHED, self.row(0))
        self.assertEqual({}, self.state())


class TestBadInputLeavesNothing(servers.ServerTestCase):

    def test_volume_not_attached_is_reported_and_left_alone(self):
        inst = self.spawn(self.instance(11))
        ci = self.connection(inst, V1, 0)
        self.drv.attach_volume(self.ctxt, ci, inst, '/dev/vdb')
        stranger = self.connection(inst, V9, 1)   # cinder's, never attached
        self.drv.destroy(self.ctxt, inst, [], self.bdi(
            [(stranger, '/dev/vdc'), (ci, '/dev/vdb')]))
        self.assertIn('Volume %s is not attached to %s' % (V9, inst.name),
                      self.logger.output)
        self.assertEqual(('reserved', 'volume-' + V9), self.row(1))
        self.assertEqual(DETACHED, self.row(0))
        self.assertEqual({}, self.state())

    def test_connection_of_another_zvm_system_is_refused(self):
        inst = self.spawn(self.instance(11))
        ci = self.connection(inst, V1, 0)
        ci['data']['zvm_hypervisor'] = 'zvm2'
        before = self.sim.admin.state()
        self.sim.admin.clear_calls()
        e = self.assertRaises(exception.VolumeAttachFailed,
                              self.drv.attach_volume, self.ctxt, ci, inst,
                              '/dev/vdb')
        self.assertIn('zvm_hypervisor', str(e))
        self.assertEqual([], self.calls())
        self.assertEqual(before['pools'], self.sim.admin.state()['pools'])
        self.drv.destroy(self.ctxt, inst, [], self.bdi([(ci, '/dev/vdb')]))
        self.assertIn('zvm_hypervisor', self.logger.output)
        self.assertEqual(('reserved', 'volume-' + V1), self.row(0))

    def test_guest_the_cloud_connector_refuses_to_create(self):
        before = self.sim.admin.state()
        inst = self.instance(11, root_gb=900)      # more than the disk pool
        guest = servers.driver.guest_of(inst)
        ci = self.cinder_connection(guest, V1, 0, ops=self.drv.volumeops)
        e = self.assertRaises(exception.ZVMConnectorError, self.spawn, inst,
                              [(ci, '/dev/vdb')])
        self.assertIn('not enough free space in disk pool', str(e))
        # nova's spawn destroyed the half-made guest; the volume is untouched.
        self.assertNotIn(inst.name.upper(), self.cc_guests())
        self.assertEqual(('reserved', 'volume-' + V1), self.row(0))
        self.assertEqual({}, self.state())
        after = self.sim.admin.state()
        self.assertEqual(before['systems'][0]['guests'],
                         after['systems'][0]['guests'])


class TestNewComputeHost(servers.ServerTestCase):
    """nova-compute's first start on a host (nova 34 manager.py 1545).

    ``_sanity_check_new_host`` calls ``driver.list_instance_uuids()``;
    nova.virt.zvm does not define it (nova/virt/driver.py 506 raises
    NotImplementedError), so nova-compute could not start on a new host.
    """

    def test_a_new_host_lists_no_instances(self):
        self.assertEqual([], self.drv.list_instance_uuids())

    def test_instances_with_volume_state_are_listed(self):
        inst = self.spawn(self.instance(11))
        self.drv.attach_volume(self.ctxt, self.connection(inst, V1, 0), inst,
                               '/dev/vdb')
        self.assertEqual([inst.uuid], self.drv.list_instance_uuids())
