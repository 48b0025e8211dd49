"""dm-multipath maps and udev links in the guest model.

multipath-tools with find_multipaths "yes": a map for a WWID with two or
more paths, or one already listed in /etc/multipath/wwids; ``-W`` resets
that file; ``-f`` flushes one map; leftover maps stay (flush_on_last_del
off). udev: by-path/by-id names per distro (systemd path_id; RHEL's
40-redhat.rules keeps the ``-zfcp-`` form), SYMLINK+= rules of
/etc/udev/rules.d applied on add events and ``udevadm trigger``.
"""

import ddt
import testtools

from tests.common.unit import guest_fakes as gf
from zvm_sim.core.guest import GuestLinux

ADD = 'echo 0x%s > /sys/bus/ccw/drivers/zfcp/0.0.%s/0x%s/unit_add'
REMOVE = 'echo 0x%s > /sys/bus/ccw/drivers/zfcp/0.0.%s/0x%s/unit_remove'


TWO_PATHS = (('1f00', gf.WWPN1), ('2f00', gf.WWPN2))


def guest_with_paths(distro='rhel', version='9.2', paths=TWO_PATHS):
    guest = GuestLinux('vm1', distro, version, gf.FakeHost())
    guest.power_on()
    guest.run('cio_ignore -r 1f00,2f00\nchccwdev -e 1f00\nchccwdev -e 2f00')
    for dev, wwpn in paths:
        rc, _, err = guest.run(ADD % (gf.LUN1, dev, wwpn))
        assert rc == 0, err
    return guest


