"""chvm zFCP options and xdsh with the guest model (zvm.pm changeVM --addzfcp,
--removezfcp, --createfilesysnode; xdsh), asserting pool, directory and Linux state.
"""

from tests.common.functional import simbase

W = '500507680b21bac6'
LUN = '4001400600000000'
BY_PATH = '/dev/disk/by-path/ccw-0.0.1f00-zfcp-0x%s:0x%s' % (W, LUN)


class TestAddRemoveZfcp(simbase.SimTestCase):

    def linux(self, node):
        return self.sim.admin.guest(node)['linux_state']

    def test_addzfcp_running_guest(self):
        """--addzfcp: pool line used/owner/channel, FCP dedicated (directory + active),

        in the guest: online, unit_add, RHEL /etc/zfcp.conf line.
        """
        data = self.chvm('vm1', '--addzfcp gold 1f00 0 1G 0 %s %s' % (W, LUN))
        self.assertEqual('vm1: Adding zFCP device 1f00/%s/%s... Done' % (W, LUN),
                         self.infos(data)[-1])
        row = self.row('gold', LUN)
        self.assertEqual(('used', 'vm1', '1f00'), (row['status'], row['owner'],
                                                   row['channel']))
        guest = self.sim.admin.guest('vm1')
        self.assertEqual('1f00', guest['active']['1f00'])
        linux = guest['linux_state']
        self.assertEqual({'1f00': {W: [LUN]}}, linux['units'])
        self.assertIn(BY_PATH, linux['by_path'])
        self.assertEqual([['1f00', W, '0x' + LUN]], linux['persistent']['zfcp_conf'])

    def test_addzfcp_used_device_refused(self):
        self.chvm('vm1', '--addzfcp gold 1f00 0 1G 0 %s %s' % (W, LUN))
        data = self.chvm('vm2', '--addzfcp gold 1f01 0 1G 0 %s %s' % (W, LUN))
        self.assertEqual(['vm2: (Error) FCP device 0x%s/0x%s is in use.' % (W, LUN)],
                         self.errors(data))
        self.assertEqual('vm1', self.row('gold', LUN)['owner'])
        self.assertNotIn('1f01', self.sim.admin.guest('vm2')['directory'])

    def test_addzfcp_multipath_loaddev_refused(self):
        data = self.chvm('vm1', '--addzfcp gold 1f00 1 1G 0 %s;500507680b22bac6 '
                                '4001400700000000' % W)
        self.assertEqual(["vm1: (Error) It's not supported to ipl from a multipath device"],
                         self.errors(data))

    def test_addzfcp_stopped_guest_then_reader_at_boot(self):
        """Stopped guest: directory only, nothing in Linux; the setupDisk notice punched

        with --aemod is applied when the guest is powered on.
        """
        self.chvm('vm4', '--addzfcp gold 1f00 0 1G 0 %s %s' % (W, LUN))
        guest = self.sim.admin.guest('vm4')
        self.assertEqual(({}, '1f00'), (guest['active'], guest['directory']['1f00']['raddr']))
        self.assertEqual({}, guest['linux_state']['units'])
        self.chvm('vm4', '--aemod setupDisk action=addScsiVolume fcpAddr=1f00 wwpn=%s lun=%s'
                  % (W, LUN))
        self.put('nodes/vm4/power', 'on')
        guest = self.sim.admin.guest('vm4')
        self.assertEqual([], guest['reader'])
        self.assertEqual({'1f00': {W: [LUN]}}, guest['linux_state']['units'])
        self.assertEqual(0, guest['boot_results'][0]['rc'])

    def test_removezfcp_persist_keeps_reserved_and_dedication(self):
        """--removezfcp dev wwpn lun 1: reserved, owner cleared, unit removed in the guest,

        the FCP stays dedicated.
        """
        self.chvm('vm1', '--addzfcp gold 1f00 0 1G 0 %s %s' % (W, LUN))
        data = self.chvm('vm1', '--removezfcp 1f00 %s %s 1' % (W, LUN))
        self.assertEqual('vm1: De-configuring FCP device on host... Done', self.infos(data)[-1])
        row = self.row('gold', LUN)
        self.assertEqual(('reserved', ''), (row['status'], row['owner']))
        guest = self.sim.admin.guest('vm1')
        self.assertIn('1f00', guest['directory'])
        self.assertEqual([], guest['linux_state']['persistent']['zfcp_conf'])
        self.assertNotIn(BY_PATH, guest['linux_state']['by_path'])

    def test_removezfcp_of_other_owner_refused(self):
        self.chvm('vm1', '--addzfcp gold 1f00 0 1G 0 %s %s' % (W, LUN))
        data = self.chvm('vm2', '--removezfcp 1f00 %s %s 0' % (W, LUN))
        self.assertIn('does not belong to the node vm2', self.errors(data)[0])
        self.assertEqual('used', self.row('gold', LUN)['status'])

    def test_createfilesysnode_writes_udev_rule(self):
        self.chvm('vm1', '--addzfcp gold 1f00 0 1G 0 %s %s' % (W, LUN))
        data = self.chvm('vm1', '--createfilesysnode %s /dev/vdb' % BY_PATH)
        self.assertEqual(['vm1: Creating file system node /dev/vdb... Done'], self.infos(data))
        linux = self.linux('vm1')
        self.assertTrue(linux['persistent']['mountpoint_rules'])
        data = self.chvm('vm1', '--removefilesysnode /dev/vdb')
        self.assertEqual(['vm1: Removing file system node /dev/vdb... Done'], self.infos(data))
        self.assertFalse(self.linux('vm1')['persistent']['mountpoint_rules'])

    def test_createfilesysnode_missing_device(self):
        data = self.chvm('vm1', '--createfilesysnode %s /dev/vdb' % BY_PATH)
        self.assertIn('vm1: (Error) zfcp device 0x%s:0x%s not found in OS' % (W, LUN),
                      self.errors(data))


