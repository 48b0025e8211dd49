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
"""Pure parts of cinder_zvm.hostattach.sysfs: formats and path building."""

import ddt
import hypothesis
from hypothesis import strategies
import testtools

from cinder_zvm.hostattach import errors
from cinder_zvm.hostattach import sysfs
from cinder_zvm.hostattach import waiting


@ddt.ddt
class FormatTestCase(testtools.TestCase):

    @ddt.data(('1f00', '1f00'), ('0.0.1F00', '1f00'), ('f00', '0f00'),
              (' 2F00 ', '2f00'))
    @ddt.unpack
    def test_normalize_devno(self, given, expected):
        self.assertEqual(expected, sysfs.normalize_devno(given))

    @ddt.data('', '1f000', '0.1.1f00', 'xyz', '1f00;2f00', '../1f00')
    def test_bad_devno(self, given):
        self.assertRaises(ValueError, sysfs.normalize_devno, given)

    @ddt.data(('4001400500000000', '4001400500000000'),
              ('0x4001400500000000', '4001400500000000'),
              ('C101000000000000', 'c101000000000000'),
              (0x4001400540064007, '4001400540064007'),
              (0, '0000000000000000'))
    @ddt.unpack
    def test_normalize_lun_keeps_all_64_bits(self, given, expected):
        self.assertEqual(expected, sysfs.normalize_lun(given))

    @ddt.data('40014005', '0x40014005', '4001400500000000ff', '',
              -1, 1 << 64, '400140050000000g')
    def test_short_or_bad_luns_are_refused_not_padded(self, given):
        self.assertRaises(ValueError, sysfs.normalize_lun, given)

    def test_sysfs_lun_string(self):
        self.assertEqual('0x4001400540064007',
                         sysfs.sysfs_lun('4001400540064007'))
        self.assertEqual('0x500507680b21bac6',
                         sysfs.sysfs_wwpn('500507680B21BAC6'))
        self.assertEqual('0.0.1f00', sysfs.bus_id('1F00'))

    @ddt.data(('4001400500000000', 0x40054001),
              ('0001000000000000', 1),
              ('4001400540064007', 0x4007400640054001),
              ('0000000000000000', 0))
    @ddt.unpack
    def test_fcp_lun_to_scsi_lun(self, fcp, scsi):
        self.assertEqual(scsi, sysfs.fcp_lun_to_scsi_lun(fcp))
        self.assertEqual(fcp, sysfs.scsi_lun_to_fcp_lun(scsi))

    @ddt.data(('0000000000000000', 'lun-0'),
              ('00ff000000000000', 'lun-255'),
              ('0100000000000000', 'lun-0x0100000000000000'),
              ('4001400500000000', 'lun-0x4001400500000000'),
              # systemd keeps two levels only
              ('4001400540064007', 'lun-0x4001400500000000'))
    @ddt.unpack
    def test_systemd_lun_name(self, fcp, name):
        self.assertEqual(name, sysfs.systemd_lun_name(fcp))

    @hypothesis.given(strategies.integers(min_value=0,
                                          max_value=(1 << 64) - 1))
    def test_scsi_lun_conversion_is_exact_for_64_bits(self, value):
        fcp = sysfs.normalize_lun(value)
        self.assertEqual(fcp, sysfs.scsi_lun_to_fcp_lun(
            sysfs.fcp_lun_to_scsi_lun(fcp)))

    def test_path_normalizes(self):
        path = sysfs.Path('0.0.1F00', '0x500507680B21BAC6',
                          '0x4001400500000000')
        self.assertEqual(('1f00', '500507680b21bac6', '4001400500000000'),
                         (path.devno, path.wwpn, path.lun))
        self.assertEqual('1f00/0x500507680b21bac6/0x4001400500000000',
                         str(path))


class PathBuildingTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.tree = sysfs.ZfcpSysfs('/tmp/g/sys', '/tmp/g/dev')
        self.path = sysfs.Path('1f00', '500507680b21bac6', '4001400500000000')

    def test_ccw_and_zfcp_paths_are_below_the_sysfs_root(self):
        self.assertEqual('/tmp/g/sys/bus/ccw/devices/0.0.1f00/online',
                         self.tree.online_attr('1f00'))
        self.assertEqual('/tmp/g/sys/bus/ccw/drivers/zfcp/0.0.1f00/'
                         'port_rescan', self.tree.port_rescan_attr('1f00'))
        self.assertEqual('/tmp/g/sys/bus/ccw/drivers/zfcp/0.0.1f00/'
                         '0x500507680b21bac6/unit_add',
                         self.tree.unit_add_attr(self.path))
        self.assertEqual('/tmp/g/sys/bus/ccw/drivers/zfcp/0.0.1f00/'
                         '0x500507680b21bac6/unit_remove',
                         self.tree.unit_remove_attr(self.path))
        self.assertEqual('/tmp/g/sys/bus/ccw/drivers/zfcp/0.0.1f00/'
                         '0x500507680b21bac6/0x4001400500000000',
                         self.tree.unit_dir(self.path))

    def test_by_path_names_below_the_dev_root(self):
        self.assertEqual(
            ['/tmp/g/dev/disk/by-path/ccw-0.0.1f00-zfcp-0x500507680b21bac6'
             ':0x4001400500000000',
             '/tmp/g/dev/disk/by-path/ccw-0.0.1f00-fc-0x500507680b21bac6'
             '-lun-0x4001400500000000'],
            self.tree.by_path_links(self.path))

    def test_block_paths_validate_kernel_names(self):
        self.assertEqual('/tmp/g/sys/block/sdab/device/delete',
                         self.tree.scsi_delete_attr('sdab'))
        self.assertEqual('/tmp/g/dev/dm-3', self.tree.dev_node('dm-3'))
        for bad in ('../sda', 'sda/../../x', 'vda', 'sd1', ''):
            self.assertRaises(ValueError, self.tree.scsi_delete_attr, bad)

    def test_defaults_are_the_real_roots(self):
        tree = sysfs.ZfcpSysfs()
        self.assertEqual('/sys/bus/ccw/devices/0.0.1f00/online',
                         tree.online_attr('1f00'))
        self.assertTrue(tree.by_path_links(self.path)[0].startswith(
            '/dev/disk/by-path/ccw-0.0.1f00-zfcp-'))


class WaiterTestCase(testtools.TestCase):

    def test_times_out_after_the_timeout(self):
        now = [0.0]
        waiter = waiting.Waiter(3, interval=0.5, clock=lambda: now[0],
                                sleep=lambda s: now.__setitem__(0, now[0] + s))
        exc = self.assertRaises(errors.DeviceWaitTimeout, waiter.until,
                                lambda: False, 'the thing')
        self.assertEqual(3.0, now[0])
        self.assertIn('the thing did not happen within 3 s', str(exc))
        self.assertFalse(waiter.until(lambda: False, 'x', timeout=1,
                                      raise_on_timeout=False))

    def test_returns_as_soon_as_true(self):
        calls = []
        waiter = waiting.Waiter(3, sleep=calls.append)
        self.assertTrue(waiter.until(lambda: len(calls) >= 2, 'x'))
        self.assertEqual(2, len(calls))

    def test_undo_runs_in_reverse_and_survives_failures(self):
        done = []
        undo = waiting.UndoList()
        undo.push('one', done.append, 1)
        undo.push('boom', lambda: 1 / 0)
        undo.push('three', done.append, 3)
        failures = undo.run()
        self.assertEqual([3, 1], done)
        self.assertEqual(['boom'], [f[0] for f in failures])
        self.assertEqual(0, len(undo))
