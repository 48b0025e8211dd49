"""Differential tests of the zFCP pool commands the product sends.

Commands (grep of cinder_zvm, nova_volumeops, zvm_xcat):
- ``rinv <hv> --zfcppool <pool> all|free|used|reserved`` (zfcp.list_pool),
- ``rinv <hv> --zfcppoolnames`` (zfcp.list_pool_names),
- ``chhypervisor --addzfcp2pool`` (zfcp.add_to_pool),
- ``chhypervisor --removezfcpfrompool`` (zfcp.remove_from_pool),
- ``chhypervisor --reservezfcp`` best fit and by WWPN/LUN (zfcp.reserve,
  nova_volumeops connection.reserve_used_args),
- ``chhypervisor --releasezfcp`` (zfcp.release).
Sources: xcat-core xCAT-server/lib/xcat/plugins/zvm.pm changeHypervisor and
inventoryHypervisor, perl-xCAT/xCAT/zvmUtils.pm findAndUpdatezFcpPool (~3850-3990)
and findzFcpDeviceAttr (4214).
"""


from tests.oracle import base
from tests.oracle.base import W1
from tests.oracle.base import W2

MULTI = W1 + ';' + W2


class TestOracleIsXcat(base.DiffTestCase):

    def test_multipath_row_by_wwpn_lun_fails_in_xcat(self):
        """The oracle shows xCAT's own bug, so it is xCAT's code that runs.

        zvmUtils.pm 4214 leaves "w1;w2,lun" unquoted in a shell command: the
        ';' ends grep's command line (rc 127) and the row stays as it was.
        """
        before = self.pool_text('gold')
        status, body = self._send(
            self.oracle, 'PUT', 'hypervisor/zvm1',
            ['--reservezfcp gold used vm1 1f00;2f00 5G %s 4001400700000000' % MULTI], {})
        self.assertEqual(200, status)
        self.assertIn('return code 127', body['data'][0]['error'][0])
        self.assertEqual(before, self.pool_text('gold'))


class TestListing(base.DiffTestCase):

    def test_zfcppool_every_filter(self):
        for status in ('all', 'free', 'used', 'reserved'):
            self.rinv('--zfcppool', 'gold', status)
            self.rinv('--zfcppool', 'edge', status)

    def test_zfcppoolnames(self):
        reply = self.rinv('--zfcppoolnames')
        self.assertIn('edge', str(reply))

    def test_zfcppoolnames_deletes_empty_pools(self):
        # zvm.pm --zfcppoolnames removes pool files that hold only the header.
        self.hv('--addzfcp2pool', 'tmp', 'free', W1, '4009000000000000', '1G')
        self.hv('--removezfcpfrompool tmp 4009000000000000 %s' % W1)
        self.rinv('--zfcppoolnames')
        self.assertSamePools('tmp')

    def test_missing_pool_all(self):
        # issue 10 item 5: info:[null] with "all" (the XML round trip turns the
        # empty text into null; reply.xml_round_trip)
        self.rinv('--zfcppool', 'nosuch', 'all')

    def test_missing_pool_with_status(self):
        # issue 10 item 5: an error element with a filter
        self.rinv('--zfcppool', 'nosuch', 'free')


class TestAddRemove(base.DiffTestCase):

    def test_add_then_list(self):
        self.hv('--addzfcp2pool gold free %s 4001401000000000 4G' % W1)
        self.hv('--addzfcp2pool gold free %s 4001401100000000 4G 1f00-1f0f' % MULTI)
        self.hv('--addzfcp2pool gold used %s 4001401200000000 4G 1f00-1f0f vm1' % W1)
        self.rinv('--zfcppool', 'gold', 'all')
        self.assertSamePools('gold')

    def test_add_creates_pool(self):
        self.hv('--addzfcp2pool newpool free 0x%s 0x4001402000000000 512M' % W1)
        self.assertSamePools('newpool')

    def test_add_errors(self):
        # an existing device, in this or another pool
        self.hv('--addzfcp2pool gold free %s 4001400500000000 1G' % W1)
        self.hv('--addzfcp2pool silver free %s 4001400500000000 1G' % W1)
        # bad status, bad size, wrong argument counts
        self.hv('--addzfcp2pool gold busy %s 4001403000000000 1G' % W1)
        self.hv('--addzfcp2pool gold free %s 4001403000000000 12' % W1)
        self.hv('--addzfcp2pool gold free %s' % W1)
        self.assertSamePools('gold', 'silver')

    def test_remove(self):
        self.hv('--removezfcpfrompool gold 4001400500000000 %s' % W1)
        self.hv('--removezfcpfrompool gold 4001400600000000,4001400900000000 %s' % W1)
        self.hv('--removezfcpfrompool gold 4001400700000000 %s' % MULTI)
        self.assertSamePools('gold')

    def test_remove_errors(self):
        self.hv('--removezfcpfrompool gold 4001409900000000 %s' % W1)
        self.hv('--removezfcpfrompool nosuch 4001400500000000 %s' % W1)
        # the pool name is not lowercased by this option
        self.hv('--removezfcpfrompool GOLD 4001400500000000 %s' % W1)
        self.hv('--removezfcpfrompool gold 4001400500000000')
        self.assertSamePools('gold')

    def test_remove_last_entry_deletes_file(self):
        for lun in ('4002400000000000', '4002400100000000', '4002400300000000'):
            self.hv('--removezfcpfrompool silver %s 500507680b31bac6' % lun)
        self.hv('--removezfcpfrompool silver 4002400200000000 '
                '500507680b31bac6;500507680b32bac6')
        self.assertSamePools('silver')


