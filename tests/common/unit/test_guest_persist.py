"""Per-distro persistence of zfcp LUNs and reboot semantics.

The command strings are those xCAT's zvm.pm (changeVM --addzfcp /
--removezfcp) sends over ssh, per distro: RHEL appends to /etc/zfcp.conf
and sends ``echo add > .../uevent`` (zfcpconf.sh); SLES 11/12 run
zfcp_host_configure / zfcp_disk_configure and write
/etc/udev/rules.d/51-zfcp-0.0.<dev>.rules; Ubuntu uses chzdev.
"""

import ddt
import testtools

from tests.common.unit import guest_fakes as gf
from zvm_sim.core.guest import GuestLinux

DEV, WWPN, LUN = '1f00', gf.WWPN1, gf.LUN1
UNIT_ADD = 'echo 0x%s > /sys/bus/ccw/drivers/zfcp/0.0.%s/0x%s/unit_add' % (LUN, DEV, WWPN)
UNIT_REMOVE = 'echo 0x%s > /sys/bus/ccw/drivers/zfcp/0.0.%s/0x%s/unit_remove' % (LUN, DEV, WWPN)


def boot(distro, version):
    guest = GuestLinux('vm1', distro, version, gf.FakeHost())
    guest.power_on()
    return guest


def reboot(guest):
    guest.power_off()
    guest.power_on()
    return guest.state()


def xcat_addzfcp(distro, version=''):
    """zvm.pm --addzfcp's in-guest commands (root: no sudo) in order.

    zvm.pm persists LUNs only for os =~ /sles1[12]/, /rhel/, /ubuntu/: on
    SLES 15 it configures the host (zfcp_host_configure) but not the LUN.
    """
    steps = ['/sbin/cio_ignore -r %s' % DEV]
    if distro == 'sles':
        steps.append('/sbin/zfcp_host_configure 0.0.%s 1' % DEV)
    elif distro == 'ubuntu':
        steps.append('/sbin/chzdev zfcp-host %s -e' % DEV)
    if distro != 'ubuntu':
        steps.append('/sbin/chccwdev -e 0.0.%s 2>&1' % DEV)
    steps.append(UNIT_ADD)
    if distro == 'sles' and version.startswith('15'):
        pass
    elif distro == 'sles':
        rules = '/etc/udev/rules.d/51-zfcp-0.0.%s.rules' % DEV
        steps.append('/sbin/zfcp_disk_configure 0.0.%s %s %s 1' % (DEV, WWPN, LUN))
        steps.append(' cat ' + rules)
        steps.append('echo ACTION==\\"add\\", KERNEL==\\"rport-*\\", ATTR{port_name}==\\"0x%s'
                     '\\", SUBSYSTEMS==\\"ccw\\", KERNELS==\\"0.0.%s\\", ATTR{[ccw/0.0.%s]0x%s/'
                     'unit_add}=\\"0x%s\\">> %s' % (WWPN, DEV, DEV, WWPN, LUN, rules))
    elif distro == 'rhel':
        steps.append('echo "0.0.%s 0x%s 0x%s" >> /etc/zfcp.conf' % (DEV, WWPN, LUN))
        steps.append('echo add > /sys/bus/ccw/devices/0.0.%s/uevent' % DEV)
    else:
        steps.append('/sbin/chzdev zfcp-lun 0.0.%s:0x%s:0x%s -e' % (DEV, WWPN, LUN))
    steps.append('/sbin/multipath -r')
    return steps


def xcat_removezfcp(distro):
    steps = [UNIT_REMOVE]
    if distro == 'sles':
        steps.append(' sed -i -e /%s/d /etc/udev/rules.d/51-zfcp-0.0.%s.rules' % (LUN, DEV))
    elif distro == 'rhel':
        steps.append(' sed -i -e /%s/d /etc/zfcp.conf' % LUN)
    else:
        steps.append(' /sbin/chzdev zfcp-lun 0.0.%s:0x%s:0x%s -d' % (DEV, WWPN, LUN))
    steps += [' /sbin/multipath -W', ' /sbin/multipath -r']
    return steps


