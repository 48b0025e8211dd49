"""Unit tests of the simulator's pure pool logic (zvm_sim.core.pools).

Each test names the xCAT code it follows: xCAT-server/lib/xcat/plugins/zvm.pm
changeHypervisor / inventoryHypervisor and perl-xCAT/xCAT/zvmUtils.pm
findAndUpdatezFcpPool / selectFcpDevice.
"""

import testtools

from zvm_sim.core import pools

W1 = '500507680b21bac6'
W2 = '500507680b22bac6'


class FakeFiles:
    def __init__(self, pools_text=None):
        self.files = dict(pools_text or {})

    def read(self, pool):
        return self.files.get(pool)

    def write(self, pool, text):
        self.files[pool] = text

    def delete(self, pool):
        self.files.pop(pool, None)

    def names(self):
        return sorted(self.files)

    def race_window(self):
        pass


class FakeHost:
    def __init__(self, dedicates=(), fcps=(), used=()):
        self._dedicates, self._fcps, self._used = list(dedicates), list(fcps), set(used)

    def owner_dedicates(self, owner):
        return self._dedicates

    def fcp_query(self):
        return self._fcps

    def used_channels(self):
        return self._used


def pool_file(*rows):
    return '\n'.join([pools.HEADER] + list(rows)) + '\n'


def lines(files, pool):
    return [ln for ln in files.read(pool).split('\n') if ln and not ln.startswith('#')]


class TestAddToPool(testtools.TestCase):
    """zvm.pm changeHypervisor --addzfcp2pool."""

    def test_creates_pool_lowercased_with_header(self):
        files = FakeFiles()
        out = pools.add_to_pool(files, 'zvm1', ['--addzfcp2pool', 'GOLD', 'free', '0x' + W1,
                                                '4001400500000000', '10G', '1f00-1f0f'])
        self.assertEqual(['zvm1: New zFCP device pool gold created',
                          'zvm1: Adding zFCP device to gold pool... Done'], out)
        self.assertEqual(pool_file('free,%s,4001400500000000,10G,1f00-1f0f,,,' % W1),
                         files.read('gold'))

    def test_duplicate_in_any_pool_is_refused(self):
        files = FakeFiles({'silver': pool_file('free,%s,4001400500000000,1G,,,,' % W1)})
        out = pools.add_to_pool(files, 'zvm1', ['--addzfcp2pool', 'gold', 'free', W1,
                                                '4001400500000000', '1G'])
        self.assertEqual(['zvm1: (Error) zFCP device %s/4001400500000000 already exists in '
                          'silver.' % W1], out)
        self.assertIsNone(files.read('gold'))

    def test_multipath_entry_hides_first_wwpn_quirk(self):
        """Reproduced quirk: the duplicate grep misses multipath lines.

        grep ',w1,lun' does not match 'w1;w2,lun' (nor ',w2,lun': it is ';w2,lun'),
        so a single path of a multipath LUN can be added again.
        """
        files = FakeFiles({'gold': pool_file('free,%s;%s,4001400500000000,1G,,,,' % (W1, W2))})
        out = pools.add_to_pool(files, 'zvm1', ['--addzfcp2pool', 'gold', 'free', W1,
                                                '4001400500000000', '1G'])
        self.assertEqual(['zvm1: Adding zFCP device to gold pool... Done'], out)
        self.assertEqual(2, len(lines(files, 'gold')))

    def test_owner_rules(self):
        files = FakeFiles()
        out = pools.add_to_pool(files, 'zvm1', ['--addzfcp2pool', 'gold', 'used', W1,
                                                '4001400500000000', '1G'])
        self.assertEqual(['zvm1: (Error) Owner must be specified if status is used.'], out)
        out = pools.add_to_pool(files, 'zvm1', ['--addzfcp2pool', 'gold', 'free', W1,
                                                '4001400500000000', '1G', '', 'vm1'])
        self.assertEqual(['zvm1: (Error) Owner must not be specified if status is free.'], out)
        self.assertEqual([], files.names())

    def test_validation(self):
        files = FakeFiles()
        self.assertIn('Invalid logical unit number 4001',
                      pools.add_to_pool(files, 'zvm1', ['--addzfcp2pool', 'gold', 'free', W1,
                                                        '4001', '1G'])[0])
        self.assertIn('Size not recognized',
                      pools.add_to_pool(files, 'zvm1', ['--addzfcp2pool', 'gold', 'free', W1,
                                                        '4001400500000000', '10T'])[0])
        self.assertIn('Wrong number of parameters',
                      pools.add_to_pool(files, 'zvm1', ['--addzfcp2pool', 'gold'])[0])
        self.assertEqual([], files.names())


