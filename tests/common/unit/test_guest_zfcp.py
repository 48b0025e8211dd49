"""zfcp in the guest: sysfs writes and s390-tools behave as on Linux.

Kernel references: drivers/s390/cio/blacklist.c (cio_ignore),
drivers/s390/scsi/zfcp_sysfs.c (unit_add/unit_remove: kstrtoull, -EEXIST,
-EINVAL), zfcp_ccw.c (online/offline keeps units); s390-tools chccwdev,
lszfcp output formats.
"""

import ddt
import testtools

from tests.common.unit import guest_fakes as gf
from zvm_sim.core.guest import GuestLinux

UNIT_ADD = '/sys/bus/ccw/drivers/zfcp/0.0.%s/0x%s/unit_add'
UNIT_REMOVE = '/sys/bus/ccw/drivers/zfcp/0.0.%s/0x%s/unit_remove'


def online_guest(distro='rhel', version='9.2', devs=('1f00',)):
    host = gf.FakeHost()
    guest = GuestLinux('vm1', distro, version, host)
    guest.power_on()
    for dev in devs:
        rc, out, err = guest.run('cio_ignore -r %s\nchccwdev -e %s' % (dev, dev))
        assert rc == 0, err
    return guest, host


@ddt.ddt
class CioIgnoreTest(testtools.TestCase):
    def test_dedicated_device_blacklisted_until_freed(self):
        """Distros boot with cio_ignore=all.

        a dedicated FCP device is not in sysfs and chccwdev cannot find it until cio_ignore -r.
        """
        guest = GuestLinux('vm1', 'rhel', '9.2', gf.FakeHost())
        guest.power_on()
        self.assertEqual(['1f00', '2f00'], guest.state()['cio_ignore']['ignored_active'])
        rc, out, err = guest.run('chccwdev -e 0.0.1f00')
        self.assertEqual((1, 'Device 0.0.1f00 not found\n'), (rc, out))
        self.assertEqual(1, guest.run('test -d /sys/bus/ccw/devices/0.0.1f00')[0])
        self.assertEqual(0, guest.run('cio_ignore -r 0.0.1f00')[0])
        self.assertEqual(0, guest.run('test -d /sys/bus/ccw/devices/0.0.1f00')[0])
        rc, out, _ = guest.run('chccwdev -e 1f00')
        self.assertEqual((0, 'Setting device 0.0.1f00 online\nDone\n'), (rc, out))
        self.assertEqual(['1f00'], guest.state()['online_fcp'])

    def test_is_ignored(self):
        guest, _ = online_guest()
        self.assertEqual(2, guest.run('cio_ignore -i 1f00')[0])
        self.assertEqual(0, guest.run('cio_ignore -i 2f00')[0])

    def test_list(self):
        guest, _ = online_guest()
        out = guest.run('cio_ignore -l')[1]
        self.assertEqual('Ignored devices:\n=================\n'
                         '0.0.0000-0.0.1eff\n0.0.1f01-0.0.ffff\n', out)

    def test_not_dedicated_device(self):
        """chccwdev on a device z/VM has not attached: not found."""
        guest, _ = online_guest()
        guest.run('cio_ignore -r 3f00')
        self.assertEqual((1, 'Device 0.0.3f00 not found\n', ''), guest.run('chccwdev -e 3f00'))

    def test_chccwdev_already_online(self):
        """zconf/chccwdev: a warning on stderr, 'Done', rc 0."""
        guest, _ = online_guest()
        self.assertEqual((0, 'Done\n', 'WARNING: Device[0.0.1f00] is already  online\n'),
                         guest.run('chccwdev -e 1f00'))
        self.assertEqual((0, 'Setting device 0.0.1f00 offline\nDone\n', ''),
                         guest.run('chccwdev -d 1f00'))

    def test_detach_by_zvm_drops_adapter(self):
        """An FCP device undedicated while online vanishes with its disks."""
        guest, host = online_guest()
        guest.run('echo 0x%s > %s' % (gf.LUN1, UNIT_ADD % ('1f00', gf.WWPN1)))
        del host.active['1f00']
        state = guest.state()
        self.assertEqual(([], {}, {}), (state['online_fcp'], state['disks'], state['units']))


