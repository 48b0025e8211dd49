"""Pool operations over HTTP, asserting the pool files read back from the simulator.

Follows zvm.pm changeHypervisor (--addzfcp2pool, --removezfcpfrompool,
--reservezfcp, --releasezfcp), inventoryHypervisor (--zfcppool,
--zfcppoolnames, --fcpdevices) and zvmxcatws.cgi hypervisorHandler (split / /).
"""

import os

from tests.common.functional import simbase

W = '500507680b21bac6'


class TestPoolsOverHttp(simbase.SimTestCase):

    def test_pool_file_is_xcat_csv_on_disk(self):
        """The pool lives at <state>/zhcp/<zhcp>/zfcp/<pool>.conf with xCAT's header."""
        path = os.path.join(self.sim.state_dir, 'zhcp', 'zhcp1', 'zfcp', 'gold.conf')
        with open(path) as f:
            text = f.read()
        self.assertTrue(text.startswith('#status,wwpn,lun,size,range,owner,channel,tag\n'))
        self.assertIn('free,%s,4001400500000000,10G,1f00-1f0f;2f00-2f0f,,,\n' % W, text)

    def test_reserve_best_fit_then_release(self):
        """findAndUpdatezFcpPool: smallest free entry >= size; release clears owner."""
        data = self.hv('--reservezfcp gold reserved volume-7 auto 2G')
        # a dual-fabric row: one port per fabric
        both = '%s;500507680b22bac6' % W
        self.assertEqual('zvm1: FCP device auto/0x%s/0x4001400900000000 was reserved... Done'
                         % both, self.infos(data)[-1])
        row = self.row('gold', '4001400900000000')
        self.assertEqual(('reserved', 'volume-7'), (row['status'], row['owner']))
        self.hv('--releasezfcp gold %s 4001400900000000' % both)
        row = self.row('gold', '4001400900000000')
        self.assertEqual(('free', '', ''), (row['status'], row['owner'], row['channel']))

    def test_reserve_used_auto_selects_fcp_in_range(self):
        """selectFcpDevice: a free FCP in the entry's range, written as channel."""
        data = self.hv('--reservezfcp gold used vm1 auto 1G')
        self.assertIn('zvm1: Found FCP channel within acceptable range 1F00', self.infos(data))
        row = self.row('gold', '4001400600000000')
        self.assertEqual(('used', 'vm1', '1F00'), (row['status'], row['owner'],
                                                   row['channel']))

    def test_double_space_gives_empty_argument(self):
        """zvmxcatws.cgi: split(/ /) keeps the empty field, so xCAT sees 7 args, not 6."""
        data = self.hv('--reservezfcp gold reserved  volume-7 auto 2G')
        self.assertEqual(['zvm1: (Error) Wrong number of parameters'], self.errors(data))
        self.assertFalse(any(r['owner'] for r in self.rows('gold')))

    def test_add_remove_and_empty_pool_deleted(self):
        data = self.hv('--addzfcp2pool NEWPOOL free 0x%s 4001401000000000 4G 1f00-1f0f' % W)
        self.assertEqual(['zvm1: New zFCP device pool newpool created',
                          'zvm1: Adding zFCP device to newpool pool... Done'], self.infos(data))
        self.assertEqual(['4001401000000000'], [r['lun'] for r in self.rows('newpool')])
        names = self.get('nodes/zvm1/inventory', field=['--zfcppoolnames'])
        self.assertEqual(['zvm1: gold\nzvm1: newpool\nzvm1: silver\n'], self.infos(names))
        data = self.hv('--removezfcpfrompool newpool 4001401000000000 %s' % W)
        self.assertIn('zvm1: Deleting empty zFCP newpool pool.', self.infos(data))
        self.assertIsNone(self.sim.admin.pool_text('zvm1', 'newpool'))

    def test_duplicate_across_pools_refused(self):
        data = self.hv('--addzfcp2pool silver free %s 4001400500000000 1G' % W)
        self.assertEqual(['zvm1: (Error) zFCP device %s/4001400500000000 already exists in '
                          'gold.' % W], self.errors(data))
        self.assertNotIn('4001400500000000', [r['lun'] for r in self.rows('silver')])

    def test_zfcppool_filter(self):
        self.hv('--reservezfcp gold reserved volume-1 auto 1G')
        info = self.infos(self.get('nodes/zvm1/inventory',
                                   field=['--zfcppool', 'gold', 'reserved']))
        self.assertEqual(['zvm1: #status,wwpn,lun,size,range,owner,channel,tag\n'
                          'zvm1: reserved,%s;500507680b22bac6,4001400600000000,1G,'
                          '1f00-1f0f;2f00-2f0f,volume-1,auto,\n' % W], info)

    def test_fcpdevices_details_and_status(self):
        """inventoryHypervisor --fcpdevices: 5 lines per device.

        A device is Active once dedicated to a running guest (System_WWPN_Query).
        """
        self.chvm('vm1', '--dedicatedevice 1f02 1f02 0')
        info = self.infos(self.get('nodes/zvm1/inventory',
                                   field=['--fcpdevices', 'active', 'details']))[0]
        self.assertEqual('zvm1: FCP device number: 1F02\nzvm1: Status: Active\n'
                         'zvm1: NPIV world wide port number: C05076FFE5005614\n'
                         'zvm1: Channel path ID: 27\n'
                         'zvm1: Physical world wide port number: C05076FFE5005611\n', info)
        free = self.infos(self.get('nodes/zvm1/inventory', field=['--fcpdevices', 'free']))[0]
        self.assertNotIn('1F02', free)
        self.assertIn('zvm1: 1F00\n', free)
        offline = self.infos(self.get('nodes/zvm1/inventory',
                                      field=['--fcpdevices', 'offline', 'details']))[0]
        self.assertIn('NPIV world wide port number: NONE', offline)
