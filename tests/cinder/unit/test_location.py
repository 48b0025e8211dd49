import ddt

from cinder_zvm import location
from tests.cinder import cinder_test
from tests.cinder.unit import pool_rows


@ddt.ddt
class LocationTest(cinder_test.TestCase):

    def test_round_trip_single_path(self):
        loc = location.LunLocation('zvm1', 'gold', pool_rows.W1,
                                   '4001400500000000')
        text = loc.encode()
        self.assertEqual('zvmfcp1:zvm1:gold:500507680b21bac6:4001400500000000',
                         text)
        self.assertEqual(loc, location.decode(text))

    def test_round_trip_multipath(self):
        loc = location.LunLocation('zvm1', 'gold',
                                   [pool_rows.W1, '0x500507680B22BAC6'],
                                   '0x4001400500000000')
        self.assertEqual((pool_rows.W1, pool_rows.W2), loc.wwpns)
        self.assertEqual('%s;%s:4001400500000000' % (pool_rows.W1, pool_rows.W2),
                         loc.source_name)
        self.assertEqual(loc, location.decode(loc.encode()))

    @ddt.data(None, '')
    def test_empty_is_none(self, value):
        self.assertIsNone(location.decode(value))

    @ddt.data('zvmfcp2:zvm1:gold:500507680b21bac6:4001400500000000',
              'zvmfcp1:zvm1:gold:500507680b21bac6',
              'zvmfcp1:zvm1:gold:500507680b21bac6:4001',
              'zvmfcp1:zvm1:go ld:500507680b21bac6:4001400500000000',
              'zvmfcp1:zvm1:gold:500507680b21bac6;500507680b21bac6:'
              '4001400500000000',
              '/dev/sdb')
    def test_bad_location_rejected(self, value):
        self.assertRaises(location.InvalidLocation, location.decode, value)

    @ddt.unpack
    @ddt.data(('4001400500000000', 0x40054001),
              ('0000000000000000', 0),
              ('0001000000000000', 1),
              ('0102030405060708', 0x0708050603040102),
              ('4010401100000000', 0x40114010))
    def test_scsi_lun_is_kernel_scsilun_to_int(self, fcp_lun, expected):
        self.assertEqual(expected, location.fcp_lun_to_scsi_lun(fcp_lun))

    @ddt.unpack
    @ddt.data(('500507680b21bac6:4001400500000000',
               ((pool_rows.W1,), '4001400500000000')),
              ('0x500507680B21BAC6;500507680b22bac6:0x4001400500000000',
               ((pool_rows.W1, pool_rows.W2), '4001400500000000')))
    def test_source_name(self, text, expected):
        self.assertEqual(expected, location.parse_source_name(text))

    @ddt.data('500507680b21bac6', '500507680b21bac6:1', 'a:b:c', None, '',
              ':4001400500000000')
    def test_bad_source_name(self, text):
        self.assertRaises(location.InvalidLocation,
                          location.parse_source_name, text)
