"""Differential tests of ``chvm <node> --aemod setupDisk <parms>`` (zvm.pm 3260-3340).

nova_volumeops (steps.py "notice", connection.aemod_volume_args) leaves a logged-off
guest a note in its reader: zvm.pm writes invokeScript.sh (``/bin/bash <worker>
<parms>``), tars it with the worker as aemod.doscript, onlines the zHCP's punch
(zvmUtils.pm onlineZhcpPunch), copies the tar to the zHCP (sendFile, scp) and
punches it to the guest's reader, class X (zvmCPUtils.pm punch2Reader: vmur
punch, vmcp change rdr / transfer rdr). The oracle runs all of it; the zHCP's
spool and the transfer into the guest model's reader are stand-ins
(realxcat/smapi.py vmur/vmcp), which read the worker and its parameters out of
the punched tar. Compared: the replies (nothing on success) and the reader
files each guest got, and what the guest does with them at its next logon.
"""

from tests.oracle import base

ADD = ('--aemod setupDisk action=addScsiVolume fcpAddr=1f02 '
       'wwpn=0x500507680b21bac6 lun=0x4001400500000000 target=/dev/sdb')


class TestAemod(base.DiffTestCase):

    def reader_and_boot(self, node):
        def view(fixture):
            guest = fixture.admin.guest(node)
            return guest['reader'], guest['boot_results'], guest['linux_state']
        return view(self.sim), view(self.oracle)

    def test_note_for_a_logged_off_guest(self):
        self.chvm('vm4', '--dedicatedevice 1f02 1f02 0')
        self.assertEqual({'data': []}, self.chvm('vm4', ADD))
        self.chvm('vm4', '--aemod setupDisk action=createfilesysnode '
                         'srcFile=/dev/sdb tgtFile=/dev/vdb')
        ours, xcats = self.reader_and_boot('vm4')
        self.assertEqual(xcats, ours)
        self.assertEqual(['setupDisk', 'setupDisk'], [f['script'] for f in xcats[0]])
        self.assertOracleRan('chvm vm4 %s' % ADD)
        # the next logon processes the reader the same way
        self.same('PUT', 'nodes/vm4/power', 'on')
        ours, xcats = self.reader_and_boot('vm4')
        self.assertEqual(xcats, ours)
        self.assertSameGuest('vm4')

    def test_running_guest_and_errors(self):
        self.chvm('vm1', '--aemod setupDisk action=removeScsiVolume fcpAddr=1f02 '
                         'wwpn=0x500507680b21bac6 lun=0x4001400500000000')
        self.chvm('vm1', '--aemod nosuchworker a=b')
        self.chvm('vm1', '--aemod')
        ours, xcats = self.reader_and_boot('vm1')
        self.assertEqual(xcats, ours)