class TestRemoveFromPool(testtools.TestCase):
    """zvm.pm changeHypervisor --removezfcpfrompool."""

    def test_remove_and_delete_empty_pool(self):
        files = FakeFiles({'gold': pool_file('free,%s,4001400500000000,1G,,,,' % W1)})
        out = pools.remove_from_pool(files, 'zvm1', ['--removezfcpfrompool', 'gold',
                                                     '4001400500000000', W1])
        self.assertEqual(['zvm1: Removing zFCP device %s/4001400500000000 from gold pool... '
                          'Done' % W1, 'zvm1: Deleting empty zFCP gold pool.'], out)
        self.assertEqual([], files.names())

    def test_pool_name_not_lowercased(self):
        files = FakeFiles({'gold': pool_file('free,%s,4001400500000000,1G,,,,' % W1)})
        out = pools.remove_from_pool(files, 'zvm1', ['--removezfcpfrompool', 'GOLD',
                                                     '4001400500000000', W1])
        self.assertEqual(['zvm1: (Error) zFCP pool does not exist'], out)
        self.assertEqual(1, len(lines(files, 'gold')))

    def test_wwpn_required_and_lun_list(self):
        files = FakeFiles({'gold': pool_file('free,%s,4001400500000000,1G,,,,' % W1,
                                             'free,%s,4001400600000000,1G,,,,' % W1,
                                             'free,%s,4001400700000000,1G,,,,' % W1)})
        self.assertEqual(['zvm1: (Error) WWPN is required.'],
                         pools.remove_from_pool(files, 'zvm1', ['--removezfcpfrompool', 'gold',
                                                                '4001400500000000']))
        pools.remove_from_pool(files, 'zvm1', ['--removezfcpfrompool', 'gold',
                                               '4001400500000000,4001400600000000', W1])
        self.assertEqual(['free,%s,4001400700000000,1G,,,,' % W1], lines(files, 'gold'))

    def test_wrong_wwpn_is_error(self):
        files = FakeFiles({'gold': pool_file('free,%s,4001400500000000,1G,,,,' % W1)})
        out = pools.remove_from_pool(files, 'zvm1', ['--removezfcpfrompool', 'gold',
                                                     '4001400500000000', W2])
        self.assertEqual(['zvm1: (Error) zFCP device %s/4001400500000000 does not exist.' % W2],
                         out)
        self.assertEqual(1, len(lines(files, 'gold')))