@ddt.ddt
class XcatAddRemoveTest(testtools.TestCase):
    """xCAT's own sequences work on the distros it supports."""

    @ddt.data(('rhel', '7.9', True), ('rhel', '9.2', True), ('sles', '12.5', True),
              ('sles', '15.4', False), ('ubuntu', '22.04', True))
    @ddt.unpack
    def test_add_persists_across_reboot(self, distro, version, lun_persisted):
        guest = boot(distro, version)
        for step in xcat_addzfcp(distro, version):
            rc, out, err = guest.run(step)
            self.assertEqual(0, rc, '%s: %s%s' % (step, out, err))
        self.assertEqual(['sda'], list(guest.state()['disks']))
        state = reboot(guest)
        expected = {DEV: {WWPN: [LUN]}} if lun_persisted else {}
        self.assertEqual(expected, state['units'])
        self.assertEqual(['sda'] if lun_persisted else [], list(state['disks']))
        self.assertEqual([DEV], state['online_fcp'])

    @ddt.data(('rhel', '9.2'), ('sles', '12.5'), ('ubuntu', '22.04'))
    @ddt.unpack
    def test_remove_is_gone_after_reboot(self, distro, version):
        guest = boot(distro, version)
        for step in xcat_addzfcp(distro) + xcat_removezfcp(distro):
            rc, out, err = guest.run(step)
            self.assertEqual(0, rc, '%s: %s%s' % (step, out, err))
        self.assertEqual({}, guest.state()['units'])
        self.assertEqual({}, reboot(guest)['units'])


@ddt.ddt
class RebootTest(testtools.TestCase):
    def test_missing_persistence_entry_lost_at_reboot(self):
        """Only the active config was changed.

        after reboot the LUN is gone and the FCP device is blacklisted again (cio_ignore=all).
        """
        guest = boot('rhel', '9.2')
        guest.run(gf.attach_script(DEV, WWPN, LUN, zfcp_conf=False))
        self.assertEqual({DEV: {WWPN: [LUN]}}, guest.state()['units'])
        state = reboot(guest)
        self.assertEqual(({}, {}, []), (state['units'], state['disks'], state['online_fcp']))
        self.assertIn(DEV, state['cio_ignore']['ignored_active'])

    def test_power_off_drops_volatile_keeps_etc(self):
        guest = boot('rhel', '9.2')
        guest.run(gf.attach_script(DEV, WWPN, LUN, zfcp_conf=True))
        guest.run('ln -sf /dev/sda /dev/vdb; echo x > /tmp/t')
        guest.power_off()
        state = guest.state()
        self.assertFalse(state['powered'])
        self.assertEqual(({}, [], {}), (state['disks'], state['online_fcp'], state['by_path']))
        self.assertNotIn('/dev/vdb', guest.store.links)
        self.assertNotIn('/tmp/t', guest.store.files)
        self.assertIn('/etc/zfcp.conf', state['etc_files'])

    def test_rhel_zfcp_conf_short_lun_is_wrong_lun_after_reboot(self):
        """zfcpconf.sh writes the LUN text as found.

        a short LUN in zfcp.conf becomes another LUN at boot, which the storage does not have.
        """
        guest = boot('rhel', '9.2')
        guest.run('echo "0.0.%s 0x%s 0x4001" >> /etc/zfcp.conf' % (DEV, WWPN))
        state = reboot(guest)
        self.assertEqual({DEV: {WWPN: ['0000000000004001']}}, state['units'])
        self.assertEqual({}, state['disks'])

    def test_rhel_uevent_applies_zfcp_conf(self):
        """RHEL.

        cio_ignore -r + echo add > uevent activates a zfcp.conf entry at once (RHEL installation
        guide, zfcp.conf).
        """
        guest = boot('rhel', '9.2')
        guest.run('echo "0.0.%s 0x%s 0x%s" >> /etc/zfcp.conf' % (DEV, WWPN, LUN))
        self.assertEqual({}, guest.state()['units'])
        guest.run('cio_ignore -r %s\necho add > /sys/bus/ccw/devices/0.0.%s/uevent' % (DEV, DEV))
        self.assertEqual({DEV: {WWPN: [LUN]}}, guest.state()['units'])

    def test_zfcp_conf_ignored_outside_rhel(self):
        guest = boot('ubuntu', '22.04')
        guest.run('echo "0.0.%s 0x%s 0x%s" >> /etc/zfcp.conf' % (DEV, WWPN, LUN))
        self.assertEqual({}, reboot(guest)['units'])

    def test_device_undedicated_while_off_not_there_at_boot(self):
        """Only devices in the active z/VM config exist at boot.

        Whatever the persistent config says.
        """
        guest = boot('ubuntu', '22.04')
        guest.run('chzdev zfcp-host %s -e\nchzdev zfcp-lun 0.0.%s:0x%s:0x%s -e'
                  % (DEV, DEV, WWPN, LUN))
        guest.power_off()
        del guest.host.active[DEV]
        guest.power_on()
        state = guest.state()
        self.assertEqual(([], {}), (state['online_fcp'], state['units']))
        self.assertEqual([[DEV, WWPN, LUN]], state['persistent']['chzdev_luns'])