@ddt.ddt
class MultipathTest(testtools.TestCase):
    def test_two_paths_one_map(self):
        guest = guest_with_paths()
        self.assertEqual((0, '', ''), guest.run('multipath -r'))
        maps = guest.state()['multipath']
        wwid = guest.host.lun_wwid(gf.WWPN1, gf.LUN1)
        self.assertEqual({'mpatha': {'wwid': wwid, 'dm': 'dm-0', 'paths': ['sda', 'sdb']}},
                         maps)
        by_id = guest.state()['by_id']
        self.assertEqual('dm-0', by_id['/dev/disk/by-id/dm-uuid-mpath-' + wwid])
        self.assertEqual('dm-0', by_id['/dev/disk/by-id/scsi-' + wwid])
        self.assertEqual(0, guest.run('test -b /dev/mapper/mpatha')[0])

    @ddt.data(('sles', '15.4'), ('ubuntu', '22.04'))
    @ddt.unpack
    def test_maps_named_by_wwid_without_friendly_names(self, distro, version):
        guest = guest_with_paths(distro, version)
        guest.run('multipath -r')
        wwid = guest.host.lun_wwid(gf.WWPN1, gf.LUN1)
        self.assertEqual([wwid], list(guest.state()['multipath']))
        self.assertTrue(guest.run('multipath -ll')[1].startswith(wwid + ' dm-0 '))

    def test_multipath_a_makes_one_path_a_map(self):
        # multipath -a DEVICE adds its WWID to the wwids file (multipath(8))
        guest = guest_with_paths(paths=(('1f00', gf.WWPN1),))
        link = '/dev/disk/by-path/ccw-0.0.1f00-zfcp-0x%s:0x%s' % (gf.WWPN1, gf.LUN1)
        rc, out, _ = guest.run('multipath -a %s' % link)
        wwid = guest.host.lun_wwid(gf.WWPN1, gf.LUN1)
        self.assertEqual((0, "wwid '%s' added\n" % wwid), (rc, out))
        guest.run('multipath -r')
        self.assertEqual(['sda'], guest.state()['multipath']['mpatha']['paths'])
        self.assertEqual(1, guest.run('multipath -a /dev/disk/by-path/nothing')[0])

    def test_single_path_no_map_unless_known(self):
        guest = guest_with_paths(paths=(('1f00', gf.WWPN1),))
        guest.run('multipath -r')
        self.assertEqual({}, guest.state()['multipath'])
        wwid = guest.host.lun_wwid(gf.WWPN1, gf.LUN1)
        guest.run('echo /%s/ >> /etc/multipath/wwids' % wwid)
        guest.run('multipath -r')
        self.assertEqual(['sda'], guest.state()['multipath']['mpatha']['paths'])

    def test_multipath_ll_format(self):
        """multipath -ll.

        '<alias> (<wwid>) dm-N vendor,product', size line, policy line, then one '|-'/'`-' line per
        path with H:C:T:L sdX.
        """
        guest = guest_with_paths()
        guest.run('multipath -r')
        lines = guest.run('multipath -ll')[1].splitlines()
        wwid = guest.host.lun_wwid(gf.WWPN1, gf.LUN1)
        self.assertEqual('mpatha (%s) dm-0 IBM,2145' % wwid, lines[0])
        self.assertEqual(5, len(lines))
        self.assertIn('0:0:0:1074085889 sda', lines[3])
        self.assertIn('1:0:1:1074085889 sdb', lines[4])

    def test_leftover_map_after_units_removed(self):
        """Removing every path leaves the map until multipath -f."""
        guest = guest_with_paths()
        guest.run('multipath -r')
        guest.run(REMOVE % (gf.LUN1, '1f00', gf.WWPN1) + '\n' +
                  REMOVE % (gf.LUN1, '2f00', gf.WWPN2) + '\nmultipath -r')
        self.assertEqual([], guest.state()['multipath']['mpatha']['paths'])
        self.assertEqual(0, guest.run('multipath -f mpatha')[0])
        self.assertEqual({}, guest.state()['multipath'])
        self.assertEqual((1, '', 'mpatha: map not present\n'), guest.run('multipath -f mpatha'))

    def test_wwids_reset(self):
        """xCAT --removezfcp: multipath -W then -r.

        a flushed map's WWID is forgotten, so a later single path does not make a map again.
        """
        guest = guest_with_paths()
        guest.run('multipath -r\nmultipath -f mpatha\nmultipath -W')
        self.assertEqual([], guest.state()['persistent']['multipath_wwids'])
        guest.run(REMOVE % (gf.LUN1, '2f00', gf.WWPN2) + '\nmultipath -r')
        self.assertEqual({}, guest.state()['multipath'])

    def test_maps_rebuilt_at_boot(self):
        guest = guest_with_paths('ubuntu', '22.04', paths=())
        guest.run('chzdev zfcp-host 1f00 -e\nchzdev zfcp-host 2f00 -e\n'
                  'chzdev zfcp-lun 0.0.1f00:0x%s:0x%s -e\n'
                  'chzdev zfcp-lun 0.0.2f00:0x%s:0x%s -e'
                  % (gf.WWPN1, gf.LUN1, gf.WWPN2, gf.LUN1))
        guest.power_off()
        self.assertEqual({}, guest.state()['multipath'])
        guest.power_on()
        self.assertEqual(['sda', 'sdb'], list(guest.state()['multipath'].values())[0]['paths'])

    def test_multipathd_reconfigure(self):
        guest = guest_with_paths()
        self.assertEqual(0, guest.run('multipathd reconfigure')[0])
        self.assertEqual(['mpatha'], list(guest.state()['multipath']))


@ddt.ddt
class UdevNamesTest(testtools.TestCase):
    @ddt.data(('rhel', '9.2', True), ('sles', '15.4', True), ('ubuntu', '22.04', False))
    @ddt.unpack
    def test_by_path_forms(self, distro, version, zfcp_form):
        """Ubuntu (upstream systemd path_id): only the -fc- form, LUN as systemd formats it.

        RHEL/SLES also keep ccw-...-zfcp-0xW:0xL.
        """
        guest = guest_with_paths(distro, version, paths=(('1f00', gf.WWPN1),))
        by_path = guest.state()['by_path']
        fc = '/dev/disk/by-path/ccw-0.0.1f00-fc-0x%s-lun-0x%s' % (gf.WWPN1, gf.LUN1)
        zfcp = '/dev/disk/by-path/ccw-0.0.1f00-zfcp-0x%s:0x%s' % (gf.WWPN1, gf.LUN1)
        self.assertEqual('sda', by_path[fc])
        self.assertEqual(zfcp_form, zfcp in by_path)

    def test_small_lun_decimal_in_fc_form(self):
        """systemd: LUNs below 256 are printed in decimal (lun-33)."""
        guest = guest_with_paths('ubuntu', '22.04', paths=())
        guest.host.luns.add((gf.WWPN1, '0021000000000000'))
        guest.run(ADD % ('0021000000000000', '1f00', gf.WWPN1))
        self.assertIn('/dev/disk/by-path/ccw-0.0.1f00-fc-0x%s-lun-33' % gf.WWPN1,
                      guest.state()['by_path'])

    def test_udevadm_info_id_serial(self):
        """xCAT --createfilesysnode greps ID_SERIAL= from udevadm info."""
        guest = guest_with_paths(paths=(('1f00', gf.WWPN1),))
        path = '/dev/disk/by-path/ccw-0.0.1f00-zfcp-0x%s:0x%s' % (gf.WWPN1, gf.LUN1)
        rc, out, _ = guest.run('/sbin/udevadm info --query=all --name=' + path)
        self.assertEqual(0, rc)
        self.assertIn('E: ID_SERIAL=%s\n' % guest.host.lun_wwid(gf.WWPN1, gf.LUN1), out)