class TestBestFit(testtools.TestCase):
    """zvmUtils.pm findAndUpdatezFcpPool without WWPN/LUN (via --reservezfcp)."""

    def setUp(self):
        super().setUp()
        self.files = FakeFiles({'gold': pool_file(
            'free,%s,0000000000000001,,r,,,' % W1,          # no size: skipped
            'free,%s,0000000000000002,10G,r,,,' % W1,
            'free,%s,0000000000000003,2048M,r,,,' % W1,
            'used,%s,0000000000000004,3G,r,vm1,1F00,' % W1,
            'free,%s,0000000000000005,2G,r,,,' % W1,        # tie with 2048M: first wins
            'free,%s,0000000000000006,1G,r,,,' % W1)})

    def reserve(self, size, status='reserved', owner='volume-1'):
        return pools.reserve(self.files, FakeHost(), 'zvm1', 'zhcp1',
                             ['--reservezfcp', 'gold', status, owner, 'auto', size])

    def test_smallest_fitting_entry(self):
        out = self.reserve('2G')
        self.assertEqual(['zvm1: Found FCP device 0x%s/0x0000000000000003' % W1,
                          'zvm1: Reserving FCP device... Done',
                          'zvm1: FCP device auto/0x%s/0x0000000000000003 was reserved... Done'
                          % W1], out)
        self.assertIn('reserved,%s,0000000000000003,2048M,r,volume-1,auto,' % W1,
                      lines(self.files, 'gold'))

    def test_megabytes_and_no_fit(self):
        out = self.reserve('11G')
        self.assertEqual(['zvm1: (Error) A suitable device of 11264M or larger could not be '
                          'found', 'zvm1: (Error) Reserving FCP device... Failed'], out)
        self.assertEqual(0, sum('volume-1' in ln for ln in lines(self.files, 'gold')))

    def test_used_entries_are_not_candidates(self):
        self.reserve('3G')
        self.assertIn('reserved,%s,0000000000000002,10G,r,volume-1,auto,' % W1,
                      lines(self.files, 'gold'))

    def test_free_status_refused(self):
        out = self.reserve('1G', status='free')
        self.assertEqual(['zvm1: (Error) Status can be used or reserved but not free.'], out)

    def test_used_with_auto_picks_free_fcp_in_range(self):
        files = FakeFiles({'gold': pool_file('free,%s,0000000000000002,1G,1f00-1f0f,,,' % W1,
                                             'used,%s,0000000000000003,1G,1f00-1f0f,vm2,1F00,'
                                             % W1)})
        host = FakeHost(fcps=[('1F00', 'Free'), ('1F01', 'Active'), ('1F02', 'Free'),
                              ('2F00', 'Free')], used={'1F00'})
        out = pools.reserve(files, host, 'zvm1', 'zhcp1',
                            ['--reservezfcp', 'gold', 'used', 'vm1', 'auto', '1G'])
        self.assertIn('zvm1: Found FCP channel within acceptable range 1F02', out)
        self.assertIn('used,%s,0000000000000002,1G,1f00-1f0f,vm1,1F02,' % W1,
                      lines(files, 'gold'))

    def test_owner_dedicated_fcp_preferred(self):
        files = FakeFiles({'gold': pool_file('free,%s,0000000000000002,1G,1f00-1f0f,,,' % W1)})
        host = FakeHost(dedicates=['2f00', '1f05'], fcps=[('1F00', 'Free')])
        out = pools.reserve(files, host, 'zvm1', 'zhcp1',
                            ['--reservezfcp', 'gold', 'used', 'vm1', 'auto', '1G'])
        self.assertIn('zvm1: Found eligible FCP channel 1F05', out)


