# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.
"""ZVMHostConnector against a fake kernel tree (tests/.../fake_cinder_node).

Outcomes are read back from the tree: units configured, disks and by-path
links present, FCP devices dedicated/online, xCAT calls made.
"""

import logging
import os

import fixtures


from cinder_zvm.hostattach import connector as connector_mod
from cinder_zvm.hostattach import errors
from cinder_zvm.hostattach import waiting
from tests.cinder import cinder_test
from tests.cinder.unit import fake_cinder_node
from zvm_xcat import dsh

W1 = '500507680b21bac6'
W2 = '500507680b22bac6'
LUN = '4001400500000000'
LUN2 = '4001400600000000'


class FakeClock(object):
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class ConnectorTestCase(cinder_test.TestCase):

    def setUp(self):
        super().setUp()
        tmp = self.useFixture(fixtures.TempDir()).path
        os.makedirs(os.path.join(tmp, 'storage'))
        self.node = fake_cinder_node.FakeCinderNode(
            os.path.join(tmp, 'root'), os.path.join(tmp, 'storage'),
            ports={'1f00': [W1, W2], '2f00': [W1, W2]})
        self.node.add_lun(W1, LUN, 1 << 20)
        self.node.add_lun(W2, LUN, 1 << 20)
        self.node.add_lun(W1, LUN2, 2 << 20)
        self.xcat = fake_cinder_node.FakeXCAT(self.node)
        self.clock = FakeClock()
        self.connector = self._connector()
        # The class-level registry must not leak between tests.
        self.mock_object(connector_mod.ZVMHostConnector, '_attached', {})

    def _connector(self, fcp=('1f00', '2f00'), multipath=False, min_paths=0):
        return connector_mod.ZVMHostConnector(
            self.xcat, 'cinder1', list(fcp),
            sysfs_root=self.node.sys, dev_root=self.node.dev,
            execute=self.node.execute, root_helper='sudo',
            use_multipath=multipath, min_paths=min_paths,
            waiter=waiting.Waiter(5, interval=1, clock=self.clock,
                                  sleep=self.clock.sleep))

    def props(self, wwpns=(W1,), lun=LUN):
        return connector_mod.connection_properties(list(wwpns), lun)

    def assertClean(self, dedicated=()):
        """Nothing attached; only ``dedicated`` devices left dedicated."""
        self.assertEqual([], self.node.units())
        self.assertEqual([], self.node.disks())
        self.assertEqual([], self.node.links())
        self.assertEqual(sorted(dedicated), self.node.dedicated())

    # ---- attach ----------------------------------------------------------

    def test_attach_dedicates_onlines_and_adds_the_full_lun(self):
        info = self.connector.connect_volume(self.props())
        # cio_ignore is not installed on the fake node: freed through xCAT.
        # The directory is read first (lsvm): zvm.pm 2409-2413.
        self.assertEqual([('cinder1', 'lsvm'),
                          ('cinder1', '--dedicatedevice', '1f00', '1f00',
                           '0'),
                          ('cinder1', 'xdsh', 'cio_ignore -r 0.0.1f00')],
                         self.xcat.calls)
        self.assertTrue(self.node.online('1f00'))
        self.assertEqual([('0.0.1f00', '0x' + W1, '0x' + LUN)],
                         self.node.units())
        unit_adds = self.node.writes('unit_add')
        self.assertEqual(1, len(unit_adds))
        self.assertEqual(os.path.join(self.node.zfcp_dir('1f00'), '0x' + W1,
                                      'unit_add'), unit_adds[0][-1])
        self.assertEqual(['ccw-0.0.1f00-zfcp-0x%s:0x%s' % (W1, LUN)],
                         self.node.links())
        self.assertEqual(self.node.link('1f00', W1, LUN), info['path'])
        self.assertEqual(['sda'], info['devices'])
        self.assertEqual(self.node.luns[(W1, LUN)],
                         os.path.realpath(info['path']))
        # Only one FCP device is needed without multipath.
        self.assertFalse(self.node.online('2f00'))

    def test_unit_add_value_is_the_exact_64_bit_lun(self):
        self.connector.connect_volume(self.props())
        self.assertEqual(('tee', '-a'), self.node.writes('unit_add')[0][:2])
        self.assertIn((os.path.join(self.node.zfcp_dir('1f00'), '0x' + W1,
                                    'unit_add'), '0x4001400500000000'),
                      self.node.written)

    def test_detach_writes_the_same_lun_to_unit_remove(self):
        info = self.connector.connect_volume(self.props())
        self.connector.disconnect_volume(self.props(), info)
        self.assertIn((os.path.join(self.node.zfcp_dir('1f00'), '0x' + W1,
                                    'unit_remove'), '0x4001400500000000'),
                      self.node.written)
        self.assertIn((os.path.join(self.node.sys, 'block', 'sda', 'device',
                                    'delete'), '1'), self.node.written)

    def test_port_rescan_only_when_port_dir_missing(self):
        self.connector.connect_volume(self.props())
        self.assertEqual(1, len(self.node.writes('port_rescan')))
        self.connector.connect_volume(self.props(lun=LUN2))
        self.assertEqual(1, len(self.node.writes('port_rescan')))

    def test_prepared_device_costs_no_xcat_call(self):
        info = self.connector.connect_volume(self.props())
        self.connector.disconnect_volume(self.props(), info)
        self.xcat.calls = []
        info = self.connector.connect_volume(self.props())
        self.assertEqual([], self.xcat.calls)
        self.assertEqual(0, len(self.node.writes('online')) - 1)

    def test_multipath_attaches_every_visible_path(self):
        connector = self._connector(multipath=True)
        info = connector.connect_volume(self.props(wwpns=(W1, W2)))
        self.assertEqual(4, len(info['paths']))
        self.assertEqual(4, len(self.node.units()))
        self.assertEqual(4, len(self.node.disks()))
        connector.disconnect_volume(self.props(wwpns=(W1, W2)), info)
        self.assertClean(dedicated=('1f00', '2f00'))

    def test_dual_fabric_multipath_uses_the_pairs_the_san_shows(self):
        # 1f00 on fabric A (port W1), 2f00 on fabric B (port W2)
        self.node.ports = {'1f00': [W1], '2f00': [W2]}
        connector = self._connector(multipath=True)
        info = connector.connect_volume(self.props(wwpns=(W1, W2)))
        self.assertEqual({('1f00', W1), ('2f00', W2)},
                         {(p.devno, p.wwpn) for p in info['paths']})
        self.assertEqual(2, len(self.node.disks()))
        connector.disconnect_volume(self.props(wwpns=(W1, W2)), info)
        self.assertClean(dedicated=('1f00', '2f00'))

    def test_too_few_paths_fails_naming_devices_and_ports(self):
        self.node.ports = {'1f00': [W1], '2f00': [W2]}
        self.node.masked.add(('2f00', W2, LUN))
        connector = self._connector(multipath=True)
        exc = self.assertRaises(errors.TooFewPaths, connector.connect_volume,
                                self.props(wwpns=(W1, W2)))
        text = str(exc)
        self.assertIn('no working path on FCP device(s) 2f00', text)
        self.assertIn('1f00->0x%s works' % W1, text)
        self.assertIn('1f00->0x%s: port 0x%s not visible through FCP 1f00 '
                      '(not zoned)' % (W2, W2), text)
        self.assertIn('2f00->0x%s: unit 0x%s added but no SCSI device'
                      % (W2, LUN), text)
        # nothing left: units, disks, links, online state, dedications
        self.assertClean()
        self.assertFalse(self.node.online('1f00'))
        self.assertFalse(self.node.online('2f00'))

    def test_lower_minimum_accepts_one_path_and_drops_the_dead_unit(self):
        self.node.ports = {'1f00': [W1], '2f00': [W2]}
        self.node.masked.add(('2f00', W2, LUN))
        connector = self._connector(multipath=True, min_paths=1)
        info = connector.connect_volume(self.props(wwpns=(W1, W2)))
        self.assertEqual([('0.0.1f00', '0x' + W1, '0x' + LUN)], self.node.units())
        connector.disconnect_volume(self.props(wwpns=(W1, W2)), info)
        self.assertClean(dedicated=('1f00', '2f00'))

    def test_masked_first_path_falls_over_to_the_next_without_multipath(self):
        self.node.masked.add(('1f00', W1, LUN))
        info = self.connector.connect_volume(self.props())
        self.assertEqual([('0.0.2f00', '0x' + W1, '0x' + LUN)], self.node.units())
        self.assertEqual('2f00', info['paths'][0].devno)

    def test_invisible_port_skips_the_path(self):
        self.node.ports = {'1f00': [W2], '2f00': [W1]}
        info = self.connector.connect_volume(self.props())
        self.assertEqual('2f00', info['paths'][0].devno)

    def test_same_lun_twice_is_reference_counted(self):
        first = self.connector.connect_volume(self.props())
        second = self.connector.connect_volume(self.props())
        self.assertEqual(first['path'], second['path'])
        self.assertEqual(1, len(self.node.writes('unit_add')))
        self.connector.disconnect_volume(self.props(), second)
        self.assertEqual(1, len(self.node.units()))
        self.connector.disconnect_volume(self.props(), first)
        self.assertClean(dedicated=('1f00',))

    def test_connector_properties(self):
        self.connector.connect_volume(self.props())
        props = self.connector.get_connector_properties()
        self.assertEqual(['1f00', '2f00'], props['zvm_fcp'])
        self.assertEqual(['c05076ffe5005612'], props['wwpns'])
        self.assertEqual('cinder1', props['zvm_node'])
        self.assertEqual('s390x', props['platform'])

    def test_multipath_uses_the_dm_map_when_multipathd_built_one(self):
        connector = self._connector(multipath=True)
        real_unit_add = self.node._unit_add

        def unit_add_and_map(port_dir, value):
            real_unit_add(port_dir, value)
            for sd in self.node.disks():
                holders = os.path.join(self.node.sys, 'block', sd, 'holders')
                os.makedirs(os.path.join(holders, 'dm-0'), exist_ok=True)
            dm = os.path.join(self.node.sys, 'block', 'dm-0', 'dm')
            os.makedirs(dm, exist_ok=True)
            with open(os.path.join(dm, 'name'), 'w') as f:
                f.write('mpatha\n')
            node = os.path.join(self.node.dev, 'dm-0')
            if not os.path.lexists(node):
                os.symlink(self.node.luns[(W1, LUN)], node)
        self.node._unit_add = unit_add_and_map
        info = connector.connect_volume(self.props(wwpns=(W1, W2)))
        self.assertEqual('mpatha', info['multipath_id'])
        self.assertEqual(os.path.join(self.node.dev, 'dm-0'), info['path'])

    # ---- detach ----------------------------------------------------------

    def test_detach_flushes_deletes_then_removes_unit(self):
        info = self.connector.connect_volume(self.props())
        self.node.commands = []
        self.connector.disconnect_volume(self.props(), info)
        names = [(c[0], os.path.basename(c[-1])) for c in self.node.commands]
        self.assertEqual([('blockdev', 'sda'), ('tee', 'delete'),
                          ('tee', 'unit_remove')],
                         [n for n in names if n[0] in ('blockdev', 'tee')])
        self.assertClean(dedicated=('1f00',))
        # The FCP device stays prepared for the next operation.
        self.assertTrue(self.node.online('1f00'))

    def test_failed_flush_warns_and_still_removes(self):
        self.node.blockdev_fails = True
        info = self.connector.connect_volume(self.props())
        self.connector.disconnect_volume(self.props(), info)
        self.assertClean(dedicated=('1f00',))

    def test_detach_without_device_info_finds_paths_in_sysfs(self):
        self.connector.connect_volume(self.props())
        # A new process (after a crash) knows nothing of the attach.
        self.mock_object(connector_mod.ZVMHostConnector, '_attached', {})
        self.connector.disconnect_volume(self.props(), None)
        self.assertClean(dedicated=('1f00',))

    def test_detach_flushes_a_multipath_map_first(self):
        info = self.connector.connect_volume(self.props())
        holders = os.path.join(self.node.sys, 'block', 'sda', 'holders',
                               'dm-0')
        os.makedirs(holders)
        os.makedirs(os.path.join(self.node.sys, 'block', 'dm-0', 'dm'))
        with open(os.path.join(self.node.sys, 'block', 'dm-0', 'dm',
                               'name'), 'w') as f:
            f.write('36005076\n')
        self.node.commands = []
        self.connector.disconnect_volume(self.props(), info)
        self.assertEqual(('multipath', '-f', '36005076'),
                         self.node.commands[0])

    # ---- rollback --------------------------------------------------------

    def test_local_cio_ignore_saves_the_xdsh(self):
        self.node.cio_ignore_installed = True
        self.connector.connect_volume(self.props())
        self.assertEqual(['lsvm', '--dedicatedevice'],
                         [c[1] for c in self.xcat.calls])
        self.assertIn(('cio_ignore', '-r', '0.0.1f00'), self.node.commands)

    def test_xdsh_stderr_with_status_0_is_no_failure(self):
        """xdsh.pm/DSHCLI.pm: stderr is an error element even on success."""
        self.xcat.dsh_result = dsh.DshResult(
            'cinder1', stderr=('cio_ignore: warning',), errorcode=0)
        logs = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        self.connector.connect_volume(self.props())
        self.assertIn(('cinder1', 'xdsh', 'cio_ignore -r 0.0.1f00'),
                      self.xcat.calls)
        self.assertNotIn('cio_ignore', logs.output)

    def test_xdsh_failure_is_logged_with_its_stderr(self):
        self.xcat.dsh_result = dsh.DshResult(
            'cinder1', stderr=('cio_ignore: Device not found',), errorcode=1)
        logs = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        self.connector.connect_volume(self.props())
        self.assertIn('cio_ignore -r 0.0.1f00 through xCAT failed: errorcode '
                      '1; stderr: cio_ignore: Device not found', logs.output)

    def test_already_dedicated_device_is_used_and_not_undone(self):
        self.xcat.already_dedicated = True
        self.node.never_appear.add(LUN)
        self.assertRaises(errors.NoUsablePath,
                          self.connector.connect_volume, self.props())
        # Not ours to undedicate: only the online state is rolled back.
        self.assertNotIn('--undedicatedevice',
                         [c[1] for c in self.xcat.calls])
        self.assertClean(dedicated=('1f00', '2f00'))

    def test_directory_only_dedication_is_activated_not_undone(self):
        """A device in the directory only is re-dedicated, never undone.

        zvm.pm 2409-2413: --dedicatedevice of a device already in the
        directory prints Done and skips the active configuration.
        """
        self.xcat.directory_only.add('1f00')
        self.connector = self._connector(fcp=('1f00',))
        self.node.never_appear.add(LUN)
        self.assertRaises(errors.NoUsablePath,
                          self.connector.connect_volume, self.props())
        # re-dedicated so that xCAT attaches it; still in the directory
        # after the failed attach: it was there before, not ours to undo
        self.assertEqual(['lsvm', '--undedicatedevice', '--dedicatedevice'],
                         [c[1] for c in self.xcat.calls if c[1] != 'xdsh'])
        self.assertEqual({'1f00'}, self.xcat.directory)
        self.assertIn('1f00', self.node.dedicated())

    def test_directory_only_dedication_comes_online(self):
        self.xcat.directory_only.add('1f00')
        self.connector = self._connector(fcp=('1f00',))
        info = self.connector.connect_volume(self.props())
        self.assertEqual('1f00', info['paths'][0].devno)
        self.assertTrue(self.node.online('1f00'))

    def test_failed_dedicate_leaves_nothing(self):
        self.xcat.fail_dedicate = True
        exc = self.assertRaises(errors.NoUsablePath,
                                self.connector.connect_volume, self.props())
        self.assertIn('FCP 1f00: xCAT command failed', str(exc))
        self.assertIn('FCP 2f00: xCAT command failed', str(exc))
        self.assertClean()

    def test_broken_fcp_device_fails_over_to_the_next(self):
        self.xcat.fail_dedicate = {'1f00'}
        info = self.connector.connect_volume(self.props())
        self.assertEqual('2f00', info['paths'][0].devno)
        self.assertEqual(['2f00'], self.node.dedicated())

    def test_device_never_online_undedicates(self):
        self.node.refuse_online = True
        exc = self.assertRaises(errors.NoUsablePath,
                                self.connector.connect_volume, self.props())
        self.assertIn('1f00 to come online', str(exc))
        self.assertIn('2f00 to come online', str(exc))
        self.assertEqual(['--undedicatedevice', '--undedicatedevice'],
                         [c[1] for c in self.xcat.calls
                          if c[1] == '--undedicatedevice'])
        self.assertClean()

    def test_no_visible_port_rolls_back_everything(self):
        self.node.ports = {}
        self.assertRaises(errors.NoUsablePath,
                          self.connector.connect_volume, self.props())
        self.assertClean()
        self.assertFalse(self.node.online('1f00'))

    def test_device_that_never_appears_times_out_and_rolls_back(self):
        # A unit whose SCSI scan finds no disk is a LUN masked away from
        # that initiator (zfcp_unit_add returns 0 either way): each device
        # is given the scan wait, its unit removed, then nothing is left.
        self.node.never_appear.add(LUN)
        exc = self.assertRaises(errors.NoUsablePath,
                                self.connector.connect_volume, self.props())
        self.assertIn('1f00->0x%s: unit 0x%s added but no SCSI device'
                      % (W1, LUN), str(exc))
        self.assertIn('2f00->0x%s: unit 0x%s added but no SCSI device'
                      % (W1, LUN), str(exc))
        self.assertEqual(10.0, self.clock.now)
        self.assertEqual(2, len(self.node.writes('unit_remove')))
        self.assertClean()

    def test_refused_unit_add_rolls_back(self):
        self.node.refuse_unit_add = True
        self.assertRaises(errors.HostAttachError,
                          self.connector.connect_volume, self.props())
        self.assertClean()

    def test_unreadable_disk_rolls_back(self):
        self.node.unreadable = True
        self.assertRaises(errors.HostAttachError,
                          self.connector.connect_volume, self.props())
        self.assertClean()

    def test_rollback_keeps_a_device_another_attach_uses(self):
        info = self.connector.connect_volume(self.props(lun=LUN2))
        self.node.never_appear.add(LUN)
        self.assertRaises(errors.NoUsablePath,
                          self.connector.connect_volume, self.props())
        self.assertEqual(['1f00'], self.node.dedicated())
        self.assertTrue(self.node.online('1f00'))
        self.assertEqual(1, len(self.node.units()))
        self.connector.disconnect_volume(self.props(lun=LUN2), info)

    def test_rollback_keeps_what_was_there_before(self):
        self.connector = self._connector(fcp=('1f00',))
        self.node.dedicate('1f00')
        self.node.never_appear.add(LUN)
        self.assertRaises(errors.NoUsablePath,
                          self.connector.connect_volume, self.props())
        self.assertEqual([], self.xcat.calls)
        # Online was our change: undone; the dedication was not ours.
        self.assertClean(dedicated=('1f00',))
        self.assertFalse(self.node.online('1f00'))

    # ---- configuration ---------------------------------------------------

    def test_requires_node_and_devices(self):
        self.assertRaises(errors.HostAttachConfigError,
                          connector_mod.ZVMHostConnector, self.xcat, '',
                          ['1f00'])
        self.assertRaises(errors.HostAttachConfigError,
                          connector_mod.ZVMHostConnector, self.xcat,
                          'cinder1', [])
        self.assertRaises(errors.HostAttachConfigError,
                          connector_mod.ZVMHostConnector, self.xcat,
                          'cinder1', ['1f00', 'zz'])

    def test_disk_found_by_by_path_link_without_zfcp_attributes(self):
        self.node.disk_attrs = False
        info = self.connector.connect_volume(self.props())
        self.assertEqual(['sda'], info['devices'])
        self.connector.disconnect_volume(self.props(), info)
        self.assertClean(dedicated=('1f00',))

    def test_disk_is_matched_on_all_64_bits_of_the_lun(self):
        # Both LUNs have the same systemd by-path name (levels 3 and 4
        # dropped); the kernel's fcp_lun tells them apart.
        self.node.add_lun(W1, '4001400540064007', 3 << 20)
        first = self.connector.connect_volume(self.props())
        second = self.connector.connect_volume(
            self.props(lun='4001400540064007'))
        self.assertEqual(['sda'], first['devices'])
        self.assertEqual(['sdb'], second['devices'])
        self.assertEqual(self.node.luns[(W1, '4001400540064007')],
                         os.path.realpath(second['path']))
        self.connector.disconnect_volume(self.props(), first)
        self.assertEqual([('0.0.1f00', '0x' + W1, '0x4001400540064007')],
                         self.node.units())

    def test_lun_from_target_lun_when_no_zvm_fcp_lun(self):
        props = self.props()
        del props['zvm_fcp_lun']
        info = self.connector.connect_volume(props)
        self.assertEqual(LUN, info['paths'][0].lun)
