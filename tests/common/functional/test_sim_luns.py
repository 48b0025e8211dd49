"""LUN storage: sparse backing files, WWIDs, and the guest host interface."""

import os
import threading
import time

from tests.common.functional import simbase

W1, W2 = '500507680b21bac6', '500507680b22bac6'


class TestLunStorage(simbase.SimTestCase):

    def test_backing_file_sparse_sized_and_shared_by_paths(self):
        path = self.sim.admin.lun_path(W1, '4001400700000000')
        self.assertEqual(5 * 1024 ** 3, os.path.getsize(path))
        self.assertLess(os.stat(path).st_blocks * 512, 1024 * 1024)
        self.assertEqual(path, self.sim.admin.lun_path(W2, '4001400700000000'))
        with open(path, 'r+b') as f:
            f.seek(4096)
            f.write(b'hello')
        with open(self.sim.admin.lun_path(W2, '4001400700000000'), 'rb') as f:
            f.seek(4096)
            self.assertEqual(b'hello', f.read(5))

    def test_lun_named_by_its_pool_row_wwpns(self):
        self.assertEqual(self.sim.admin.lun_path(W1, '4001400700000000'),
                         self.sim.admin.lun_path('%s;%s' % (W1, W2), '4001400700000000'))

    def test_unknown_lun(self):
        from zvm_sim import admin_client
        self.assertRaises(admin_client.AdminError, self.sim.admin.lun_path, W1,
                          '4fff400700000000')

    def test_lun_added_to_pool_exists_in_storage(self):
        self.hv('--addzfcp2pool gold free %s 4001401100000000 2G' % W1)
        path = self.sim.admin.lun_path(W1, '4001401100000000')
        self.assertEqual(2 * 1024 ** 3, os.path.getsize(path))

    def test_host_interface_for_guests(self):
        """active_fcp_devices only lists FCPs in the ACTIVE config; one WWID per LUN."""
        sim = self.sim.simulator
        guest = sim.guest('vm3')
        self.chvm('vm3', '--dedicatedevice 1f01 1f01 0')
        self.assertEqual({}, guest.active_fcp_devices())
        self.assertEqual([], guest.remote_ports('1f01'))
        self.put('nodes/vm3/power', 'on')
        self.assertEqual({'1f01': {'chpid': '27', 'wwpn': 'c05076ffe5005613'}},
                         guest.active_fcp_devices())
        # dual fabric: 1f01 (CHPID 27) is zoned in fabric A, which has W1, not W2
        self.assertIn(W1, guest.remote_ports('1f01'))
        self.assertNotIn(W2, guest.remote_ports('1f01'))
        self.assertTrue(guest.lun_exists(W2, '4001400700000000'))
        self.assertFalse(guest.lun_exists(W2, '4001400500000000'))
        self.assertEqual(guest.lun_wwid(W1, '4001400700000000'),
                         guest.lun_wwid(W2, '4001400700000000'))
        self.assertNotEqual(guest.lun_wwid(W1, '4001400500000000'),
                            guest.lun_wwid(W1, '4001400700000000'))

    def test_guest_root(self):
        root = self.sim.admin.guest_root('cinder1')
        self.assertTrue(os.path.isdir(root))
        self.assertTrue(root.startswith(self.sim.state_dir))


class TestCinderNodeTree(simbase.SimTestCase):

    def test_reactor_applies_sysfs_writes(self):
        """The simulator runs the Cinder node's tree reactor.

        A write to the mirrored sysfs 'online' attribute brings the FCP online in
        the guest model.
        """
        self.chvm('cinder1', '--dedicatedevice 1f00 1f00 0')
        self.put('nodes/cinder1/dsh', 'command=cio_ignore -r 1f00')
        root = self.sim.admin.guest_root('cinder1')
        online = os.path.join(root, 'sys/bus/ccw/devices/0.0.1f00/online')
        with open(online, 'w') as f:
            f.write('1\n')
        deadline = time.time() + 5
        while time.time() < deadline:
            if self.sim.admin.guest('cinder1')['linux_state']['online_fcp'] == ['1f00']:
                break
            time.sleep(0.05)
        self.assertEqual(['1f00'], self.sim.admin.guest('cinder1')['linux_state']['online_fcp'])

    def test_one_reactor_per_cinder_node_after_reset(self):
        self.sim.admin.reset()
        names = sorted(t.name for t in threading.enumerate() if t.name.startswith('tree-'))
        self.assertIn('tree-reactor-cinder1', names)
        self.assertEqual(len(names), len(set(names)))
