import ddt

from cinder_zvm import connection
from cinder_zvm import location
from tests.cinder import cinder_test
from tests.cinder.unit import pool_rows as pr

INIT1 = 'c05076ffe5005612'
INIT2 = 'c05076ffe5005613'


def zvm_connector(**overrides):
    conn = {'platform': 's390x', 'os_type': 'linux2', 'multipath': True,
            'host': 'compute1', 'zvm_fcp': ['1f00', '0.0.2F00'],
            'wwpns': [INIT1, INIT2], 'zvm_hypervisor': 'zvm1',
            'zvm_userid': 'VM1', 'zvm_node': 'vm1'}
    conn.update(overrides)
    return conn


@ddt.ddt
class ConnectionTest(cinder_test.TestCase):

    def setUp(self):
        super().setUp()
        self.loc = location.LunLocation('zvm1', 'gold', [pr.W1, pr.W2],
                                        '4001400500000000')

    def test_zvm_connector(self):
        info = connection.connection_info('vid', self.loc, zvm_connector(),
                                          'zvm1', '10G')
        self.assertEqual('fibre_channel', info['driver_volume_type'])
        self.assertEqual({
            'target_discovered': False,
            'target_wwn': [pr.W1, pr.W2],
            'target_lun': 0x40054001,
            'zvm_fcp_lun': '4001400500000000',
            'zvm_pool': 'gold', 'zvm_hypervisor': 'zvm1',
            'zvm_fcp': ['1f00', '2f00'],
            'zvm_lun_size': '10G',
            'initiator_target_map': {INIT1: [pr.W1, pr.W2],
                                     INIT2: [pr.W1, pr.W2]},
            'volume_id': 'vid', 'discard': False}, info['data'])

    def test_single_path_target_is_a_string(self):
        loc = location.LunLocation('zvm1', 'gold', pr.W1, '4001400500000000')
        info = connection.connection_info('vid', loc, zvm_connector(), 'zvm1',
                                          '1G')
        self.assertEqual(pr.W1, info['data']['target_wwn'])

    def test_standard_fc_connector(self):
        conn = {'host': 'cinder1', 'wwpns': [INIT1.upper()],
                'wwnns': ['c05076ffe5000000'], 'multipath': False}
        info = connection.connection_info('vid', self.loc, conn, 'zvm1', '1G')
        self.assertEqual([], info['data']['zvm_fcp'])
        self.assertEqual({INIT1: [pr.W1, pr.W2]},
                         info['data']['initiator_target_map'])

    @ddt.unpack
    @ddt.data((None, 'connector'),
              ({}, 'wwpns'),
              ({'wwpns': []}, 'wwpns'),
              ({'wwpns': ['xyz']}, 'wwpns'),
              (zvm_connector(zvm_fcp=['1f00']), 'zvm_fcp'),
              (zvm_connector(zvm_fcp=['1f00', 'zzzz']), 'zvm_fcp'),
              (zvm_connector(zvm_fcp=['1f00', '12345']), 'zvm_fcp'),
              (zvm_connector(zvm_hypervisor=None), 'zvm_hypervisor'),
              (zvm_connector(zvm_hypervisor='zvm2'), 'zvm_hypervisor'))
    def test_bad_connector(self, conn, missing):
        exc = self.assertRaises(connection.ConnectorError,
                                connection.connection_info, 'vid', self.loc,
                                conn, 'zvm1', '1G')
        self.assertEqual(missing, exc.missing)
