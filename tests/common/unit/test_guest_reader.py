"""Reader files processed at boot, as xCAT's activation engine does.

``chvm --aemod setupDisk <parms>`` punches aemod.doscript whose
invokeScript.sh runs ``/bin/bash setupDisk action=...``; the model follows
xcat-core xCAT-server/share/xcat/scripts/setupDisk (version 3.0) step by
step. Any other script in the reader runs through the guest shell.
"""

import ddt
import testtools

from tests.common.unit import guest_fakes as gf
from zvm_sim.core.guest import GuestLinux


def aemod(*parms):
    """The reader file the simulator core punches for --aemod."""
    return {'name': 'aemod.doscript', 'class': 'X',
            'content': '#!/bin/bash\n/bin/bash setupDisk %s\n' % ' '.join(parms)}


def add_volume(fcps=('1f00',), wwpns=(gf.WWPN1,), lun=gf.LUN1):
    return aemod('action=addScsiVolume', 'fcpAddr=' + ','.join(fcps),
                 'wwpn=' + ','.join(wwpns), 'lun=' + lun)


def remove_volume(fcps=('1f00',), wwpns=(gf.WWPN1,), lun=gf.LUN1):
    return aemod('action=removeScsiVolume', 'fcpAddr=' + ','.join(fcps),
                 'wwpn=' + ','.join(wwpns), 'lun=' + lun)


def by_path(distro, fcp, wwpn, lun):
    if distro == 'ubuntu':
        return '/dev/disk/by-path/ccw-0.0.%s-fc-0x%s-lun-0x%s' % (fcp, wwpn, lun)
    return '/dev/disk/by-path/ccw-0.0.%s-zfcp-0x%s:0x%s' % (fcp, wwpn, lun)


def stopped(distro, version):
    return GuestLinux('vm1', distro, version, gf.FakeHost())


