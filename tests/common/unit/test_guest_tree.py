"""The Cinder-node tree (sysfs/dev mirrored under root_dir) and its reactor.

Writes go through real files the way host-side code writes sysfs: ``echo
1 >`` (truncate + write) and os-brick's ``tee -a`` (append). The layout
follows Linux: /sys/class/fc_host/hostN is a link into the FCP device's
directory (os-brick takes the devno from the realpath element before
hostN); by-path links point at ../../sdX.
"""

import os
import subprocess
import time

import fixtures
import testtools

from tests.common.unit import guest_fakes as gf
from zvm_sim.core.guest import GuestLinux
from zvm_sim.core.guest import tree

DATA = b'LUN1 DATA' + b'\0' * 1015


class TreeTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        base = self.useFixture(fixtures.TempDir()).path
        self.host = gf.FakeHost(backing_dir=os.path.join(base, 'luns'))
        os.makedirs(self.host.backing_dir)
        with open(self.host.lun_backing_path(gf.WWPN1, gf.LUN1), 'wb') as f:
            f.write(DATA)
        self.root = os.path.join(base, 'cindervm')
        self.guest = GuestLinux('cindervm', 'ubuntu', '22.04', self.host, root_dir=self.root)
        self.guest.power_on()
        self.guest.run('cio_ignore -r 1f00')
        self.reactor = tree.TreeReactor(self.guest, self.root)
        self.sys = os.path.join(self.root, 'sys')

    def write(self, rel, text, append=False):
        with open(os.path.join(self.sys, rel), 'a' if append else 'w') as handle:
            handle.write(text)
        return self.reactor.poll_once()

    def read(self, rel):
        with open(os.path.join(self.sys, rel)) as handle:
            return handle.read()

    def online(self):
        self.assertEqual(1, self.write('bus/ccw/devices/0.0.1f00/online', '1\n'))

    def test_online_creates_fc_host(self):
        self.assertEqual('0\n', self.read('bus/ccw/devices/0.0.1f00/online'))
        self.online()
        self.assertEqual('1\n', self.read('bus/ccw/devices/0.0.1f00/online'))
        self.assertEqual(['1f00'], self.guest.state()['online_fcp'])
        self.assertEqual('Online\n', self.read('class/fc_host/host0/port_state'))
        self.assertEqual('0x%s\n' % gf.NPIV1, self.read('class/fc_host/host0/port_name'))
        parts = os.path.realpath(os.path.join(self.sys, 'class/fc_host/host0')).split('/')
        self.assertEqual('0.0.1f00', parts[parts.index('host0') - 1])
        self.assertTrue(os.path.isdir(os.path.join(
            self.sys, 'bus/ccw/drivers/zfcp/0.0.1f00/0x%s' % gf.WWPN1)))

    def test_unit_add_by_tee_append_makes_readable_device(self):
        self.online()
        rel = 'bus/ccw/drivers/zfcp/0.0.1f00/0x%s/unit_add' % gf.WWPN1
        self.assertEqual(1, self.write(rel, '0x%s' % gf.LUN1, append=True))
        self.assertEqual('', self.read(rel))
        link = os.path.join(self.root, 'dev/disk/by-path/ccw-0.0.1f00-fc-0x%s-lun-0x%s'
                            % (gf.WWPN1, gf.LUN1))
        self.assertEqual('../../sda', os.readlink(link))
        with open(link, 'rb') as handle:
            self.assertEqual(DATA, handle.read())
        self.assertTrue(os.path.isdir(os.path.join(
            self.sys, 'bus/ccw/drivers/zfcp/0.0.1f00/0x%s/0x%s' % (gf.WWPN1, gf.LUN1))))
        self.assertEqual('2\n', self.read('block/sda/size'))

    def test_write_through_device_lands_in_backing_file(self):
        self.online()
        self.write('bus/ccw/drivers/zfcp/0.0.1f00/0x%s/unit_add' % gf.WWPN1, '0x' + gf.LUN1)
        with open(os.path.join(self.root, 'dev/sda'), 'r+b') as handle:
            handle.write(b'WIPED')
        with open(self.host.lun_backing_path(gf.WWPN1, gf.LUN1), 'rb') as handle:
            self.assertEqual(b'WIPED', handle.read(5))

    def test_refused_write_has_no_effect_and_is_recorded(self):
        self.online()
        rel = 'bus/ccw/drivers/zfcp/0.0.1f00/0x%s/unit_remove' % gf.WWPN1
        self.write(rel, '0x%s\n' % gf.LUN1)
        self.assertEqual(1, len(self.reactor.errors))
        self.assertIn('Invalid argument', self.reactor.errors[0])
        self.assertEqual('', self.read(rel))

    def test_delete_and_unit_remove(self):
        self.online()
        port = 'bus/ccw/drivers/zfcp/0.0.1f00/0x%s/' % gf.WWPN1
        self.write(port + 'unit_add', '0x%s\n' % gf.LUN1)
        self.write('block/sda/device/delete', '1')
        self.assertEqual({}, self.guest.state()['disks'])
        self.assertFalse(os.path.lexists(os.path.join(self.root, 'dev/sda')))
        self.write(port + 'unit_remove', '0x%s\n' % gf.LUN1)
        self.assertEqual({}, self.guest.state()['units'])
        self.assertFalse(os.path.exists(os.path.join(self.sys, port + '0x' + gf.LUN1)))

    def test_in_guest_changes_are_mirrored(self):
        self.guest.run('chccwdev -e 1f00\necho 0x%s > /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x%s/'
                       'unit_add' % (gf.LUN1, gf.WWPN1))
        self.assertTrue(os.path.lexists(os.path.join(self.root, 'dev/sda')))
        self.guest.power_off()
        self.assertFalse(os.path.lexists(os.path.join(self.root, 'dev/sda')))
        self.assertEqual([], os.listdir(os.path.join(self.sys, 'class/fc_host')))

    def test_reactor_thread_with_shell_writers(self):
        """A separate process writes with echo and tee -a; the thread applies."""
        self.reactor.interval = 0.01
        self.reactor.start()
        self.addCleanup(self.reactor.stop)
        subprocess.run(['sh', '-c', 'echo 1 > %s/bus/ccw/devices/0.0.1f00/online' % self.sys],
                       check=True)
        rel = 'bus/ccw/drivers/zfcp/0.0.1f00/0x%s/unit_add' % gf.WWPN1
        deadline = time.monotonic() + 5
        while not os.path.exists(os.path.join(self.sys, rel)):
            self.assertLess(time.monotonic(), deadline, 'online not applied')
            time.sleep(0.01)
        subprocess.run(['tee', '-a', os.path.join(self.sys, rel)], input=b'0x' + gf.LUN1.encode(),
                       stdout=subprocess.DEVNULL, check=True)
        while '/dev/disk/by-path/ccw-0.0.1f00-fc-0x%s-lun-0x%s' % (gf.WWPN1, gf.LUN1) not in \
                self.guest.state()['by_path']:
            self.assertLess(time.monotonic(), deadline, 'unit_add not applied')
            time.sleep(0.01)

    def test_round_trip_keeps_tree(self):
        self.online()
        copy = GuestLinux.from_dict(self.guest.to_dict(), self.host, root_dir=self.root)
        self.assertEqual(self.guest.state(), copy.state())
        reactor = tree.TreeReactor(copy, self.root)
        with open(os.path.join(self.sys, 'bus/ccw/devices/0.0.1f00/online'), 'w') as handle:
            handle.write('0\n')
        self.assertEqual(1, reactor.poll_once())
        self.assertEqual([], copy.state()['online_fcp'])

    def test_reactor_needs_tree(self):
        guest = GuestLinux('vm1', 'rhel', '9.2', self.host)
        self.assertRaises(ValueError, tree.TreeReactor, guest, self.root)
