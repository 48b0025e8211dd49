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
"""Host attach of pool LUNs to the simulated Cinder node, and rollback."""

import errno
import os

from cinder_zvm.hostattach import connector as connector_mod
from cinder_zvm.hostattach import errors
from cinder_zvm import location
from tests.cinder.functional import datapath_base as dpb


class HostAttachTest(dpb.DataPathTestCase):

    def linux(self):
        return self.node_state()['linux_state']

    def assertNothingDedicated(self):
        state = self.node_state()
        self.assertEqual({}, state['directory'])
        self.assertEqual({}, state['active'])

    def test_attach_write_detach(self):
        vol = self.volume(dpb.SMALL_LUNS[0])
        self.sim.admin.clear_calls()
        pattern = os.urandom(64 * 1024)
        with self.data.attached(self.loc(vol)) as path:
            linux = self.linux()
            self.assertEqual(['1f00'], linux['online_fcp'])
            self.assertEqual(1, len(linux['disks']))
            with open(path, 'r+b') as dev:
                dev.seek(3 * dpb.MiB)
                dev.write(pattern)
        self.assertEqual(pattern, self.read_lun(vol)[
            3 * dpb.MiB:3 * dpb.MiB + len(pattern)])
        self.assertNodeClean()
        self.assertEqual({}, self.linux()['disks'])
        # First use: read the directory (zvm.pm 2409-2413 skips the active
        # configuration of a device already there), dedicate (directory +
        # active) and free from cio_ignore.
        state = self.node_state()
        self.assertEqual({'1f00': '1f00'}, state['active'])
        self.assertIn('1f00', state['directory'])
        self.assertEqual(['lsvm', '--dedicatedevice', 'dsh'],
                         [c['option'] for c in self.sim.admin.calls()])
        # Later operations need no xCAT call at all.
        self.sim.admin.clear_calls()
        self.write_through_attach(vol, b'x')
        self.assertEqual([], self.sim.admin.calls())

    def test_lun_keeps_its_size_as_a_block_device(self):
        """A short O_TRUNC write keeps the rest; a write past the end fails.

        What dd and qemu-img rely on with a real LUN (blockdev.py).
        """
        vol = self.volume(dpb.SMALL_LUNS[2])
        self.write_through_attach(vol, b'tail', 32 * dpb.MiB - 4)
        with self.data.attached(self.loc(vol)) as path:
            with open(path, 'wb') as dev:       # O_TRUNC: ignored
                dev.write(b'head')
            with open(path, 'r+b', buffering=0) as dev:
                dev.seek(32 * dpb.MiB)
                err = self.assertRaises(OSError, dev.write, b'x' * 512)
            self.assertEqual(errno.ENOSPC, err.errno)
        data = self.read_lun(vol)
        self.assertEqual((b'head', b'tail'), (data[:4], data[-4:]))
        self.assertLunSize(vol, 32 * dpb.MiB)
        self.assertNodeClean()

    def test_unit_add_uses_the_full_64_bit_lun(self):
        # Ubuntu names both disks ccw-...-fc-0x<wwpn>-lun-0x4001400500000000
        # (systemd keeps two LUN levels); each must get its own bytes.
        first = self.volume(dpb.LEVEL4_LUNS[0])
        second = self.volume(dpb.LEVEL4_LUNS[1])
        with self.data.attached(self.loc(first)) as p1:
            with self.data.attached(self.loc(second)) as p2:
                units = self.linux()['units']['1f00'][dpb.W1]
                self.assertEqual(dpb.LEVEL4_LUNS, sorted(units))
                for path, data in ((p1, b'first'), (p2, b'second')):
                    with open(path, 'r+b') as dev:
                        dev.write(data)
        self.assertEqual(b'first', self.read_lun(first, 5))
        self.assertEqual(b'second', self.read_lun(second, 6))
        self.assertNodeClean()

    def test_multipath_lun_attaches_all_paths(self):
        data = self.multipath_data_path()
        vol = self.volume(dpb.MULTIPATH_LUN)
        props = connector_mod.connection_properties(self.loc(vol).wwpns,
                                                    self.loc(vol).lun)
        info = data.connector.connect_volume(props)
        try:
            # dual fabric: 1f00 reaches W1 (fabric A), 2f00 W2 (fabric B)
            self.assertEqual({('1f00', dpb.W1), ('2f00', dpb.W2)},
                             {(p.devno, p.wwpn) for p in info['paths']})
            self.assertEqual(2, len(self.linux()['disks']))
        finally:
            data.connector.disconnect_volume(props, info)
        self.assertNodeClean()
        self.assertEqual({'1f00': '1f00', '2f00': '2f00'},
                         self.node_state()['active'])

    def test_device_that_never_appears_rolls_everything_back(self):
        # A pool entry whose LUN the storage does not have: unit_add is
        # accepted, no disk ever shows up.
        ghost = location.LunLocation('zvm1', 'gold', (dpb.W1,),
                                     '4001499900000000')
        exc = self.assertRaises(errors.NoUsablePath,
                                self.data.attached(ghost).__enter__)
        self.assertIn('1f00->0x%s: unit 0x4001499900000000 added but no '
                      'SCSI device' % dpb.W1, str(exc))
        self.assertIn('2f00->0x%s: port 0x%s not visible' % (dpb.W1, dpb.W1),
                      str(exc))
        self.assertNodeClean()
        self.assertEqual({}, self.linux()['units'])
        self.assertEqual([], self.linux()['online_fcp'])
        self.assertNothingDedicated()

    def test_dedicate_faults_leave_nothing(self):
        vol = self.volume(dpb.SMALL_LUNS[1])
        self.sim.admin.add_fault(option='--dedicatedevice', count=2)
        exc = self.assertRaises(errors.NoUsablePath,
                                self.data.attached(self.loc(vol)).__enter__)
        self.assertIn('FCP 1f00: xCAT command failed', str(exc))
        self.assertIn('FCP 2f00: xCAT command failed', str(exc))
        self.assertNothingDedicated()
        self.assertNodeClean()

    def test_one_failing_fcp_device_fails_over_to_the_next(self):
        # 2f00 is on fabric B: it reaches the LUN through its port there
        vol = self.volume(dpb.MULTIPATH_LUN)
        self.sim.admin.add_fault(option='--dedicatedevice', count=1)
        self.write_through_attach(vol, b'via 2f00')
        self.assertEqual(b'via 2f00', self.read_lun(vol, 8))
        self.assertEqual({'2f00': '2f00'}, self.node_state()['active'])
        self.assertNodeClean()

    def test_device_invisible_after_dedicate_is_undedicated(self):
        # cio_ignore -r through xCAT fails: the device never shows up.
        vol = self.volume(dpb.SMALL_LUNS[1])
        self.sim.admin.add_fault(option='dsh', count=5)
        exc = self.assertRaises(errors.NoUsablePath,
                                self.data.attached(self.loc(vol)).__enter__)
        self.assertIn('FCP device 1f00 to appear', str(exc))
        self.assertNothingDedicated()
        self.assertNodeClean()

    def test_leftovers_of_a_crash_are_detached_at_setup(self):
        vol = self.volume(dpb.SMALL_LUNS[3])
        props = connector_mod.connection_properties(self.loc(vol).wwpns,
                                                    self.loc(vol).lun)
        self.data.connector.connect_volume(props)
        self.assertEqual(1, len(self.linux()['disks']))
        # cinder-volume restarts: a new process knows nothing of it
        self.mock_object(connector_mod.ZVMHostConnector, '_attached', {})
        fresh = type(self.data)(self.backend)
        self.assertEqual([((dpb.W1,), self.loc(vol).lun)],
                         fresh.detach_leftovers())
        self.assertNodeClean()
        self.assertEqual({}, self.linux()['disks'])

    def test_failure_inside_the_block_still_detaches(self):
        vol = self.volume(dpb.SMALL_LUNS[2])

        class Boom(Exception):
            pass

        def use():
            with self.data.attached(self.loc(vol)):
                raise Boom()
        self.assertRaises(Boom, use)
        self.assertNodeClean()


