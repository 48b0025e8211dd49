"""Topology loading, the default topology's promises, and big generated pools."""

import testtools

from zvm_sim.core import bigpool
from zvm_sim.core import topology


class TestDefaultTopology(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.topo = topology.load()

    def test_two_systems_with_fcps_on_two_chpids(self):
        self.assertEqual(['zvm1', 'zvm2'], [s['hypervisor'] for s in self.topo['systems']])
        for s in self.topo['systems']:
            self.assertGreaterEqual(len(s['fcp_devices']), 8)
            self.assertGreaterEqual(len({d['chpid'] for d in s['fcp_devices'].values()}), 2)

    def test_pools_mixed_sizes_multipath_and_64bit_luns(self):
        for s in self.topo['systems']:
            self.assertEqual(2, len(s['pools']))
            entries = [e for p in s['pools'].values() for e in p]
            self.assertTrue(any(';' in e['wwpn'] for e in entries))
            self.assertGreaterEqual(len({e['size'] for e in entries}), 4)
            self.assertTrue(all(len(e['lun']) == 16 for e in entries))
            luns = [e['lun'] for e in entries]
            self.assertEqual(len(luns), len(set(luns)))

    def test_guests(self):
        guests = [g for s in self.topo['systems'] for g in s['guests']]
        self.assertEqual({'rhel', 'sles', 'ubuntu'}, {g['distro'] for g in guests})
        self.assertEqual({'on', 'off'}, {g['power'] for g in guests})
        for s in self.topo['systems']:
            self.assertEqual(1, sum(g['cinder_node'] for g in s['guests']))

    def test_errors_name_the_item(self):
        raw = {'systems': [{'hypervisor': 'h', 'zhcp': 'z', 'pools': {
            'p': [{'status': 'free', 'wwpn': '5005', 'lun': '4001400500000000'}]}}]}
        e = self.assertRaises(topology.TopologyError, topology.normalise, raw)
        self.assertIn('systems[0].pools.p', str(e))


class TestBigPool(testtools.TestCase):

    def test_generated_entries_unique_and_cycled(self):
        entries = bigpool.entries(70000, sizes=('1G', '2G'), wwpns=('a' * 16, 'b' * 16))
        self.assertEqual(70000, len({e['lun'] for e in entries}))
        self.assertEqual(('1G', 'a' * 16), (entries[0]['size'], entries[0]['wwpn']))
        self.assertEqual(('2G', 'b' * 16), (entries[1]['size'], entries[1]['wwpn']))
        self.assertEqual('4101000000000000', entries[0x10000]['lun'])

    def test_topology_spec_expands(self):
        topo = topology.load(bigpool.big_topology(1000))
        self.assertEqual(1000, len(topo['systems'][0]['pools']['bulk']))


class TestSanSection(testtools.TestCase):
    """The ``san`` section: fabrics with zoning and LUN masking (issue 13)."""

    def raw(self, san):
        return {'san': san, 'systems': [{
            'hypervisor': 'zvm1', 'zhcp': 'zhcp1',
            'fcp_devices': [{'devno': '1f00', 'physical_wwpn': 'c05076ffe5005611',
                             'npiv_wwpn': 'c05076ffe5005612'},
                            {'devno': '2f00', 'physical_wwpn': 'c05076ffe5007711',
                             'npiv_wwpn': None}],
            'pools': {'gold': [{'status': 'free', 'wwpn': '500507680b21bac6',
                                'lun': '4001400500000000'}]}}]}

    def test_default_topology_is_dual_fabric_and_masked_per_system(self):
        topo = topology.load()
        fabrics = topo['san']['fabrics']
        self.assertEqual(['A', 'B'], [f['name'] for f in fabrics])
        for system in topo['systems']:
            by_chpid = {}
            for dev in system['fcp_devices'].values():
                wwpn = dev['npiv_wwpn'] or dev['physical_wwpn']
                zoned = [f['name'] for f in fabrics if wwpn in f['zone']]
                self.assertEqual(1, len(zoned), dev)
                by_chpid.setdefault(dev['chpid'], set()).update(zoned)
            # one CHPID per fabric
            self.assertEqual([{'A'}, {'B'}], sorted(by_chpid.values(), key=sorted))
        self.assertEqual(['zvm1', 'zvm2'], [g['name'] for g in topo['san']['masking']])

    def test_device_references_resolve_to_npiv_else_physical_wwpn(self):
        san = topology.normalise(self.raw({'fabrics': [
            {'name': 'A', 'target_ports': ['500507680b21bac6'],
             'zone': ['zvm1:1f00-2f00']}]}))['san']
        self.assertEqual({'c05076ffe5005612', 'c05076ffe5007711'}, san['fabrics'][0]['zone'])
        self.assertIsNone(san['masking'])

    def test_pool_reference_masks_its_luns(self):
        san = topology.normalise(self.raw({
            'fabrics': [{'name': 'A', 'target_ports': ['500507680b21bac6'], 'zone': []}],
            'masking': [{'initiators': ['zvm1:1f00'], 'luns': ['zvm1/gold']}]}))['san']
        self.assertEqual({('500507680b21bac6', '4001400500000000')},
                         san['masking'][0]['luns'])

    def test_errors(self):
        for san, text in (
                ({}, 'non-empty "fabrics"'),
                ({'fabrics': [{'name': 'A', 'target_ports': ['500507680b21bac6']},
                              {'name': 'B', 'target_ports': ['500507680b21bac6']}]},
                 'on fabrics A and B'),
                ({'fabrics': [{'name': 'A', 'zone': ['zvm9:1f00']}]}, 'unknown hypervisor'),
                ({'fabrics': [{'name': 'A', 'zone': ['zvm1:5000']}]}, 'no FCP device'),
                ({'fabrics': [{'name': 'A'}], 'masking': [{'luns': ['zvm1/iron']}]},
                 'unknown LUN reference')):
            exc = self.assertRaises(topology.TopologyError, topology.normalise, self.raw(san))
            self.assertIn(text, str(exc))
