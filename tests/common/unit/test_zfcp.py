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
"""zvm_xcat.zfcp: exact xCAT argument lists (zvm.pm changeHypervisor /
inventoryHypervisor) and one request per helper."""

import json

import ddt
import testtools

from tests.common import fixtures as tfx
from zvm_xcat import client
from zvm_xcat.exception import XCATInvalidArgument
from zvm_xcat.exception import XCATParseError
from zvm_xcat.exception import XCATPoolNotFound
from zvm_xcat import zfcp

W1 = '500507680b21bac6'
W2 = '500507680b22bac6'
L1 = '4001400500000000'


@ddt.ddt
class TestBuilders(testtools.TestCase):

    def test_add_to_pool(self):
        # zvm.pm --addzfcp2pool: pool status wwpn lun size [range] [owner];
        # the 6th argument is read as the range.
        self.assertEqual(
            ['--addzfcp2pool', 'gold', 'free', W1, L1, '10G'],
            zfcp.build_add_to_pool('Gold', 'FREE', '0x' + W1.upper(), L1,
                                   '10g'))
        self.assertEqual(
            ['--addzfcp2pool', 'gold', 'used', W1 + ';' + W2, L1, '512M',
             '1f00-1f0f;2f00-2f0f', 'vm1'],
            zfcp.build_add_to_pool('gold', 'used', [W1, W2], L1, '512m',
                                   range_='1F00-1F0F;2f00-2f0f', owner='vm1'))

    @ddt.data(
        dict(size=None),                                 # positional, needed
        dict(status='used'),                             # owner required
        dict(owner='vm1'),                               # free + owner
        dict(status='used', owner='vm1'),                # owner without range
        dict(status='gone'),
        dict(lun='4001'),                                # 16-bit id refused
        dict(wwpns='x'),
        dict(size='10'),
        dict(range_='1f00'),
        dict(status='reserved', range_='1f00-1f0f', owner='two words'),
        dict(pool='a b'),
    )
    def test_add_to_pool_refused(self, change):
        args = dict(pool='gold', status='free', wwpns=W1, lun=L1, size='1G')
        args.update(change)
        self.assertRaises(XCATInvalidArgument, zfcp.build_add_to_pool, **args)

    def test_remove_from_pool_lun_first(self):
        # zvm.pm --removezfcpfrompool: pool lun wwpn; pool NOT lowercased by
        # xCAT, so the client lowers it.
        self.assertEqual(['--removezfcpfrompool', 'gold', L1, W1],
                         zfcp.build_remove_from_pool('GOLD', W1, [L1]))
        self.assertEqual(['--removezfcpfrompool', 'gold',
                          L1 + ',4001400600000000', W1 + ';' + W2],
                         zfcp.build_remove_from_pool(
                             'gold', (W1, W2), L1 + ',0x4001400600000000'))
        self.assertRaises(XCATInvalidArgument, zfcp.build_remove_from_pool,
                          'gold', W1, [])

    def test_reserve(self):
        # --reservezfcp pool status owner device size [wwpn lun]
        self.assertEqual(
            ['--reservezfcp', 'gold', 'reserved', 'volume-1', 'auto', '10G'],
            zfcp.build_reserve('gold', 'reserved', 'volume-1', 'AUTO',
                               size='10g'))
        self.assertEqual(
            ['--reservezfcp', 'gold', 'used', 'vm1', '1f00', '0M', W1, L1],
            zfcp.build_reserve('gold', 'used', 'vm1', '0.0.1F00', wwpns=W1,
                               lun=L1))
        # A multipath row is named by its last WWPN: the whole list makes
        # findzFcpDeviceAttr exit 127 (zvmUtils.pm 4214; realxcat).
        self.assertEqual(
            ['--reservezfcp', 'gold', 'used', 'vm1', '1f00;2f00', '2G',
             W2, L1],
            zfcp.build_reserve('gold', 'used', 'vm1', ['1f00', '2f00'],
                               size='2G', wwpns=[W1, W2], lun=L1))

    @ddt.data(dict(status='free'), dict(size=None), dict(wwpns=W1),
              dict(lun=L1), dict(owner=''), dict(device='xyz'),
              dict(device=''))
    def test_reserve_refused(self, change):
        args = dict(pool='gold', status='reserved', owner='o', device='auto',
                    size='1G')
        args.update(change)
        self.assertRaises(XCATInvalidArgument, zfcp.build_reserve, **args)

    def test_release(self):
        self.assertEqual(['--releasezfcp', 'gold', W1, L1],
                         zfcp.build_release('Gold', W1.upper(), '0x' + L1))