def _masked_topology():
    """small_topology() with the multipath LUN masked to fabric A's devices."""
    topo = dpb.small_topology()
    topo['san']['masking'] = [
        {'name': 'zvm1-fabric-a-only', 'initiators': ['zvm1:1f00-1f03'],
         'luns': [dpb.MULTIPATH_LUN]},
        {'name': 'zvm1', 'initiators': ['zvm1:1f00-1f03', 'zvm1:2f00-2f03'],
         'luns': [lun for lun in dpb.SMALL_LUNS + dpb.LEVEL4_LUNS + dpb.GIB_LUNS]}]
    return topo


class HostAttachTooFewPathsTest(dpb.DataPathTestCase):
    """Issue 13: a SAN that leaves too few paths fails and leaves nothing."""

    TOPOLOGY = _masked_topology()

    def test_lun_masked_away_from_one_fabric_fails_and_rolls_back(self):
        data = self.multipath_data_path()
        vol = self.volume(dpb.MULTIPATH_LUN)
        props = connector_mod.connection_properties(self.loc(vol).wwpns,
                                                    self.loc(vol).lun)
        exc = self.assertRaises(errors.TooFewPaths,
                                data.connector.connect_volume, props)
        text = str(exc)
        self.assertIn('no working path on FCP device(s) 2f00', text)
        self.assertIn('1f00->0x%s works' % dpb.W1, text)
        self.assertIn('2f00->0x%s: unit 0x%s added but no SCSI device'
                      % (dpb.W2, dpb.MULTIPATH_LUN), text)
        self.assertNodeClean()
        linux = self.node_state()['linux_state']
        self.assertEqual({}, linux['units'])
        self.assertEqual([], linux['online_fcp'])
        self.assertEqual({}, self.node_state()['directory'])

    def test_lower_minimum_takes_the_one_fabric(self):
        self.data = self.multipath_data_path(zvm_cinder_node_min_paths=1)
        vol = self.volume(dpb.MULTIPATH_LUN)
        self.write_through_attach(vol, b'fabric A')
        self.assertEqual(b'fabric A', self.read_lun(vol, 8))
        self.assertNodeClean()
        # the masked path's unit went at once; both devices stay the node's
        self.assertEqual({}, self.node_state()['linux_state']['units'])