@ddt.ddt
class ChzdevTest(testtools.TestCase):
    def test_store_files(self):
        """chzdev writes its own udev rules (41-zfcp-host/lun-<bus>.rules)."""
        guest = boot('ubuntu', '22.04')
        rc, out, _ = guest.run('chzdev zfcp-host %s -e' % DEV)
        self.assertEqual((0, 'FCP device 0.0.%s configured\n' % DEV), (rc, out))
        self.assertEqual((0, 'FCP device 0.0.%s already configured\n' % DEV),
                         guest.run('chzdev zfcp-host %s -e' % DEV)[:2])
        rc, out, _ = guest.run('chzdev zfcp-lun 0.0.%s:0x%s:0x%s -e' % (DEV, WWPN, LUN))
        self.assertEqual(0, rc)
        persistent = guest.state()['persistent']
        self.assertEqual([DEV], persistent['chzdev_hosts'])
        self.assertEqual([[DEV, WWPN, LUN]], persistent['chzdev_luns'])
        self.assertEqual(['sda'], list(guest.state()['disks']))

    def test_lun_configures_host_as_prerequisite(self):
        """zdev: an FCP LUN lists its FCP device as prerequisite."""
        guest = boot('ubuntu', '22.04')
        rc, out, err = guest.run('chzdev zfcp-lun 0.0.%s:0x%s:0x%s -e' % (DEV, WWPN, LUN))
        self.assertEqual((0, 'FCP device 0.0.%s configured (prerequisite)\n'
                          'zFCP LUN 0.0.%s:0x%s:0x%s configured\n' % (DEV, DEV, WWPN, LUN)),
                         (rc, out))
        self.assertEqual([DEV], guest.state()['persistent']['chzdev_hosts'])

    def test_lun_undedicated_fcp(self):
        guest = boot('ubuntu', '22.04')
        rc, out, err = guest.run('chzdev zfcp-lun 0.0.3f00:0x%s:0x%s -e' % (WWPN, LUN))
        self.assertEqual((3, ''), (rc, out))
        self.assertEqual('FCP device 0.0.3f00 configure failed (prerequisite)\n'
                         '    Device not found\n', err)

    def test_lun_missing_on_storage_is_undone(self):
        """zdev zfcp_lun_add: no SCSI device -> unit_remove, rc 27."""
        guest = boot('ubuntu', '22.04')
        guest.host.luns.clear()
        rc, _, err = guest.run('chzdev zfcp-lun 0.0.%s:0x%s:0x%s -e' % (DEV, WWPN, LUN))
        self.assertEqual(27, rc)
        self.assertIn('No SCSI device found - check FCP LUN ID and SAN settings', err)
        state = guest.state()
        self.assertEqual(({}, []), (state['units'], state['persistent']['chzdev_luns']))

    def test_lun_port_not_seen(self):
        guest = boot('ubuntu', '22.04')
        rc, _, err = guest.run('chzdev zfcp-lun 0.0.%s:0x%s:0x%s -e' % (DEV, '1' * 16, LUN))
        self.assertEqual(25, rc)
        self.assertIn('Target port not found', err)

    def test_persistent_only(self):
        """chzdev -p changes only the persistent config: active after reboot."""
        guest = boot('rhel', '9.2')
        guest.run('chzdev zfcp-host %s -e -p\nchzdev zfcp-lun 0.0.%s:0x%s:0x%s -e -p'
                  % (DEV, DEV, WWPN, LUN))
        self.assertEqual({}, guest.state()['units'])
        self.assertEqual({DEV: {WWPN: [LUN]}}, reboot(guest)['units'])

    def test_disable_removes_entry(self):
        guest = boot('sles', '15.4')
        guest.run('chzdev zfcp-host %s -e\nchzdev zfcp-lun 0.0.%s:0x%s:0x%s -e'
                  % (DEV, DEV, WWPN, LUN))
        rc, out, _ = guest.run('chzdev zfcp-lun 0.0.%s:0x%s:0x%s -d' % (DEV, WWPN, LUN))
        self.assertEqual(0, rc)
        self.assertEqual([], guest.state()['persistent']['chzdev_luns'])
        self.assertEqual({}, reboot(guest)['units'])

    @ddt.data(('0.0.1f00:0x%s:0x40014005' % WWPN, 26, 'LUN not in 16 digit format'),
              ('0.0.1f00:0x%s:0x400140050000000g' % WWPN, 26, 'LUN not a valid hex number'),
              ('0.0.1f00:0x5005:0x%s' % LUN, 24, 'WWPN not in 16 digit format'),
              ('0.0.1f00:%s' % WWPN, 10, "Missing second colon (':')"))
    @ddt.unpack
    def test_bad_lun_id(self, ident, code, reason):
        """zdev zfcp_lun_parse_devid wants 16 hex digits (unlike sysfs)."""
        guest = boot('ubuntu', '22.04')
        rc, out, err = guest.run('chzdev zfcp-lun %s -e' % ident)
        self.assertEqual((code, ''), (rc, out))
        self.assertEqual('Error in zFCP LUN ID format: %s: %s\n' % (reason, ident), err)
        self.assertEqual({}, guest.state()['units'])

    def test_disable_unknown_lun(self):
        guest = boot('ubuntu', '22.04')
        rc, _, err = guest.run('chzdev zfcp-lun 0.0.%s:0x%s:0x%s -d' % (DEV, WWPN, LUN))
        self.assertEqual(3, rc)
        self.assertIn('deconfigure failed', err)

    @ddt.data(('rhel', '7.9'), ('sles', '12.1'))
    @ddt.unpack
    def test_not_shipped_on_old_releases(self, distro, version):
        rc, _, err = boot(distro, version).run('chzdev zfcp-host 1f00 -e')
        self.assertEqual(127, rc)
        self.assertIn('chzdev: command not found', err)

    def test_sles_scripts_only_on_sles(self):
        self.assertEqual(127, boot('rhel', '9.2').run('zfcp_host_configure 0.0.1f00 1')[0])


