"""The simulator's SAN: fabrics, zoning, LUN masking, as the guest's zfcp sees them.

Linux behaviour modelled (drivers/s390/scsi/zfcp_fc.c zfcp_fc_scan_ports,
zfcp_sysfs.c zfcp_sysfs_unit_add_store, zfcp_unit.c zfcp_unit_add):

- a port scan (``online``, ``port_rescan``) lists only the target ports of the
  fabrics whose zone holds the FCP device's WWPN (NPIV, else physical); a port
  outside the zone gets no ``0x<wwpn>`` directory, so there is no
  ``unit_add`` to write to;
- ``unit_add`` of a LUN the storage does not mask to the initiator succeeds
  (zfcp_unit_add returns 0 whatever the SCSI scan finds) and leaves a unit
  without a SCSI device: no sdX, no by-path link, nothing for lszfcp -D.
"""

import copy

from tests.common.functional import simbase

A1, A2 = '500507680b21bac6', '500507680b31bac6'       # fabric A target ports
B1 = '500507680b22bac6'                              # fabric B target port
OPEN_LUN = '4001400500000000'       # masked to every FCP device of zvm1
PRIVATE_LUN = '4001400600000000'    # masked to 1f01 only (another tenant's)

FCPS = [
    {'devno': '1f00', 'chpid': '27', 'physical_wwpn': 'c05076ffe5005611',
     'npiv_wwpn': 'c05076ffe5005612'},
    {'devno': '1f01', 'chpid': '27', 'physical_wwpn': 'c05076ffe5005611',
     'npiv_wwpn': 'c05076ffe5005613'},
    {'devno': '2f00', 'chpid': '3a', 'physical_wwpn': 'c05076ffe5007711',
     'npiv_wwpn': 'c05076ffe5007712'},
    # NPIV off: logs in with the CHPID's physical WWPN
    {'devno': '3f00', 'chpid': '40', 'physical_wwpn': 'c05076ffe5008811',
     'npiv_wwpn': None},
]

TOPOLOGY = {
    'users': {'admin': 'passw0rd'},
    'san': {
        'fabrics': [
            {'name': 'A', 'target_ports': [A1, A2],
             'zone': ['zvm1:1f00-1f01', 'c05076ffe5008811']},
            {'name': 'B', 'target_ports': [B1], 'zone': ['zvm1:2f00']},
        ],
        'masking': [
            {'name': 'all-hosts', 'initiators': ['zvm1:1f00-3f00'],
             'luns': [OPEN_LUN]},
            {'name': 'tenant-b', 'initiators': ['zvm1:1f01'], 'luns': [PRIVATE_LUN]},
        ],
    },
    'systems': [{
        'hypervisor': 'zvm1', 'zhcp': 'zhcp1', 'fcp_devices': FCPS,
        'pools': {'gold': [
            {'status': 'free', 'wwpn': '%s;%s' % (A1, B1), 'lun': OPEN_LUN, 'size': '1G',
             'range': '1f00-3f00'},
            {'status': 'free', 'wwpn': '%s;%s' % (A1, B1), 'lun': PRIVATE_LUN, 'size': '1G',
             'range': '1f00-3f00'}]},
        'guests': [{'node': 'vm1', 'distro': 'rhel', 'version': '9.2', 'power': 'off'},
                   {'node': 'vm2', 'distro': 'ubuntu', 'version': '22.04',
                    'power': 'off'}],
    }],
}


def unit_add(devno, wwpn, lun):
    return 'echo 0x%s > /sys/bus/ccw/drivers/zfcp/0.0.%s/0x%s/unit_add' % (lun, devno, wwpn)


class SanTestCase(simbase.SimTestCase):
    topology = TOPOLOGY

    def boot_with(self, node, *fcps):
        for fcp in fcps:
            self.chvm(node, '--dedicatedevice %s %s 0' % (fcp, fcp))
        self.put('nodes/%s/power' % node, 'on')
        self.dsh(node, 'cio_ignore -r %s' % ','.join(fcps))
        for fcp in fcps:
            self.dsh(node, 'chccwdev -e 0.0.%s' % fcp)

    def dsh(self, node, command):
        return self.put('nodes/%s/dsh' % node, 'command=%s' % command)

    def linux(self, node):
        return self.sim.admin.guest(node)['linux_state']


