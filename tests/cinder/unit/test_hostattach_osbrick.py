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
"""Why cinder-zvm does not use os-brick's s390x FC connector.

These tests run the real, unpatched os-brick code (only the HBA listing,
which reads /sys, is replaced by what a z/VM guest reports) and pin the
upstream defects that made us write cinder_zvm.hostattach.connector. If
an os-brick release fixes them, these tests fail and tell us to revisit.
"""

from unittest import mock

from os_brick import initiator
from os_brick.initiator import connector as brick_connector
from os_brick.initiator.connectors import fibre_channel_s390x

from cinder_zvm.hostattach import sysfs
from tests.cinder import cinder_test

# What LinuxFibreChannelS390X.get_fc_hbas_info returns on a z/VM guest
# with FCP device 0.0.1f00 online (realpath of /sys/class/fc_host/host0).
ZVM_HBA = {'port_name': 'c05076ffe5005612',
           'node_name': '5005076400c4e24d',
           'host_device': 'host0',
           'device_path': '/sys/devices/css0/0.0.0005/0.0.1f00/host0/'
                          'fc_host/host0'}
# A realistic pool LUN: a DS8000-style 64-bit LUN.
FCP_LUN = '4001400500000000'
TARGET_WWPN = '500507680b21bac6'


class OsBrickS390XTestCase(cinder_test.TestCase):

    def setUp(self):
        super().setUp()
        self.execute = mock.Mock(return_value=('', ''))
        self.connector = brick_connector.InitiatorConnector.factory(
            initiator.FIBRE_CHANNEL, 'sudo', arch='s390x',
            execute=self.execute, device_scan_attempts=1)
        self.mock_object(self.connector._linuxfc, 'get_fc_hbas_info',
                         return_value=[ZVM_HBA])
        # Probing multipathd would start privsep; not what is tested.
        self.mock_object(self.connector, 'supports_multipath',
                         return_value=False)
        self.props = {'target_discovered': False,
                      'target_wwn': TARGET_WWPN,
                      'target_lun': sysfs.fcp_lun_to_scsi_lun(FCP_LUN)}

    def test_factory_selects_the_s390x_connector(self):
        self.assertIsInstance(
            self.connector, fibre_channel_s390x.FibreChannelConnectorS390X)

    def test_connect_volume_crashes_unpacking_4_tuples(self):
        # _get_possible_devices yields (platform, devno, wwpn, lun); the
        # s390x _get_host_devices unpacks three values.
        exc = self.assertRaises(ValueError, self.connector.connect_volume,
                                dict(self.props))
        self.assertIn('too many values to unpack', str(exc))
        # It dies before touching zfcp: no unit_add was ever written.
        self.assertFalse(any('unit_add' in str(c)
                             for c in self.execute.call_args_list))

    def test_disconnect_volume_crashes_unpacking_4_tuples(self):
        # disconnect first lists the volume paths, through the same
        # broken _get_host_devices.
        exc = self.assertRaises(ValueError, self.connector.disconnect_volume,
                                dict(self.props), {'type': 'block'})
        self.assertIn('too many values to unpack', str(exc))
        self.assertFalse(any('unit_remove' in str(c)
                             for c in self.execute.call_args_list))

    def test_lun_string_truncates_64_bit_luns(self):
        # 0x40054001 is the SCSI LUN of FCP LUN 4001400500000000; os-brick
        # turns it into a different 32-bit-only FCP LUN.
        scsi_lun = sysfs.fcp_lun_to_scsi_lun(FCP_LUN)
        self.assertEqual('0x4005400100000000',
                         self.connector._get_lun_string(scsi_lun))
        self.assertNotEqual(sysfs.sysfs_lun(FCP_LUN),
                            self.connector._get_lun_string(scsi_lun))
        # and a LUN using all four addressing levels yields 0, not a LUN.
        self.assertEqual(0, self.connector._get_lun_string(
            sysfs.fcp_lun_to_scsi_lun('4001400540064007')))

    def test_device_paths_are_hard_coded_to_dev(self):
        paths = self.connector._get_device_file_path('0.0.1f00',
                                                     '0x' + TARGET_WWPN, 1)
        self.assertTrue(all(p.startswith('/dev/disk/by-path/')
                            for p in paths))