class TestGivenWwpnLun(testtools.TestCase):
    """zvmUtils.pm findAndUpdatezFcpPool with WWPN/LUN (--reservezfcp, --releasezfcp)."""

    def test_reserve_given_writes_size_M_when_entry_has_none(self):
        """Reproduced quirk: the size written back is '<request MB>M' ('M' with no size)."""
        files = FakeFiles({'gold': pool_file('free,%s,4001400500000000,,r,,,' % W1)})
        out = pools.reserve(files, FakeHost(), 'zvm1', 'zhcp1',
                            ['--reservezfcp', 'gold', 'reserved', 'volume-1', '', '', W1,
                             '4001400500000000'])
        self.assertEqual('zvm1: FCP device 0x%s/0x4001400500000000 was reserved... Done' % W1,
                         out[-1])
        self.assertEqual(['reserved,%s,4001400500000000,M,r,volume-1,,' % W1],
                         lines(files, 'gold'))

    def test_reserve_missing_device_gives_grep_error(self):
        files = FakeFiles({'gold': pool_file('free,%s,4001400500000000,1G,r,,,' % W1)})
        out = pools.reserve(files, FakeHost(), 'zvm1', 'zhcp1',
                            ['--reservezfcp', 'gold', 'reserved', 'volume-1', '', '', W2,
                             '4001400500000000'])
        self.assertEqual(1, len(out))
        self.assertIn('(Error) In findzFcpDeviceAttr(), command to zhcp1 failed with return '
                      'code 1', out[0])

    def test_reserve_used_refused(self):
        files = FakeFiles({'gold': pool_file('used,%s,4001400500000000,1G,r,vm1,1f00,' % W1)})
        out = pools.reserve(files, FakeHost(), 'zvm1', 'zhcp1',
                            ['--reservezfcp', 'gold', 'reserved', 'volume-1', '', '', W1,
                             '4001400500000000'])
        self.assertEqual(['zvm1: (Error) FCP device 0x%s/0x4001400500000000 is in use.' % W1],
                         out)

    def test_release_clears_owner_and_channel(self):
        files = FakeFiles({'gold': pool_file('used,%s,4001400500000000,1G,r,vm1,1F00,t' % W1)})
        out = pools.release(files, FakeHost(), 'zvm1',
                            ['--releasezfcp', 'gold', W1, '4001400500000000'])
        self.assertEqual(['zvm1: Using given WWPN and LUN',
                          'zvm1: Found FCP device 0x%s/0x4001400500000000' % W1,
                          'zvm1: Releasing FCP device... Done',
                          'zvm1: FCP device 0x%s/0x4001400500000000 was released' % W1], out)
        self.assertEqual(['free,%s,4001400500000000,1G,r,,,' % W1], lines(files, 'gold'))

    def test_same_lun_behind_two_wwpns_quirk(self):
        """Reproduced quirk: the update step greps the LUN alone.

        Two lines match: for the first line's WWPN sed fails on the multi-line
        expression, nothing is written and the reply says Done; for the second WWPN
        the check against the first line's WWPN fails with "does not exists".
        """
        files = FakeFiles({'gold': pool_file('free,%s,4001400500000000,1G,r,,,' % W1,
                                             'free,%s,4001400500000000,1G,r,,,' % W2)})
        before = files.read('gold')
        out = pools.reserve(files, FakeHost(), 'zvm1', 'zhcp1',
                            ['--reservezfcp', 'gold', 'reserved', 'volume-1', '', '', W1,
                             '4001400500000000'])
        self.assertIn('zvm1: Reserving FCP device... Done', out)
        self.assertEqual(before, files.read('gold'))
        out = pools.reserve(files, FakeHost(), 'zvm1', 'zhcp1',
                            ['--reservezfcp', 'gold', 'reserved', 'volume-1', '', '', W2,
                             '4001400500000000'])
        self.assertIn('zvm1: (Error) FCP device %s/4001400500000000 does not exists' % W2, out)
        self.assertEqual(before, files.read('gold'))


class TestListing(testtools.TestCase):
    """zvm.pm inventoryHypervisor --zfcppool and --zfcppoolnames."""

    def test_filter_adds_header_and_greps(self):
        files = FakeFiles({'gold': pool_file('free,%s,4001400500000000,1G,r,,,' % W1,
                                             'used,%s,4001400600000000,1G,r,vm1,1f00,' % W1)})
        self.assertEqual(files.read('gold'), pools.list_pool(files, ['--zfcppool', 'gold']))
        self.assertEqual(pool_file('used,%s,4001400600000000,1G,r,vm1,1f00,' % W1),
                         pools.list_pool(files, ['--zfcppool', 'GOLD', 'used']))

    def test_names_delete_empty_pools(self):
        files = FakeFiles({'gold': pool_file('free,%s,4001400500000000,1G,r,,,' % W1),
                           'empty': pool_file()})
        self.assertEqual('gold\n', pools.pool_names(files))
        self.assertEqual(['gold'], files.names())