class TestZoning(SanTestCase):

    def test_port_scan_finds_only_the_ports_of_the_devices_fabric(self):
        self.boot_with('vm1', '1f00', '2f00', '3f00')
        state = self.linux('vm1')
        self.assertEqual({'1f00': [A1, A2], '2f00': [B1], '3f00': [A1, A2]},
                         state['remote_ports'])
        # port_rescan does not bring a port of the other fabric
        self.dsh('vm1', 'echo 1 > /sys/bus/ccw/drivers/zfcp/0.0.1f00/port_rescan')
        self.assertEqual([A1, A2], self.linux('vm1')['remote_ports']['1f00'])
        ports = self.dsh('vm1', 'lszfcp -P')
        self.assertNotIn('0.0.1f00/0x%s' % B1, str(ports))
        self.assertIn('0.0.2f00/0x%s' % B1, str(ports))

    def test_unit_add_on_a_port_outside_the_zone_has_no_file(self):
        self.boot_with('vm1', '1f00')
        out = self.request('PUT', 'nodes/vm1/dsh',
                           ['command=%s' % unit_add('1f00', B1, OPEN_LUN)]).text
        self.assertIn('No such file or directory', out)
        self.assertEqual({}, self.linux('vm1')['units'])

    def test_dual_fabric_gives_one_path_per_fabric(self):
        self.boot_with('vm1', '1f00', '2f00')
        self.dsh('vm1', unit_add('1f00', A1, OPEN_LUN))
        self.dsh('vm1', unit_add('2f00', B1, OPEN_LUN))
        state = self.linux('vm1')
        self.assertEqual({('1f00', A1), ('2f00', B1)},
                         {(d['devno'], d['wwpn']) for d in state['disks'].values()})
        self.assertEqual(1, len({d['wwid'] for d in state['disks'].values()}))

    def test_non_npiv_device_is_zoned_by_its_physical_wwpn(self):
        self.boot_with('vm1', '3f00')
        self.dsh('vm1', unit_add('3f00', A1, OPEN_LUN))
        self.assertEqual([('3f00', A1, OPEN_LUN)],
                         [(d['devno'], d['wwpn'], d['lun'])
                          for d in self.linux('vm1')['disks'].values()])


class TestMasking(SanTestCase):
    """Issue 13 item 6: a guest cannot reach a LUN masked away from its FCPs."""

    def test_lun_masked_away_gives_a_unit_without_a_disk(self):
        self.boot_with('vm1', '1f00', '2f00')
        # root in the guest: unit_add succeeds (as zfcp_unit_add does) ...
        self.dsh('vm1', unit_add('1f00', A1, PRIVATE_LUN))
        self.dsh('vm1', unit_add('2f00', B1, PRIVATE_LUN))
        state = self.linux('vm1')
        self.assertEqual({'1f00': {A1: [PRIVATE_LUN]}, '2f00': {B1: [PRIVATE_LUN]}},
                         state['units'])
        # ... but the storage answers no SCSI device to these initiators
        self.assertEqual({}, state['disks'])
        self.assertEqual({}, state['by_path'])
        listed = self.dsh('vm1', 'lszfcp -D')
        self.assertNotIn(PRIVATE_LUN, str(listed))
        unit = '/sys/bus/ccw/drivers/zfcp/0.0.1f00/0x%s/0x%s' % (A1, PRIVATE_LUN)
        self.assertIn('status', str(self.dsh('vm1', 'ls %s' % unit)))

    def test_the_initiator_it_is_masked_to_reaches_it(self):
        self.boot_with('vm2', '1f01')
        self.dsh('vm2', unit_add('1f01', A1, PRIVATE_LUN))
        disks = self.linux('vm2')['disks']
        self.assertEqual([('1f01', A1, PRIVATE_LUN)],
                         [(d['devno'], d['wwpn'], d['lun']) for d in disks.values()])

    def test_unit_without_disk_is_removed_like_any_unit(self):
        self.boot_with('vm1', '1f00')
        self.dsh('vm1', unit_add('1f00', A1, PRIVATE_LUN))
        self.dsh('vm1', 'echo 0x%s > /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x%s/unit_remove'
                 % (PRIVATE_LUN, A1))
        self.assertEqual({}, self.linux('vm1')['units'])


class TestSingleFabric(SanTestCase):
    """One fabric holding every port and device: every pair is a path."""

    topology = copy.deepcopy(TOPOLOGY)
    topology['san'] = {'fabrics': [{'name': 'only', 'target_ports': [A1, A2, B1],
                                    'zone': ['zvm1:1f00-3f00']}]}

    def test_every_device_sees_every_port_and_every_lun(self):
        self.boot_with('vm1', '1f00', '2f00')
        for fcp in ('1f00', '2f00'):
            for wwpn in (A1, B1):
                self.dsh('vm1', unit_add(fcp, wwpn, PRIVATE_LUN))
        state = self.linux('vm1')
        self.assertEqual({'1f00': [A1, A2, B1], '2f00': [A1, A2, B1]},
                         state['remote_ports'])
        self.assertEqual(4, len(state['disks']))


class TestNoSanSection(SanTestCase):
    """Without ``san`` the SAN is flat and unmasked (the behaviour before fabrics)."""

    topology = copy.deepcopy(TOPOLOGY)
    del topology['san']

    def test_every_device_sees_every_port_of_the_storage(self):
        self.boot_with('vm1', '1f00')
        self.assertEqual([A1, B1], sorted(self.linux('vm1')['remote_ports']['1f00']))
        self.dsh('vm1', unit_add('1f00', B1, PRIVATE_LUN))
        self.assertEqual(1, len(self.linux('vm1')['disks']))