class TestXdsh(simbase.SimTestCase):

    def dsh(self, node, command):
        return self.put('nodes/%s/dsh' % node, 'command=%s' % command)

    def test_wrong_sequence_fails_then_right_one_works(self):
        """An FCP not dedicated to the guest cannot be set online; once dedicated it can;

        unit_add needs the device online first.
        """
        data = self.dsh('vm1', 'chccwdev -e 1f02')
        self.assertEqual(['Error: vm1 remote Command return code = 1.'], self.errors(data))
        self.assertEqual([], self.sim.admin.guest('vm1')['linux_state']['online_fcp'])
        self.chvm('vm1', '--dedicatedevice 1f02 1f02 0')
        data = self.dsh('vm1', 'cio_ignore -r 1f02 && echo 0x%s > '
                               '/sys/bus/ccw/drivers/zfcp/0.0.1f02/0x%s/unit_add' % (LUN, W))
        self.assertTrue(self.errors(data))
        self.assertEqual({}, self.sim.admin.guest('vm1')['linux_state']['units'])
        data = self.dsh('vm1', 'chccwdev -e 1f02 && echo 0x%s > '
                               '/sys/bus/ccw/drivers/zfcp/0.0.1f02/0x%s/unit_add' % (LUN, W))
        self.assertEqual([], self.errors(data))
        linux = self.sim.admin.guest('vm1')['linux_state']
        self.assertEqual((['1f02'], {'1f02': {W: [LUN]}}), (linux['online_fcp'],
                                                            linux['units']))

    def test_output_lines_prefixed(self):
        data = self.dsh('vm1', 'echo a; echo b')
        self.assertEqual([{'data': ['vm1: a\nvm1: b'], 'xcatdsource': ['xcat']}], data)

    def test_unknown_command_is_127(self):
        data = self.dsh('vm1', 'nosuchcommand')
        self.assertEqual(['Error: vm1 remote Command return code = 127.'], self.errors(data))

    def test_stopped_or_unreachable_guest(self):
        for node in ('vm3', 'vm24'):
            data = self.dsh(node, 'true')
            self.assertIn('Error: %s remote Command return code = 255.' % node,
                          self.errors(data))
        self.sim.admin.set_reachable('vm1', False)
        self.assertTrue(self.errors(self.dsh('vm1', 'true')))
        self.assertEqual(['vm1: unreachable'],
                         self.infos(self.put('nodes/vm1/power', 'isreachable')))