class MountpointTest(testtools.TestCase):
    RULES = '/etc/udev/rules.d/56-zfcp.rules'

    def xcat_create(self, guest, wwpn=gf.WWPN1):
        """zvm.pm --createfilesysnode's command (single path form)."""
        return guest.run(
            'echo KERNEL==\\"sd*\\", ATTRS{wwpn}==\\"0x%s\\", ATTRS{fcp_lun}==\\"0x%s\\", '
            'SYMLINK+=\\"vdb\\%%n\\">>%s ; udevadm control --reload ; '
            'udevadm trigger --sysname-match=sd*' % (wwpn, gf.LUN1, self.RULES))

    def test_sd_rule_link_and_reboot(self):
        guest = guest_with_paths(paths=(('1f00', gf.WWPN1),))
        self.assertEqual(0, self.xcat_create(guest)[0])
        self.assertEqual({'/dev/vdb': 'sda'}, guest.state()['mountpoints'])
        self.assertEqual(['KERNEL=="sd*", ATTRS{wwpn}=="0x%s", ATTRS{fcp_lun}=="0x%s", '
                          'SYMLINK+="vdb%%n"' % (gf.WWPN1, gf.LUN1)],
                         guest.state()['persistent']['mountpoint_rules'])
        self.assertEqual(0, guest.run('test -b /dev/vdb')[0])
        guest.power_off()
        guest.power_on()
        # after reboot no LUN (nothing persisted), so no link either
        self.assertEqual({}, guest.state()['mountpoints'])

    def test_rule_applies_when_device_appears(self):
        """A rule written before the LUN is added fires on the add event."""
        guest = guest_with_paths(paths=())
        self.xcat_create(guest)
        self.assertEqual({}, guest.state()['mountpoints'])
        guest.run(ADD % (gf.LUN1, '1f00', gf.WWPN1))
        self.assertEqual({'/dev/vdb': 'sda'}, guest.state()['mountpoints'])

    def test_removefilesysnode_needs_trigger(self):
        """Deleting the rule alone keeps the link; the trigger removes it."""
        guest = guest_with_paths(paths=(('1f00', gf.WWPN1),))
        self.xcat_create(guest)
        guest.run(' sed -i -e /SYMLINK+=\\"vdb\\%%n\\"/d %s' % self.RULES)
        self.assertEqual({'/dev/vdb': 'sda'}, guest.state()['mountpoints'])
        guest.run('udevadm control --reload ; udevadm trigger --sysname-match=sd*')
        self.assertEqual({}, guest.state()['mountpoints'])

    def test_dm_rule(self):
        guest = guest_with_paths()
        guest.run('multipath -r')
        wwid = guest.host.lun_wwid(gf.WWPN1, gf.LUN1)
        guest.run('echo KERNEL==\\"dm-*\\", ENV{DM_UUID}==\\"mpath-%s\\", SYMLINK+=\\"vdc\\"'
                  '>>%s ; udevadm trigger --sysname-match=dm-*' % (wwid, self.RULES))
        self.assertEqual({'/dev/vdc': 'dm-0'}, guest.state()['mountpoints'])

    def test_ln_sf(self):
        guest = guest_with_paths(paths=(('1f00', gf.WWPN1),))
        guest.run('ln -sf /dev/disk/by-path/ccw-0.0.1f00-zfcp-0x%s:0x%s /dev/vdd'
                  % (gf.WWPN1, gf.LUN1))
        self.assertEqual({'/dev/vdd': 'sda'}, guest.state()['mountpoints'])