class SlesScriptsTest(testtools.TestCase):
    def test_sles12_rules_file(self):
        guest = boot('sles', '12.5')
        self.assertEqual(0, guest.run('zfcp_host_configure 0.0.%s 1' % DEV)[0])
        self.assertEqual(0, guest.run('zfcp_disk_configure 0.0.%s %s %s 1'
                                      % (DEV, WWPN, LUN))[0])
        state = guest.state()
        self.assertEqual([DEV], state['persistent']['sles_rules'])
        self.assertEqual([[DEV, WWPN, '0x' + LUN]], state['persistent']['udev_units'])
        self.assertEqual({DEV: {WWPN: [LUN]}}, reboot(guest)['units'])

    def test_disk_configure_needs_online_adapter(self):
        guest = boot('sles', '12.5')
        guest.run('cio_ignore -r %s' % DEV)
        rc, out, _ = guest.run('zfcp_disk_configure 0.0.%s %s %s 1' % (DEV, WWPN, LUN))
        self.assertEqual((1, 'FCP adapter 0.0.%s not online\n' % DEV), (rc, out))

    def test_host_configure_missing_device(self):
        guest = boot('sles', '12.5')
        rc, out, _ = guest.run('zfcp_host_configure 0.0.3f00 1')
        self.assertEqual((1, 'No device 0.0.3f00\n'), (rc, out))

    def test_disk_deconfigure(self):
        guest = boot('sles', '12.5')
        guest.run('zfcp_host_configure 0.0.%s 1\nzfcp_disk_configure 0.0.%s %s %s 1'
                  % (DEV, DEV, WWPN, LUN))
        self.assertEqual(0, guest.run('zfcp_disk_configure 0.0.%s %s %s 0'
                                      % (DEV, WWPN, LUN))[0])
        self.assertEqual([], guest.state()['persistent']['udev_units'])
        self.assertEqual({}, reboot(guest)['units'])