POOL_OUT = ('zvm1: #status,wwpn,lun,size,range,owner,channel,tag\n'
            'zvm1: free,%s,%s,10G,1f00-1f0f,,,\n'
            'zvm1: used,%s,4001400600000000,2G,1f00-1f0f,vm1,1f00,\n'
            'zvm1: reserved,%s,4001400700000000,1G,,free-owner,,\n'
            % (W1, L1, W1, W2))


class TestHelpers(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.srv = self.useFixture(tfx.LocalHTTPServer())
        self.client = client.XCATClient(self.srv.url, 'admin', 'pw',
                                        backoff_factor=0.001)
        self.addCleanup(self.client.close)

    def answer(self, *elements):
        self.srv.replies.append(tfx.xcat_reply(*elements))

    def only_request(self):
        self.assertEqual(1, len(self.srv.requests))
        return self.srv.requests[0]

    def test_list_pool(self):
        self.answer({'info': [POOL_OUT]})
        entries = zfcp.list_pool(self.client, 'zvm1', 'Gold')
        self.assertEqual(['free', 'used', 'reserved'],
                         [e.status for e in entries])
        req = self.only_request()
        self.assertEqual('/xcatws/nodes/zvm1/inventory', req['path'])
        self.assertEqual(['--zfcppool', 'gold', 'all'], req['query']['field'])

    def test_list_pool_status_filter_rechecked(self):
        # zvm.pm greps "free" anywhere in the row: the reserved row whose
        # owner contains "free" comes back too and is dropped here.
        self.answer({'info': [POOL_OUT]})
        entries = zfcp.list_pool(self.client, 'zvm1', 'gold', status='free')
        self.assertEqual([L1], [e.lun for e in entries])
        self.assertRaises(XCATInvalidArgument, zfcp.list_pool, self.client,
                          'zvm1', 'gold', status='bogus')

    def test_list_pool_malformed_row(self):
        self.answer({'info': ['zvm1: free,%s,4001,10G,,,,\n' % W1]})
        self.assertRaises(XCATParseError, zfcp.list_pool, self.client, 'zvm1',
                          'gold')

    def test_list_pool_missing_all_is_info_null(self):
        """zvm.pm inventoryHypervisor: a missing pool file lists as info:[null]."""
        self.answer({'info': [None]})
        exc = self.assertRaises(XCATPoolNotFound, zfcp.list_pool, self.client,
                                'zvm1', 'nopool')
        self.assertEqual(('zvm1', 'nopool'), (exc.hv, exc.pool))
        self.assertIn('does not exist', str(exc))

    def test_list_pool_missing_with_filter_is_error(self):
        """With a filter it is checkSSH_Rc's failed cat (realxcat)."""
        self.answer({'error': [
            'Node: zvm1 (Error) In inventoryHypervisor(), command to zhcp1 '
            'failed with return code 1 for: ssh root@zhcp1 " cat '
            '/var/opt/zhcp/zfcp/nopool.conf"'], 'errorcode': ['1']})
        self.assertRaises(XCATPoolNotFound, zfcp.list_pool, self.client,
                          'zvm1', 'nopool', status='free')

    def test_list_pool_empty_file_is_an_empty_pool(self):
        self.answer({'info': ['zvm1: #status,wwpn,lun,size,range,owner,'
                              'channel,tag\n']})
        self.assertEqual([], zfcp.list_pool(self.client, 'zvm1', 'gold'))

    def test_bare_m_size_is_unknown(self):
        """zvmUtils.pm 3926/3941 write "" . "M" into a row without size."""
        self.answer({'info': ['zvm1: reserved,%s,%s,M,1f00-1f0f,o,auto,\n'
                              % (W1, L1)]})
        [entry] = zfcp.list_pool(self.client, 'zvm1', 'gold')
        self.assertIsNone(entry.size_bytes)

    def test_list_pool_names(self):
        self.answer({'info': ['zvm1: gold\nzvm1: silver\n']})
        self.assertEqual(['gold', 'silver'],
                         zfcp.list_pool_names(self.client, 'zvm1'))
        self.assertEqual(['--zfcppoolnames'],
                         self.only_request()['query']['field'])

    def test_list_fcp_devices(self):
        self.answer({'info': [
            'zvm1: FCP device number: 1F00\nzvm1:   Status: Free\n'
            'zvm1:   NPIV world wide port number: C05076FFE5005612\n'
            'zvm1:   Channel path ID: 27\n'
            'zvm1:   Physical world wide port number: C05076FFE5005611\n']})
        [dev] = zfcp.list_fcp_devices(self.client, 'zvm1', 'free')
        self.assertEqual(('1f00', 'c05076ffe5005612'), (dev.devno, dev.wwpn))
        self.assertEqual(['--fcpdevices', 'free', 'details'],
                         self.only_request()['query']['field'])
        self.assertRaises(XCATInvalidArgument, zfcp.list_fcp_devices,
                          self.client, 'zvm1', 'all')

    def test_add_remove_release(self):
        for _ in range(3):
            self.answer({'info': ['zvm1: Done\n']})
        zfcp.add_to_pool(self.client, 'zvm1', 'gold', 'free', W1, L1, '10G',
                         range_='1f00-1f0f')
        zfcp.remove_from_pool(self.client, 'zvm1', 'gold', W1, [L1])
        zfcp.release(self.client, 'zvm1', 'gold', W1, L1)
        bodies = [json.loads(r['body']) for r in self.srv.requests]
        self.assertEqual([
            ['--addzfcp2pool gold free %s %s 10G 1f00-1f0f' % (W1, L1)],
            ['--removezfcpfrompool gold %s %s' % (L1, W1)],
            ['--releasezfcp gold %s %s' % (W1, L1)]], bodies)
        self.assertTrue(all(r['path'] == '/xcatws/hypervisor/zvm1'
                            for r in self.srv.requests))

    def test_reserve_best_fit(self):
        # zvm.pm --reservezfcp output (findAndUpdatezFcpPool + printLn).
        self.answer({'info': [
            'zvm1: Found FCP device 0x%s/0x%s\n' % (W1, L1)]},
            {'info': ['zvm1: Reserving FCP device... Done\n']},
            {'info': ['zvm1: FCP device auto/0x%s/0x%s was reserved... Done\n'
                      % (W1, L1)]})
        reserved = zfcp.reserve(self.client, 'zvm1', 'gold', 'reserved',
                                'volume-1', 'auto', size='10G')
        self.assertEqual(zfcp.ReservedLun(None, (W1,), L1), reserved)
        self.assertEqual(['--reservezfcp gold reserved volume-1 auto 10G'],
                         json.loads(self.only_request()['body']))

    def test_reserve_given_lun(self):
        self.answer({'info': ['zvm1: FCP device 1f00/0x%s;%s/0x%s was '
                              'reserved... Done\n' % (W1, W2, L1)]})
        reserved = zfcp.reserve(self.client, 'zvm1', 'gold', 'used', 'vm1',
                                '1f00', wwpns=[W1, W2], lun=L1)
        self.assertEqual(('1f00', (W1, W2), L1), tuple(reserved))

    def test_reserve_reply_without_result(self):
        self.answer({'info': ['zvm1: Reserving FCP device... Done\n']})
        self.assertRaises(XCATParseError, zfcp.reserve, self.client, 'zvm1',
                          'gold', 'reserved', 'o', 'auto', size='1G')

    def test_bad_hypervisor_name_sends_nothing(self):
        self.assertRaises(XCATInvalidArgument, zfcp.list_pool, self.client,
                          'zvm1,zvm2', 'gold')
        self.assertEqual([], self.srv.requests)


class TestLunClashes(testtools.TestCase):
    """zvmUtils.pm ~3928: the update step finds a row by its LUN alone."""

    def test_rows_sharing_a_lun_are_named(self):
        from zvm_xcat import parsers
        entries = parsers.parse_pool([
            'free,%s,%s,2G,,,,' % (W1, L1), 'free,%s,%s,4G,,,,' % (W2, L1),
            'free,%s;%s,4001400600000000,4G,,,,' % (W1, W2)])
        clashes = zfcp.lun_clashes(entries)
        self.assertEqual([L1], list(clashes))
        text = zfcp.describe_clash('gold', clashes[L1])
        self.assertIn('free,%s,%s,2G' % (W1, L1), text)
        self.assertIn('free,%s,%s,4G' % (W2, L1), text)

    def test_address_wwpn_is_the_last(self):
        self.assertEqual(W2, zfcp.address_wwpn([W1, W2]))
        self.assertEqual(W1, zfcp.address_wwpn(W1.upper()))