@ddt.ddt
class UnitAddTest(testtools.TestCase):
    def test_happy_path(self):
        guest, _ = online_guest()
        rc, _, err = guest.run('echo 0x%s > %s' % (gf.LUN1, UNIT_ADD % ('1f00', gf.WWPN1)))
        self.assertEqual((0, ''), (rc, err))
        state = guest.state()
        self.assertEqual({'1f00': {gf.WWPN1: [gf.LUN1]}}, state['units'])
        self.assertEqual('sda', state['by_path'][
            '/dev/disk/by-path/ccw-0.0.1f00-zfcp-0x%s:0x%s' % (gf.WWPN1, gf.LUN1)])
        self.assertEqual(0, guest.run('test -b /dev/disk/by-path/ccw-0.0.1f00-zfcp-0x%s:0x%s'
                                      % (gf.WWPN1, gf.LUN1))[0])

    def test_before_online_fails(self):
        """The port directory exists only on an online adapter.

        the redirection fails with ENOENT, rc 1, nothing is added.
        """
        guest = GuestLinux('vm1', 'rhel', '9.2', gf.FakeHost())
        guest.power_on()
        guest.run('cio_ignore -r 1f00')
        path = UNIT_ADD % ('1f00', gf.WWPN1)
        rc, _, err = guest.run('echo 0x%s > %s' % (gf.LUN1, path))
        self.assertEqual(1, rc)
        self.assertEqual('bash: line 1: %s: No such file or directory\n' % path, err)
        self.assertEqual({}, guest.state()['units'])

    def test_port_not_seen(self):
        """A WWPN the FCP device does not see (zoning) has no directory."""
        guest, host = online_guest()
        path = UNIT_ADD % ('1f00', 'c0ffee00c0ffee00')
        rc, _, err = guest.run('echo 0x%s > %s' % (gf.LUN1, path))
        self.assertEqual(1, rc)
        self.assertIn('No such file or directory', err)

    def test_port_rescan_finds_new_port(self):
        guest, host = online_guest()
        host.ports['1f00'].append('5005076800000003')
        path = '/sys/bus/ccw/drivers/zfcp/0.0.1f00/0x5005076800000003'
        self.assertEqual(1, guest.run('test -d ' + path)[0])
        rescan = '/sys/bus/ccw/drivers/zfcp/0.0.1f00/port_rescan'
        self.assertEqual(0, guest.run('echo 1 > ' + rescan)[0])
        self.assertEqual(0, guest.run('test -d ' + path)[0])

    @ddt.data(('0x4001', '0000000000004001'),       # kstrtoull: a different, short LUN
              ('4001', '0000000000000fa1'),         # no 0x: decimal
              ('040', '0000000000000020'))          # leading 0: octal
    @ddt.unpack
    def test_wrong_format_adds_the_lun_the_kernel_parsed(self, text, parsed):
        """zfcp parses with kstrtoull(buf, 0): a short LUN is accepted as another LUN.

        the storage has no such LUN, so no disk appears.
        """
        guest, _ = online_guest()
        rc, _, err = guest.run('echo %s > %s' % (text, UNIT_ADD % ('1f00', gf.WWPN1)))
        self.assertEqual((0, ''), (rc, err))
        state = guest.state()
        self.assertEqual({'1f00': {gf.WWPN1: [parsed]}}, state['units'])
        self.assertEqual({}, state['disks'])
        self.assertEqual({}, state['by_path'])
        self.assertEqual((0, 'Error: No fcp devices found.\n', ''), guest.run('lszfcp -D'))

    @ddt.data(('0xzz', 'Invalid argument'), ('lun', 'Invalid argument'),
              ('0x14001400500000000', 'Numerical result out of range'))
    @ddt.unpack
    def test_unparsable_lun_rejected(self, text, strerror):
        guest, _ = online_guest()
        rc, _, err = guest.run('echo %s > %s' % (text, UNIT_ADD % ('1f00', gf.WWPN1)))
        self.assertEqual(1, rc)
        self.assertEqual('bash: line 1: echo: write error: %s\n' % strerror, err)
        self.assertEqual({}, guest.state()['units'])

    def test_lun_not_on_storage(self):
        """unit_add of a LUN the storage lacks: unit, but no SCSI device."""
        guest, host = online_guest()
        host.luns.discard((gf.WWPN1, gf.LUN2))
        path = UNIT_ADD % ('1f00', gf.WWPN1)
        self.assertEqual(0, guest.run('echo 0x%s > %s' % (gf.LUN2, path))[0])
        state = guest.state()
        self.assertEqual({'1f00': {gf.WWPN1: [gf.LUN2]}}, state['units'])
        self.assertEqual({}, state['disks'])

    def test_duplicate_unit_add(self):
        guest, _ = online_guest()
        cmd = 'echo 0x%s > %s' % (gf.LUN1, UNIT_ADD % ('1f00', gf.WWPN1))
        guest.run(cmd)
        self.assertEqual((1, '', 'bash: line 1: echo: write error: File exists\n'),
                         guest.run(cmd))

    def test_unit_remove_absent_unit(self):
        guest, _ = online_guest()
        rc, _, err = guest.run('echo 0x%s > %s' % (gf.LUN1, UNIT_REMOVE % ('1f00', gf.WWPN1)))
        self.assertEqual((1, 'bash: line 1: echo: write error: Invalid argument\n'), (rc, err))

    def test_unit_remove_deletes_disk(self):
        guest, _ = online_guest()
        guest.run('echo 0x%s > %s' % (gf.LUN1, UNIT_ADD % ('1f00', gf.WWPN1)))
        self.assertEqual(0, guest.run('echo 0x%s > %s'
                                      % (gf.LUN1, UNIT_REMOVE % ('1f00', gf.WWPN1)))[0])
        state = guest.state()
        self.assertEqual(({}, {}, {}), (state['units'], state['disks'], state['by_path']))

    def test_scsi_delete_keeps_unit(self):
        """/sys/block/sdX/device/delete removes the disk, not the zfcp unit."""
        guest, _ = online_guest()
        guest.run('echo 0x%s > %s' % (gf.LUN1, UNIT_ADD % ('1f00', gf.WWPN1)))
        self.assertEqual(0, guest.run('echo 1 > /sys/block/sda/device/delete')[0])
        state = guest.state()
        self.assertEqual({}, state['disks'])
        self.assertEqual({'1f00': {gf.WWPN1: [gf.LUN1]}}, state['units'])

    def test_offline_online_restores_disks(self):
        """zfcp keeps units over offline/online and scans them again."""
        guest, _ = online_guest()
        guest.run('echo 0x%s > %s' % (gf.LUN1, UNIT_ADD % ('1f00', gf.WWPN1)))
        guest.run('chccwdev -d 1f00')
        self.assertEqual({}, guest.state()['disks'])
        self.assertEqual(1, guest.run('test -e ' + UNIT_ADD % ('1f00', gf.WWPN1))[0])
        guest.run('echo 1 > /sys/bus/ccw/devices/0.0.1f00/online')
        self.assertEqual(['sda'], list(guest.state()['disks']))

    def test_sd_names_lowest_free(self):
        """sd names come from the lowest free index (the sd driver's ida)."""
        guest, _ = online_guest()
        for wwpn in (gf.WWPN1, gf.WWPN2):
            guest.run('echo 0x%s > %s' % (gf.LUN1, UNIT_ADD % ('1f00', wwpn)))
        guest.run('echo 1 > /sys/block/sda/device/delete')
        guest.run('echo 0x%s > %s' % (gf.LUN2, UNIT_ADD % ('1f00', gf.WWPN1)))
        disks = guest.state()['disks']
        self.assertEqual(gf.LUN2, disks['sda']['lun'])
        self.assertEqual(gf.WWPN2, disks['sdb']['wwpn'])


