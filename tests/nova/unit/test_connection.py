#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.
"""connection_info parsing, the connector, xCAT argument lists, step plans."""

from hypothesis import given
from hypothesis import strategies as st
import testtools

from nova_volumeops import connection
from nova_volumeops import scripts
from nova_volumeops import steps
from nova_volumeops import validate

GUEST = connection.Guest('u1', 'vm1', 'VM1', 'rhel', '9.2')
VID = '0e1a5a6b-1c2d-4e3f-8a9b-0c1d2e3f4a5b'


def info(**data):
    base = {'target_wwn': ['500507680B21BAC6', '500507680b22bac6'],
            'zvm_fcp_lun': '4001400500000000', 'zvm_pool': 'gold',
            'zvm_fcp': ['1f00', '2f00'], 'zvm_lun_size': '10G',
            'volume_id': VID, 'target_lun': 1074085889}
    base.update(data)
    return {'driver_volume_type': 'fibre_channel', 'data': base}


class TestConnectionInfo(testtools.TestCase):

    def test_parse(self):
        t = connection.parse_connection_info(info())
        self.assertEqual(('500507680b21bac6', '500507680b22bac6'), t.wwpns)
        self.assertEqual(('4001400500000000', 'gold', '10G', ('1f00', '2f00')),
                         (t.lun, t.pool, t.size, t.fcps))

    def test_single_wwpn_string_and_joined_fcps(self):
        t = connection.parse_connection_info(info(
            target_wwn='500507680b21bac6', zvm_fcp='1f00;2f00'))
        self.assertEqual(('500507680b21bac6',), t.wwpns)
        self.assertEqual(('1f00', '2f00'), t.fcps)

    def test_lun_from_target_lun_when_missing(self):
        t = connection.parse_connection_info(info(zvm_fcp_lun=None))
        self.assertEqual('4001400500000000', t.lun)

    def test_inconsistent_luns_refused(self):
        e = self.assertRaises(validate.InvalidInput,
                              connection.parse_connection_info,
                              info(target_lun=1))
        self.assertIn('target_lun', str(e))

    def test_rejections(self):
        for bad in (info(zvm_pool='gold; rm'), info(zvm_fcp=['1f00 2f00']),
                    info(volume_id=None), info(zvm_lun_size='10T'),
                    info(target_wwn=[]), {'driver_volume_type': 'iscsi'},
                    'not a dict'):
            self.assertRaises(validate.InvalidInput,
                              connection.parse_connection_info, bad)

    @given(st.integers(min_value=0, max_value=(1 << 64) - 1))
    def test_scsi_lun_round_trip(self, value):
        lun = connection.lun_from_scsi_lun(value)
        self.assertEqual(value, scripts.scsi_lun(lun))

    def test_connector(self):
        c = connection.connector(GUEST, 'zvm1', 'cmp1', ['1f00', '2f00'],
                                 {'1f00': 'a' * 16, '2f00': 'b' * 16})
        self.assertEqual({'platform': 's390x', 'os_type': 'linux2',
                          'multipath': True, 'host': 'cmp1',
                          'zvm_fcp': ['1f00', '2f00'],
                          'wwpns': ['a' * 16, 'b' * 16],
                          'zvm_hypervisor': 'zvm1', 'zvm_userid': 'VM1',
                          'zvm_node': 'vm1'}, c)

    def test_xcat_args(self):
        t = connection.parse_connection_info(info())
        # Named by the row's last WWPN (zvmUtils.pm 4214: the ';' list
        # exits 127 in findzFcpDeviceAttr).
        self.assertEqual(('--reservezfcp', 'gold', 'used', 'vm1', '1f00;2f00',
                          '10G', '500507680b22bac6',
                          '4001400500000000'),
                         connection.reserve_used_args(t, 'vm1', t.fcps))
        self.assertEqual(('--removezfcp', '1f00;2f00',
                          '500507680b21bac6;500507680b22bac6',
                          '4001400500000000', '1'),
                         connection.removezfcp_args(t, t.fcps))
        self.assertEqual(('--dedicatedevice', '1f00', '1f00', '0'),
                         connection.dedicate_args('1f00'))
        self.assertEqual(('--aemod', 'setupDisk', 'action=addScsiVolume',
                          'fcpAddr=1f00,2f00',
                          'wwpn=500507680b21bac6,500507680b22bac6',
                          'lun=4001400500000000'),
                         connection.aemod_volume_args('addScsiVolume', t,
                                                      t.fcps))


class TestPlans(testtools.TestCase):

    def test_attach_plan_running(self):
        self.assertEqual(
            ['dedicate', 'dedicate', 'pool', 'guest'],
            [s['name'] for s in steps.attach_plan(['1f00', '2f00'], True)])
        self.assertEqual(
            ['pool', 'guest'],
            [s['name'] for s in steps.attach_plan([], True, multipath=True)])
        self.assertEqual(['pool', 'notice'],
                         [s['name'] for s in steps.attach_plan([], False)])

    def test_detach_plan(self):
        plan = steps.detach_plan(['1f00'], ['1f00'], True, 'mpatha')
        self.assertEqual(['guest_remove', 'pool_return', 'undedicate'],
                         [s['name'] for s in plan])
        self.assertEqual(('mpatha', ['1f00']), (plan[0]['map'],
                                                plan[0]['offline']))
        self.assertEqual(['notice_remove', 'pool_return'],
                         [s['name'] for s in steps.detach_plan([], [], False,
                                                               None)])

    def test_parse_dedications(self):
        lines = ['USER VM1 NOLOG 2G 4G G', 'DEDICATE 1F00 1F00',
                 'DEDICATE 2F00 2F00', 'LOADDEV LUN 4001400500000000']
        self.assertEqual({'1f00', '2f00'}, steps.parse_dedications(lines))
