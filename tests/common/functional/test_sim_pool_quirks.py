"""The simulator's pools where xCAT's own Perl misbehaves (issue 10 items 2-5).

Each expectation was taken from running xcat-core's zvm.pm/zvmUtils.pm with
../shared/realxcat (driver.pl) on the same pool rows; the sources are named
per test.  The product's answers to these quirks are tested in tests/cinder
and tests/nova; tests/common/unit/test_pool_oracle.py runs the product's
sequences on the real Perl.
"""

from tests.common.functional import simbase

W1 = '500507680b21bac6'
W2 = '500507680b22bac6'
MP = '%s;%s' % (W1, W2)
LUN_MP = '4001401100000000'
LUN_DUP = '4001401200000000'
LUN_NOSIZE = '4001401300000000'


class TestMultipathRowsByWwpn(simbase.SimTestCase):
    """Item 2: findzFcpDeviceAttr (zvmUtils.pm 4214) with ``w1;w2``."""

    def setUp(self):
        super().setUp()
        self.hv('--addzfcp2pool gold free %s %s 4G 1f00-1f0f' % (MP, LUN_MP))

    def test_reserve_by_full_wwpn_list_exits_127_and_leaves_row(self):
        data = self.hv('--reservezfcp gold reserved volume-1 auto 0M %s %s' % (MP, LUN_MP))
        self.assertEqual(
            ['(Error) In findzFcpDeviceAttr(), command to zhcp1 failed with return code 127 '
             'for: ssh root@zhcp1 " grep -i "%s,%s" /var/opt/zhcp/zfcp/gold.conf"'
             % (MP, LUN_MP)], self.errors(data))
        row = self.row('gold', LUN_MP)
        self.assertEqual(('free', ''), (row['status'], row['owner']))

    def test_addzfcp_by_full_wwpn_list_exits_127(self):
        """zvm.pm 1714: chvm --addzfcp with WWPN/LUN runs the same grep."""
        data = self.chvm('vm1', '--addzfcp gold 1f00 0 4G 0 %s %s' % (MP, LUN_MP))
        self.assertIn('return code 127', ' '.join(self.errors(data)))
        self.assertEqual('free', self.row('gold', LUN_MP)['status'])

    def test_last_wwpn_of_the_list_addresses_the_row(self):
        """grep "w2,L" finds "w1;w2,L"; the update keeps the whole list."""
        data = self.hv('--reservezfcp gold reserved volume-1 auto 0M %s %s' % (W2, LUN_MP))
        self.assertEqual([], self.errors(data))
        row = self.row('gold', LUN_MP)
        self.assertEqual(('reserved', 'volume-1', MP),
                         (row['status'], row['owner'], row['wwpn']))

    def test_release_by_full_wwpn_list_works(self):
        self.hv('--reservezfcp gold reserved volume-1 auto 0M %s %s' % (W2, LUN_MP))
        data = self.hv('--releasezfcp gold %s %s' % (MP, LUN_MP))
        self.assertEqual([], self.errors(data))
        self.assertEqual('free', self.row('gold', LUN_MP)['status'])


class TestOneLunBehindTwoWwpns(simbase.SimTestCase):
    """Item 3: findAndUpdatezFcpPool's update step greps the LUN alone (zvmUtils.pm 3928)."""

    def setUp(self):
        super().setUp()
        self.hv('--addzfcp2pool gold free %s %s 2G 1f00-1f0f' % (W1, LUN_DUP))
        self.hv('--addzfcp2pool gold free %s %s 4G 1f00-1f0f' % (W2, LUN_DUP))

    def statuses(self):
        return [(r['wwpn'], r['status']) for r in self.rows('gold') if r['lun'] == LUN_DUP]

    def test_via_first_row_says_done_and_writes_nothing(self):
        """The sed gets both lines as its pattern and fails: realxcat shows no change."""
        data = self.hv('--reservezfcp gold reserved volume-1 auto 0M %s %s' % (W1, LUN_DUP))
        self.assertIn('zvm1: FCP device auto/0x%s/0x%s was reserved... Done' % (W1, LUN_DUP),
                      self.infos(data))
        self.assertEqual([(W1, 'free'), (W2, 'free')], self.statuses())

    def test_via_second_row_fails(self):
        data = self.hv('--reservezfcp gold reserved volume-1 auto 0M %s %s' % (W2, LUN_DUP))
        self.assertEqual(['zvm1: (Error) FCP device %s/%s does not exists' % (W2, LUN_DUP),
                          'zvm1: (Error) Reserving FCP device... Failed'], self.errors(data))
        self.assertEqual([(W1, 'free'), (W2, 'free')], self.statuses())


class TestBareMSize(simbase.SimTestCase):
    """Item 4: a row without size gets ``M`` (zvmUtils.pm 3926/3941: "" . "M")."""

    def setUp(self):
        super().setUp()
        # Two blanks: zvmxcatws.cgi's split(/ /) gives an empty size argument.
        self.hv('--addzfcp2pool gold free %s %s  1f00-1f0f' % (W1, LUN_NOSIZE))

    def test_reserve_and_release_write_bare_m(self):
        self.assertEqual('', self.row('gold', LUN_NOSIZE)['size'])
        self.hv('--reservezfcp gold reserved volume-1 auto 0M %s %s' % (W1, LUN_NOSIZE))
        self.assertIn('reserved,%s,%s,M,1f00-1f0f,volume-1,auto,' % (W1, LUN_NOSIZE),
                      self.sim.admin.pool_text('zvm1', 'gold'))
        self.hv('--releasezfcp gold %s %s' % (W1, LUN_NOSIZE))
        self.assertIn('free,%s,%s,M,1f00-1f0f,,,' % (W1, LUN_NOSIZE),
                      self.sim.admin.pool_text('zvm1', 'gold'))


class TestMissingPoolListing(simbase.SimTestCase):
    """Item 5: zvm.pm inventoryHypervisor --zfcppool on a pool file that does not exist."""

    def test_all_is_info_null(self):
        data = self.get('nodes/zvm1/inventory', field=['--zfcppool', 'nopool', 'all'])
        self.assertEqual([{'info': [None]}], [{k: v for k, v in m.items() if k != 'xcatdsource'}
                                              for m in data])

    def test_status_filter_is_an_error(self):
        data = self.get('nodes/zvm1/inventory', field=['--zfcppool', 'nopool', 'free'])
        self.assertEqual(['Node: zvm1 (Error) In inventoryHypervisor(), command to zhcp1 failed '
                          'with return code 1 for: ssh root@zhcp1 " cat '
                          '/var/opt/zhcp/zfcp/nopool.conf"'], self.errors(data))