class LszfcpTest(testtools.TestCase):
    """s390-tools lszfcp output (one line per object)."""

    def setUp(self):
        super().setUp()
        self.guest, _ = online_guest(devs=('1f00', '2f00'))
        for dev in ('1f00', '2f00'):
            self.guest.run('echo 0x%s > %s' % (gf.LUN1, UNIT_ADD % (dev, gf.WWPN2)))

    def test_hosts(self):
        self.assertEqual('0.0.1f00 host0\n0.0.2f00 host1\n', self.guest.run('lszfcp -H')[1])
        self.assertEqual(self.guest.run('lszfcp')[1], self.guest.run('lszfcp -H')[1])

    def test_ports(self):
        self.assertEqual('0.0.1f00/0x%s rport-0:0-0\n0.0.1f00/0x%s rport-0:0-1\n'
                         % (gf.WWPN1, gf.WWPN2),
                         self.guest.run('lszfcp -P -b 0.0.1f00')[1])

    def test_devices(self):
        """-D: '<bus>/0x<wwpn>/0x<lun> H:C:T:L' with the Linux SCSI LUN."""
        self.assertEqual('0.0.1f00/0x%s/0x%s 0:0:1:1074085889\n'
                         '0.0.2f00/0x%s/0x%s 1:0:1:1074085889\n'
                         % (gf.WWPN2, gf.LUN1, gf.WWPN2, gf.LUN1),
                         self.guest.run('lszfcp -D')[1])
        self.assertEqual((0, ''), self.guest.run('lszfcp -D -l 0x%s' % gf.LUN2)[:2])

    def test_no_adapter_online(self):
        """zconf/lszfcp check_fcp_devs: the message goes to stdout, rc 1."""
        self.guest.run('chccwdev -d 1f00,2f00')
        self.assertEqual((1, 'Error: No fcp devices found.\n', ''), self.guest.run('lszfcp -H'))

    def test_scsi_bus_delete_by_hctl(self):
        """setupDisk removeScsiVolume: echo 1 > /sys/bus/scsi/devices/H:C:T:L/delete."""
        self.assertEqual(0, self.guest.run('echo 1 > /sys/bus/scsi/devices/0:0:1:1074085889/'
                                           'delete')[0])
        self.assertEqual(['sdb'], list(self.guest.state()['disks']))

    def test_fc_host_attributes(self):
        run = self.guest.run
        self.assertEqual('Online\n', run('cat /sys/class/fc_host/host0/port_state')[1])
        self.assertEqual('0x%s\n' % gf.NPIV1, run('cat /sys/class/fc_host/host0/port_name')[1])
