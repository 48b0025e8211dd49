"""chvm zFCP options and xdsh with the guest model (zvm.pm changeVM --addzfcp,
--removezfcp, --createfilesysnode; xdsh), asserting pool, directory and Linux state.
"""

from tests.common.functional import simbase

W = '500507680b21bac6'
LUN = '4001400500000000'   # the single-port row (fabric A)
BY_PATH = '/dev/disk/by-path/ccw-0.0.1f00-zfcp-0x%s:0x%s' % (W, LUN)


class TestAddRemoveZfcp(simbase.SimTestCase):

    def linux(self, node):
        return self.sim.admin.guest(node)['linux_state']

    def test_addzfcp_running_guest(self):
        """--addzfcp on a running guest: pool, directory, active and Linux state.

        The pool line becomes used/owner/channel; in the guest the FCP is online,
        the unit added and the RHEL /etc/zfcp.conf line written.
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
        """--addzfcp on a stopped guest changes the directory only.

        The setupDisk notice punched with --aemod is applied at the next power on.
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
        """--removezfcp dev wwpn lun 1 keeps the LUN reserved and the FCP dedicated.

        The owner is cleared and the unit removed in the guest.
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


NOT_RECEIVED = ' A return code for the command run on the host %s was not received.'


class TestXdsh(simbase.SimTestCase):
    """xdsh replies as xdsh.pm 1280-1316 and DSHCLI.pm 580-690 shape them."""

    def dsh(self, node, command):
        data = self.put('nodes/%s/dsh' % node, 'command=%s' % command)
        for message in data:
            message.pop('xcatdsource', None)
        return data

    @staticmethod
    def status(data):
        """The closing element: the number of failed nodes (xdsh.pm 1313)."""
        assert set(data[-1]) == {'errorcode'}, data[-1]
        return data[-1]['errorcode']

    def test_wrong_sequence_fails_then_right_one_works(self):
        """xdsh: wrong sequences fail, the right one works.

        An FCP not dedicated cannot be set online; unit_add needs the device online.
        """
        data = self.dsh('vm1', 'chccwdev -e 1f02')
        self.assertEqual(['1'], self.status(data))
        self.assertEqual([], self.sim.admin.guest('vm1')['linux_state']['online_fcp'])
        self.chvm('vm1', '--dedicatedevice 1f02 1f02 0')
        data = self.dsh('vm1', 'cio_ignore -r 1f02 && echo 0x%s > '
                               '/sys/bus/ccw/drivers/zfcp/0.0.1f02/0x%s/unit_add' % (LUN, W))
        self.assertEqual(['1'], self.status(data))
        self.assertEqual({}, self.sim.admin.guest('vm1')['linux_state']['units'])
        data = self.dsh('vm1', 'chccwdev -e 1f02 && echo 0x%s > '
                               '/sys/bus/ccw/drivers/zfcp/0.0.1f02/0x%s/unit_add' % (LUN, W))
        self.assertEqual(([], ['0']), (self.errors(data), self.status(data)))
        linux = self.sim.admin.guest('vm1')['linux_state']
        self.assertEqual((['1f02'], {'1f02': {W: [LUN]}}), (linux['online_fcp'],
                                                            linux['units']))

    def test_output_lines_prefixed_status_line_removed(self):
        data = self.dsh('vm1', 'echo a; echo b')
        self.assertEqual([{'data': ['vm1: a\nvm1: b']}, {'errorcode': ['0']}], data)

    def test_stderr_is_an_error_element_even_on_success(self):
        """DSHCLI.pm 589-592: stderr lines, NoErrorPrefix, errorcode 0."""
        data = self.dsh('vm1', 'echo out; nosuchcommand; echo end')
        self.assertEqual([{'data': ['vm1: out\nvm1: end']},
                          {'error': ['vm1: bash: line 1: nosuchcommand: command not found'],
                           'NoErrorPrefix': ['1'], 'errorcode': ['0']},
                          {'errorcode': ['0']}], data)

    def test_non_zero_status_at_the_end_is_only_the_errorcode(self):
        """A command that ran to its end: no error element, errorcode 1."""
        data = self.dsh('vm1', 'echo a; false')
        self.assertEqual([{'data': ['vm1: a']}, {'errorcode': ['1']}], data)
        data = self.dsh('vm1', 'nosuchcommand')
        self.assertEqual(['1'], self.status(data))
        self.assertNotIn('remote Command return code', str(data))

    def test_stop_before_the_status_echo_is_sshs_exit_status(self):
        """DSHCLI.pm 610-632: ssh's exit status (the script's) fails the node.

        A set -e stop or an exit N: errorcode 1, no message. Real xCAT
        (tests/oracle/test_dsh_diff.py) answers so; the simulator used to send
        "... was not received" here.
        """
        for command in ('echo a; exit 3', 'set -e\necho a\nfalse\necho b'):
            data = self.dsh('vm1', command)
            self.assertEqual([{'data': ['vm1: a']}, {'errorcode': ['1']}], data, command)

    def test_exit_0_before_the_status_echo_is_not_received(self):
        """DSHCLI.pm 664-681: ssh exited 0 and no status line came."""
        for command in ('echo a; exit 0', 'echo a # comment'):
            data = self.dsh('vm1', command)
            self.assertEqual([{'data': ['vm1: a']},
                              {'error': [NOT_RECEIVED % 'vm1'], 'errorcode': ['1']},
                              {'errorcode': ['1']}], data, command)

    def test_trailing_newline_and_semicolon_are_trimmed(self):
        """DSHCLI.pm 1109-1110: no syntax error from the appended status echo."""
        for command in ('echo a\n', 'echo a\n\n', 'echo a;'):
            data = self.dsh('vm1', command)
            self.assertEqual([{'data': ['vm1: a']}, {'errorcode': ['0']}], data, command)

    def test_stopped_or_unreachable_guest(self):
        """ssh fails (exit code 255): its message, no status line wanted."""
        for node in ('vm3', 'vm24'):
            data = self.dsh(node, 'true')
            self.assertEqual([{'error': ['%s: ssh: connect to host %s port 22: No route '
                                         'to host' % (node, node)],
                               'NoErrorPrefix': ['1'], 'errorcode': ['0']},
                              {'errorcode': ['1']}], data)
        self.sim.admin.set_reachable('vm1', False)
        self.assertEqual(['1'], self.status(self.dsh('vm1', 'true')))
        self.assertEqual(['vm1: unreachable'],
                         self.infos(self.put('nodes/vm1/power', 'isreachable')))


class TestAddZfcpAuto(simbase.SimTestCase):

    def test_auto_uses_guest_fcp_in_range_else_free_one(self):
        """selectFcpDevice: the owner's FCP in range first, else a free one.

        A free one is in range and no used pool line holds it.
        """
        self.chvm('vm1', '--dedicatedevice 2f01 2f01 0')
        self.put('nodes/vm1/dsh', 'command=cio_ignore -r 2f01')
        data = self.chvm('vm1', '--addzfcp gold auto 0 1G')
        self.assertIn('vm1: Found eligible FCP channel 2F01', self.infos(data))
        self.assertEqual('2F01', self.row('gold', '4001400600000000')['channel'])
        data = self.chvm('vm2', '--addzfcp gold auto 0 2G')
        self.assertIn('vm2: Found FCP channel within acceptable range 1F00', self.infos(data))
        row = self.row('gold', '4001400900000000')
        self.assertEqual(('used', 'vm2', '1F00'), (row['status'], row['owner'],
                                                   row['channel']))
        self.assertEqual('1f00', self.sim.admin.guest('vm2')['active']['1f00'])

    def test_no_fit_leaves_pool_untouched(self):
        data = self.chvm('vm1', '--addzfcp gold auto 0 50G')
        self.assertEqual(['vm1: (Error) A suitable device of 51200M or larger could not be '
                          'found', 'vm1: (Error) Failed to add zFCP device'], self.errors(data))
        self.assertFalse(any(r['owner'] for r in self.rows('gold')))
        self.assertNotIn('1f00', self.sim.admin.guest('vm1')['directory'])

    def test_failed_online_rolls_back(self):
        """zvm.pm --addzfcp: a failed chccwdev -e undedicates and restores the pool.

        Every FCP of the request is undedicated and the pool entry restored.  xCAT
        skips cio_ignore for an FCP already in the directory, so a still-ignored one
        fails here.
        """
        self.chvm('vm1', '--dedicatedevice 2f01 2f01 0')
        data = self.chvm('vm1', '--addzfcp gold 2f01 0 1G 0 %s %s' % (W, LUN))
        self.assertIn('chccwdev -e 0.0.2f01', self.errors(data)[0])
        row = self.row('gold', LUN)
        self.assertEqual(('free', '', ''), (row['status'], row['owner'], row['channel']))
        guest = self.sim.admin.guest('vm1')
        self.assertNotIn('2f01', guest['directory'])
        self.assertNotIn('2f01', guest['active'])