@ddt.ddt
class SetupDiskTest(testtools.TestCase):
    @ddt.data(('rhel', '9.2'), ('sles', '12.5'), ('ubuntu', '22.04'))
    @ddt.unpack
    def test_add_at_boot_and_persisted(self, distro, version):
        guest = stopped(distro, version)
        results = guest.power_on([add_volume()])
        self.assertEqual(1, len(results))
        self.assertEqual('setupDisk', results[0]['kind'])
        self.assertIn('setupDisk successfully create the SCSI volume', results[0]['stdout'])
        self.assertEqual({'1f00': {gf.WWPN1: [gf.LUN1]}}, guest.state()['units'])
        guest.power_off()
        guest.power_on()
        self.assertEqual({'1f00': {gf.WWPN1: [gf.LUN1]}}, guest.state()['units'])

    def test_add_multipath_builds_map(self):
        guest = stopped('rhel', '9.2')
        guest.power_on([add_volume(('1f00', '2f00'), (gf.WWPN1, gf.WWPN2))])
        state = guest.state()
        self.assertEqual(4, len(state['disks']))
        self.assertEqual(4, len(state['multipath']['mpatha']['paths']))

    def test_add_for_undedicated_fcp_fails_in_guest(self):
        """onlineDevice fails: 'Could not activate the virtual device'."""
        guest = stopped('rhel', '9.2')
        results = guest.power_on([add_volume(fcps=('3f00',))])
        self.assertIn('onlineDevice (Error) Could not activate the virtual device 3f00',
                      results[0]['stdout'])
        self.assertEqual({}, guest.state()['units'])

    def test_add_lun_missing_on_storage_reports_wait(self):
        guest = stopped('rhel', '9.2')
        guest.host.luns.clear()
        out = guest.power_on([add_volume()])[0]['stdout']
        self.assertIn('did not appear', out)
        self.assertEqual({}, guest.state()['disks'])

    @ddt.data(('rhel', '9.2'), ('ubuntu', '22.04'))
    @ddt.unpack
    def test_remove_at_boot(self, distro, version):
        guest = stopped(distro, version)
        guest.power_on([add_volume()])
        guest.power_off()
        guest.power_on([remove_volume()])
        self.assertEqual({}, guest.state()['units'])
        guest.power_off()
        guest.power_on()
        self.assertEqual({}, guest.state()['units'])

    def test_sles15_remove_keeps_persistent_entry(self):
        """setupDisk's removeScsiVolume edits only sles11/sles12 rules."""
        guest = stopped('sles', '15.4')
        guest.power_on([add_volume()])
        guest.power_off()
        guest.power_on([remove_volume()])
        self.assertEqual({}, guest.state()['units'])
        guest.power_off()
        guest.power_on()
        self.assertEqual({'1f00': {gf.WWPN1: [gf.LUN1]}}, guest.state()['units'])

    @ddt.data(('rhel', '9.2'), ('ubuntu', '22.04'))
    @ddt.unpack
    def test_create_and_remove_filesys_node(self, distro, version):
        guest = stopped(distro, version)
        src = by_path(distro, '1f00', gf.WWPN1, gf.LUN1)
        guest.power_on([add_volume(),
                        aemod('action=createfilesysnode', 'tgtFile=/dev/vdb', 'srcFile=' + src)])
        self.assertEqual({'/dev/vdb': 'sda'}, guest.state()['mountpoints'])
        guest.power_off()
        guest.power_on()
        self.assertEqual({'/dev/vdb': 'sda'}, guest.state()['mountpoints'])
        guest.power_off()
        guest.power_on([aemod('action=removefilesysnode', 'tgtFile=/dev/vdb')])
        self.assertEqual({}, guest.state()['mountpoints'])
        self.assertEqual([], guest.state()['persistent']['mountpoint_rules'])

    def test_create_filesys_node_multipath_form(self):
        """A WWPN list in srcFile makes setupDisk use the DM_UUID rule."""
        guest = stopped('rhel', '9.2')
        src = '/dev/disk/by-path/ccw-0.0.1f00,2f00-zfcp-0x%s,%s:0x%s' % (
            gf.WWPN1, gf.WWPN2, gf.LUN1)
        guest.power_on([add_volume(('1f00', '2f00'), (gf.WWPN1, gf.WWPN2)),
                        aemod('action=createfilesysnode', 'tgtFile=/dev/vdb', 'srcFile=' + src)])
        self.assertEqual({'/dev/vdb': 'dm-0'}, guest.state()['mountpoints'])

    def test_create_filesys_node_missing_source(self):
        guest = stopped('rhel', '9.2')
        src = by_path('rhel', '1f00', gf.WWPN1, gf.LUN1)
        out = guest.power_on([aemod('action=createfilesysnode', 'tgtFile=/dev/vdb',
                                    'srcFile=' + src)])[0]['stdout']
        self.assertIn('setupDisk (Error) Unable to stat the source file', out)
        self.assertEqual([], guest.state()['persistent']['mountpoint_rules'])

    def test_missing_parameter(self):
        guest = stopped('rhel', '9.2')
        out = guest.power_on([aemod('action=addScsiVolume', 'fcpAddr=1f00')])[0]['stdout']
        self.assertIn('setupDisk (Error) WWPN was not specified', out)


class PlainReaderFileTest(testtools.TestCase):
    def test_plain_script_runs_through_shell(self):
        guest = stopped('rhel', '9.2')
        script = ('#!/bin/bash\nset -e\ncio_ignore -r 1f00\nchccwdev -e 1f00\n'
                  'echo "0.0.1f00 0x%s 0x%s" >> /etc/zfcp.conf\n'
                  'echo 0x%s > /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x%s/unit_add\n'
                  % (gf.WWPN1, gf.LUN1, gf.LUN1, gf.WWPN1))
        results = guest.power_on([('attach.sh', script), {'name': 'empty', 'content': ''}])
        self.assertEqual(['script', 'empty'], [r['kind'] for r in results])
        self.assertEqual(0, results[0]['rc'])
        self.assertEqual({'1f00': {gf.WWPN1: [gf.LUN1]}}, guest.state()['units'])

    def test_failing_script_reported(self):
        guest = stopped('rhel', '9.2')
        result = guest.power_on(['set -e\nchccwdev -e 1f00\necho never'])[0]
        self.assertEqual((1, 'Device 0.0.1f00 not found\n'), (result['rc'], result['stdout']))

    def test_tar_members(self):
        """A doscript given as its tar members: invokeScript.sh is run."""
        guest = stopped('rhel', '9.2')
        item = {'name': 'aemod.doscript',
                'files': {'invokeScript.sh': add_volume()['content'],
                          'setupDisk': '#!/bin/bash\n# xCAT worker\n'}}
        self.assertEqual('setupDisk', guest.power_on([item])[0]['kind'])
        self.assertEqual(['sda'], list(guest.state()['disks']))
