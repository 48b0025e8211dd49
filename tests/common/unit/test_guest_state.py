"""GuestLinux serialisation (to_dict/from_dict) and the state() read-back."""

import json
import os
import tempfile

import ddt
import testtools

from tests.common.unit import guest_fakes as gf
from zvm_sim.core.guest import GuestLinux


def busy_guest(distro='rhel', version='9.2'):
    """A guest with units on two paths, a map, a rule link and /etc files."""
    guest = GuestLinux('vm1', distro, version, gf.FakeHost())
    guest.power_on()
    script = ('cio_ignore -r 1f00,2f00\nchccwdev -e 1f00\nchccwdev -e 2f00\n'
              'echo 0x%(lun)s > /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x%(w1)s/unit_add\n'
              'echo 0x%(lun)s > /sys/bus/ccw/drivers/zfcp/0.0.2f00/0x%(w2)s/unit_add\n'
              'echo 0x4001 > /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x%(w1)s/unit_add\n'
              'echo "0.0.1f00 0x%(w1)s 0x%(lun)s" >> /etc/zfcp.conf\n'
              'multipath -r\n'
              "echo 'KERNEL==\"sd*\", ATTRS{wwpn}==\"0x%(w1)s\", ATTRS{fcp_lun}==\"0x%(lun)s\", "
              "SYMLINK+=\"vdb%%n\"' > /etc/udev/rules.d/56-zfcp.rules\n"
              'udevadm trigger\n'
              'ln -sf /dev/mapper/mpatha /dev/vdc\n'
              % {'lun': gf.LUN1, 'w1': gf.WWPN1, 'w2': gf.WWPN2})
    rc, out, err = guest.run(script)
    assert rc == 0, err
    return guest


@ddt.ddt
class RoundTripTest(testtools.TestCase):
    @ddt.data(True, False)
    def test_round_trip(self, powered):
        """from_dict(to_dict()) gives the same state, through JSON."""
        guest = busy_guest()
        if not powered:
            guest.power_off()
        data = json.loads(json.dumps(guest.to_dict()))
        copy = GuestLinux.from_dict(data, guest.host)
        self.assertEqual(guest.state(), copy.state())
        self.assertEqual(guest.to_dict(), copy.to_dict())

    def test_restored_guest_keeps_working(self):
        """Host numbers, sd names and dm numbers continue where they were."""
        guest = busy_guest()
        copy = GuestLinux.from_dict(guest.to_dict(), guest.host)
        copy.run('echo 0x%s > /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x%s/unit_add'
                 % (gf.LUN2, gf.WWPN1))
        self.assertEqual(['sda', 'sdb', 'sdc'], sorted(copy.state()['disks']))
        copy.run('chccwdev -d 2f00\nchccwdev -e 2f00')
        self.assertEqual({'1f00': 'host0', '2f00': 'host2'}, copy.state()['scsi_hosts'])


class StateTest(testtools.TestCase):
    def test_keys_and_values(self):
        guest = busy_guest()
        state = guest.state()
        wwid = guest.host.lun_wwid(gf.WWPN1, gf.LUN1)
        self.assertEqual(['1f00', '2f00'], state['online_fcp'])
        self.assertEqual(['1f00', '2f00'], state['visible_fcp'])
        self.assertEqual({'1f00': [gf.WWPN1, gf.WWPN2], '2f00': [gf.WWPN1, gf.WWPN2]},
                         state['remote_ports'])
        self.assertEqual({'1f00': {gf.WWPN1: [gf.LUN1, '0000000000004001']},
                          '2f00': {gf.WWPN2: [gf.LUN1]}}, state['units'])
        self.assertEqual({'devno': '1f00', 'wwpn': gf.WWPN1, 'lun': gf.LUN1, 'wwid': wwid,
                          'hctl': '0:0:0:1074085889'}, state['disks']['sda'])
        self.assertEqual({'mpatha': {'wwid': wwid, 'dm': 'dm-0', 'paths': ['sda', 'sdb']}},
                         state['multipath'])
        self.assertEqual({wwid: ['sda', 'sdb']}, state['multipath_paths'])
        self.assertEqual({'/dev/vdb': 'sda', '/dev/vdc': 'dm-0'}, state['mountpoints'])
        self.assertEqual([['1f00', gf.WWPN1, '0x' + gf.LUN1]],
                         state['persistent']['zfcp_conf'])
        self.assertIn('/etc/udev/rules.d/56-zfcp.rules', state['etc_files'])
        self.assertEqual({'all': True, 'freed': ['1f00', '2f00'], 'added': [],
                          'ignored_active': []}, state['cio_ignore'])

    def test_powered_off_state(self):
        guest = busy_guest()
        guest.power_off()
        state = guest.state()
        self.assertFalse(state['powered'])
        for key in ('online_fcp', 'visible_fcp'):
            self.assertEqual([], state[key])
        for key in ('disks', 'units', 'by_path', 'multipath', 'mountpoints', 'block_sizes'):
            self.assertEqual({}, state[key])
        self.assertEqual([['1f00', gf.WWPN1, '0x' + gf.LUN1]],
                         state['persistent']['zfcp_conf'])

    def test_block_sizes_are_the_luns_capacity(self):
        """A disk and its map are as large as the LUN, whatever cinder calls it.

        Linux sizes a SCSI disk by READ CAPACITY (sd.c sd_read_capacity):
        the LUN's size, which is why extending a volume within its LUN
        changes nothing the guest sees.
        """
        with tempfile.TemporaryDirectory() as backing:
            with open(os.path.join(backing, gf.LUN1 + '.img'), 'wb') as f:
                f.truncate(5 * 1024 ** 3)
            guest = busy_guest()
            guest.host.backing_dir = backing
            sizes = guest.state()['block_sizes']
            rc, out, _err = guest.run('cat /sys/block/sda/size')
        self.assertEqual(0, rc)
        self.assertEqual({'sda': 5 * 1024 ** 3, 'sdb': 5 * 1024 ** 3, 'dm-0': 5 * 1024 ** 3},
                         sizes)
        self.assertEqual(sizes['sda'], int(out) * 512)

    def test_aliases(self):
        """internals.rst names boot()/shutdown(): same as power_on/off."""
        guest = GuestLinux('vm1', 'ubuntu', '22.04', gf.FakeHost())
        self.assertEqual([], guest.boot([]))
        self.assertTrue(guest.state()['powered'])
        guest.shutdown()
        self.assertFalse(guest.state()['powered'])