class TestReserveRelease(base.DiffTestCase):

    def test_best_fit(self):
        # cinder create_volume (zfcp.reserve without WWPN/LUN)
        self.hv('--reservezfcp gold reserved cinder-volume auto 1G')
        self.hv('--reservezfcp gold reserved cinder-volume auto 3G')
        self.hv('--reservezfcp gold reserved cinder-volume auto 700M')
        self.assertSamePools('gold')

    def test_best_fit_nothing_fits(self):
        self.hv('--reservezfcp gold reserved cinder-volume auto 99G')
        self.hv('--reservezfcp nosuch reserved cinder-volume auto 1G')
        self.assertSamePools('gold')

    def test_best_fit_used_auto_picks_fcp(self):
        # selectFcpDevice: System_WWPN_Query through smcli, channels of used rows
        self.hv('--reservezfcp gold used vm1 auto 1G')
        self.hv('--reservezfcp gold used vm1 auto 2G')
        self.hv('--reservezfcp gold used vm2 auto 5G')
        self.assertSamePools('gold', 'edge')

    def test_by_wwpn_lun_single_path(self):
        # nova reserve_used_args, cinder owner re-stamp on a single-path LUN
        self.hv('--reservezfcp gold used vm1 1f00 10G %s 4001400500000000' % W1)
        self.hv('--reservezfcp gold reserved cinder-volume 1f01 0M %s 4001400900000000' % W1)
        self.hv('--releasezfcp gold %s 4001400500000000' % W1)
        self.assertSamePools('gold')

    def test_by_wwpn_lun_errors(self):
        # a device not in the pool, a device in use, a wrong status
        self.hv('--reservezfcp gold used vm1 1f00 1G %s 4001409900000000' % W1)
        self.hv('--reservezfcp edge used vm1 1f00 1G %s 4003400200000000' % W1)
        self.hv('--reservezfcp gold free vm1 1f00 1G %s 4001400500000000' % W1)
        self.hv('--releasezfcp gold %s 4001409900000000' % W1)
        self.assertSamePools('gold', 'edge')

    def test_release_multipath_best_fit_entry(self):
        # best fit and --releasezfcp do work on a multi-WWPN row
        self.hv('--reservezfcp gold reserved cinder-volume auto 5G')
        self.hv('--releasezfcp gold %s 4001400700000000' % MULTI)
        self.assertSamePools('gold')

    def test_by_wwpn_lun_multipath(self):
        # issue 10 item 2: findzFcpDeviceAttr leaves
        # the ';' unquoted (zvmUtils.pm 4214): rc 127, the row stays as it was.
        self.hv('--reservezfcp gold used vm1 1f00;2f00 5G %s 4001400700000000' % MULTI)
        self.assertSamePools('gold')

    def test_same_lun_behind_two_wwpns(self):
        # issue 10 item 3: the update step greps the LUN alone (zvmUtils.pm
        # ~3936); the simulator reproduces it (pools.py quirk 4).
        self.hv('--reservezfcp edge reserved c1 1f00 0M 500507680b51bac6 4005400000000000')
        self.hv('--reservezfcp edge reserved c2 1f00 0M 500507680b52bac6 4005400000000000')
        self.assertSamePools('edge')

    def test_sizeless_rows_get_size_m(self):
        # issue 10 item 4: xCAT writes a bare "M" into a row without a size
        # (zvmUtils.pm 3929/3941); the simulator reproduces it.
        self.hv('--reservezfcp edge reserved c1 1f00 0M %s 4003400000000000' % W1)
        self.hv('--releasezfcp edge %s 4003400000000000' % W1)
        self.assertSamePools('edge')
        self.assertIn(',M,', self.pool_text('edge'))
