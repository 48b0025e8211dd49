"""Directory vs active configuration, power and the reader (zvm.pm changeVM, powerVM)."""

from tests.common.functional import simbase


class TestDedicate(simbase.SimTestCase):

    def test_dedicate_running_guest_changes_directory_and_active(self):
        """zvm.pm --dedicatedevice: directory and, as rpower stat says on, active.

        Image_Device_Dedicate_DM then Image_Device_Dedicate. Each answer is
        smcli's output from backticks, newline included (zvm.pm 2408-2421;
        checked against zvm.pm itself by tests/oracle).
        """
        data = self.chvm('vm1', '--dedicatedevice 1f03 1f03 0')
        self.assertEqual(["vm1: Dedicating device 1F03 to VM1's directory entry... Done\n",
                          "vm1: Dedicating device 1F03 to VM1's active configuration... Done\n"],
                         self.infos(data))
        guest = self.sim.admin.guest('vm1')
        self.assertEqual({'raddr': '1f03', 'mode': '0'}, guest['directory']['1f03'])
        self.assertEqual('1f03', guest['active']['1f03'])

    def test_dedicate_stopped_guest_changes_directory_only(self):
        data = self.chvm('vm3', '--dedicatedevice 1f03 1f03 0')
        self.assertEqual(["vm3: Dedicating device 1F03 to VM3's directory entry... Done\n"],
                         self.infos(data))
        guest = self.sim.admin.guest('vm3')
        self.assertIn('1f03', guest['directory'])
        self.assertEqual({}, guest['active'])

    def test_power_on_loads_directory_into_active(self):
        self.chvm('vm3', '--dedicatedevice 1f03 1f03 0')
        data = self.put('nodes/vm3/power', 'on')
        self.assertEqual(['vm3: Activating VM3... Done'], self.infos(data))
        guest = self.sim.admin.guest('vm3')
        self.assertEqual(('on', {'1f03': '1f03'}), (guest['power'], guest['active']))
        self.assertEqual(['vm3: on\n'], self.infos(self.get('nodes/vm3/power')))

    def test_power_on_twice_fails_like_smapi(self):
        """zvm.pm 3456-3464: 'node: ' before SMAPI's whole answer, not per line."""
        data = self.put('nodes/vm1/power', 'on')
        self.assertEqual(['vm1: Activating VM1... Failed\n  Return Code: 200\n'
                          '  Reason Code: 8\n  Description: Image already active'],
                         self.errors(data))

    def test_power_off_text(self):
        """zvm.pm 3514-3545: smcli's line as it came; 200/12 'already logged off.'"""
        self.assertEqual(['vm1: Deactivating VM1... Done\n'],
                         self.infos(self.put('nodes/vm1/power', 'off')))
        self.assertEqual(['vm1: VM1 already logged off.'],
                         self.infos(self.put('nodes/vm1/power', 'softoff')))

    def test_power_off_drops_active_config(self):
        self.put('nodes/vm1/power', 'off')
        guest = self.sim.admin.guest('vm1')
        self.assertEqual(('off', {}), (guest['power'], guest['active']))

    def test_dedicate_already_in_directory_skips_active(self):
        """zvm.pm: Return Code 404 / Reason Code 4 is reported Done, active untouched."""
        self.chvm('vm3', '--dedicatedevice 1f03 1f03 0')
        self.put('nodes/vm3/power', 'on')
        self.chvm('vm3', '--undedicatedevice 1f03')
        self.chvm('vm3', '--dedicatedevice 1f03 1f03 0')
        data = self.chvm('vm3', '--dedicatedevice 1f03 1f03 0')
        self.assertEqual(["vm3: Dedicating device 1f03 to VM3's directory entry... Done"],
                         self.infos(data))

    def test_device_in_use_by_other_running_guest(self):
        self.chvm('vm1', '--dedicatedevice 1f03 1f03 0')
        data = self.chvm('vm2', '--dedicatedevice 1f03 1f03 0')
        self.assertIn('Failed', self.errors(data)[0])
        self.assertNotIn('1f03', self.sim.admin.guest('vm2')['active'])
        self.assertIn('1f03', self.sim.admin.guest('vm2')['directory'])

    def test_undedicate_running_guest(self):
        self.chvm('vm1', '--dedicatedevice 1f03 1f03 0')
        data = self.chvm('vm1', '--undedicatedevice 1f03')
        self.assertEqual(2, len(self.infos(data)))
        guest = self.sim.admin.guest('vm1')
        self.assertNotIn('1f03', guest['directory'])
        self.assertNotIn('1f03', guest['active'])

    def test_undedicate_missing_device_is_error(self):
        data = self.chvm('vm3', '--undedicatedevice 1f03')
        self.assertIn('Return Code: 404', self.errors(data)[0])


class TestReader(simbase.SimTestCase):

    def test_aemod_punches_doscript_class_x(self):
        """zvm.pm --aemod: aemod.doscript (invoke script + worker), class X.

        No output on success.
        """
        data = self.chvm('vm3', '--aemod setupDisk action=addScsiVolume fcpAddr=1f01 '
                                'wwpn=500507680b21bac6 lun=4001400500000000')
        self.assertEqual([], data)
        reader = self.sim.admin.guest('vm3')['reader']
        self.assertEqual(1, len(reader))
        self.assertEqual(('aemod.doscript', 'X', 'setupDisk'),
                         (reader[0]['name'], reader[0]['class'], reader[0]['script']))
        self.assertEqual(['action=addScsiVolume', 'fcpAddr=1f01', 'wwpn=500507680b21bac6',
                          'lun=4001400500000000'], reader[0]['args'])
        self.assertIn('/bin/bash setupDisk action=addScsiVolume', reader[0]['content'])

    def test_unknown_worker(self):
        data = self.chvm('vm3', '--aemod nosuch a=b')
        self.assertEqual(['vm3: (Error) The worker script nosuch does not exist on xCAT '
                          'server'], self.errors(data))
        self.assertEqual([], self.sim.admin.guest('vm3')['reader'])

    def test_reader_consumed_at_power_on(self):
        self.chvm('vm3', '--aemod setupDisk action=removefilesysnode tgtFile=/dev/x')
        self.put('nodes/vm3/power', 'on')
        self.assertEqual([], self.sim.admin.guest('vm3')['reader'])
