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
"""Functional tests of nova_volumeops against the xCAT + z/VM simulator.

The simulator plays xCAT and z/VM over real HTTP; these tests assert the
outcome in its directory, active configuration, pool files and guest Linux
state, never in our own bookkeeping alone.
"""

import logging
import os

import fixtures
import testtools

from nova_volumeops import connection
from nova_volumeops import fcp_state
from nova_volumeops import volumeops
from zvm_sim.fixture import SimulatorFixture
from zvm_xcat import client as xclient
from zvm_xcat import zfcp

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
HV = 'zvm1'
POOL = 'gold'
FCP_LIST = '1f00-1f03;2f00-2f03;3f00'
SINGLE_WWPN = ('500507680b21bac6',)
MULTI_WWPN = ('500507680b21bac6', '500507680b22bac6')


def _fcps():
    out = []
    for base, chpid, phys in ((0x1f00, '27', 'c05076ffe50056'),
                              (0x2f00, '3a', 'c05076ffe50077'),
                              (0x3f00, '40', 'c05076ffe50088')):
        for i in range(4 if base != 0x3f00 else 1):
            out.append({'devno': '%04x' % (base + i), 'chpid': chpid,
                        'physical_wwpn': phys + '11',
                        'npiv_wwpn': phys + '%02x' % (0x12 + i)})
    return out


def _luns():
    rows = []
    for i in range(8):
        wwpn = ';'.join(MULTI_WWPN) if i in (6, 7) else SINGLE_WWPN[0]
        rows.append({'status': 'free', 'wwpn': wwpn,
                     'lun': '40014%03x00000000' % (5 + i), 'size': '%dG' % (i + 1),
                     'range': '1f00-1f0f;2f00-2f0f;3f00'})
    return rows


GUESTS = [
    ('vm1', 'rhel', '9.2', 'on'), ('vm2', 'sles', '15.4', 'on'),
    ('vm3', 'ubuntu', '22.04', 'off'), ('vm4', 'rhel', '8.8', 'off'),
    ('vm5', 'sles', '12.5', 'on'), ('vm6', 'ubuntu', '20.04', 'on'),
    ('vm7', 'ubuntu', '24.04', 'on'), ('vm8', 'rhel', '8.8', 'on'),
    ('vm9', 'sles', '15.4', 'off'),
]

TOPOLOGY = {
    'users': {'admin': 'passw0rd'},
    'xcat_node': 'xcat',
    'systems': [{
        'hypervisor': HV, 'zhcp': 'zhcp1', 'zhcp_userid': 'ZHCP',
        'fcp_devices': _fcps(),
        'pools': {POOL: _luns()},
        'guests': [{'node': n, 'userid': n.upper(), 'distro': d, 'version': v,
                    'power': p, 'reachable': True} for n, d, v, p in GUESTS],
    }],
}

DISTRO = {n: (d, v) for n, d, v, _p in GUESTS}


def lun(i):
    return _luns()[i]['lun']


def wwpns_of(i):
    return tuple(_luns()[i]['wwpn'].split(';'))


class SimulatorTestCase(testtools.TestCase):
    """A simulator, an xCAT client and a VolumeOps with its state file."""

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.NestedTempfile())
        self.useFixture(fixtures.FakeLogger(level=logging.INFO))
        self.sim = self.useFixture(SimulatorFixture(topology=TOPOLOGY))
        self.client = xclient.XCATClient(self.sim.url, self.sim.username,
                                         self.sim.password)
        self.addCleanup(self.client.close)
        self.state_file = os.path.join(
            self.useFixture(fixtures.TempDir()).path, 'fcp_state.json')
        self.ops = self.new_ops()

    def new_ops(self, **kwargs):
        """A VolumeOps as a (re)started nova-compute would build it."""
        return volumeops.VolumeOps(
            self.client, fcp_state.FcpStateStore(self.state_file), HV,
            FCP_LIST, 'compute1', **kwargs)

    @staticmethod
    def guest(node, uuid=None):
        distro, version = DISTRO[node]
        return connection.Guest(uuid or 'uuid-' + node, node, node.upper(),
                                distro, version)

    def cinder_connection(self, guest, volume_id, index, ops=None):
        """What cinder's initialize_connection would hand nova.

        The pool entry is reserved for the volume first (ownership
        convention of internals.rst), as create_volume left it.
        """
        ops = ops or self.ops
        conn = ops.get_connector(guest)
        entry = _luns()[index]
        zfcp.reserve(self.client, HV, POOL, 'reserved', 'volume-' + volume_id,
                     conn['zvm_fcp'], wwpns=entry['wwpn'].split(';'),
                     lun=entry['lun'])
        return {'driver_volume_type': 'fibre_channel',
                'data': {'target_discovered': False,
                         'target_wwn': entry['wwpn'].split(';'),
                         'zvm_fcp_lun': entry['lun'], 'zvm_pool': POOL,
                         'zvm_hypervisor': HV, 'zvm_fcp': conn['zvm_fcp'],
                         'zvm_lun_size': entry['size'], 'volume_id': volume_id}}

    # -- what the simulator says ------------------------------------------

    def pool_entry(self, index):
        for row in self.sim.admin.pool(HV, POOL):
            if row['lun'] == lun(index):
                return row
        raise AssertionError('LUN %s not in pool' % lun(index))

    def linux(self, node):
        return self.sim.admin.guest(node)['linux']

    def units(self, node):
        """{(fcp, wwpn, lun)} configured in the guest kernel."""
        units = self.linux(node)['kernel']['units']
        return {(f, w, lun_) for f, ports in units.items()
                for w, luns in ports.items() for lun_ in luns}

    def directory(self, node):
        return set(self.sim.admin.guest(node)['directory'])

    def active(self, node):
        return set(self.sim.admin.guest(node)['active'])

    def link(self, node, mountpoint):
        """Target of a /dev link: made by ln -sf, or by a udev rule."""
        linux = self.linux(node)
        return linux['files']['links'].get(mountpoint) or \
            linux['udev'].get(mountpoint)

    def map_link(self, node, mountpoint):
        """The multipath map a /dev link leads to, else the raw target.

        Made by ln (to /dev/mapper/<map>) or by a udev rule (to dm-N).
        """
        target = self.link(node, mountpoint)
        for name, mp in self.linux(node)['multipath']['maps'].items():
            if target in ('/dev/mapper/' + name, 'dm-%d' % mp['dm']):
                return name
        return target

    def guest_files(self, node):
        return dict(self.linux(node)['files']['files'])

    def calls(self):
        return [(c['command'], c['option']) for c in self.sim.admin.calls()]

    def config_files(self, node):
        """Guest files minus multipath's own WWID/binding memory.

        xCAT's setupDisk removefilesysnode deletes its rule lines but keeps
        its (then empty) /etc/udev/rules.d/56-zfcp.rules: not config.
        """
        return {k: v for k, v in self.guest_files(node).items()
                if not k.startswith('/etc/multipath/') and
                not (k == '/etc/udev/rules.d/56-zfcp.rules' and not v.strip())}

    def assert_clean(self, node, index, before_files=None):
        """No dedication, pool use or guest config left for the LUN."""
        self.assertEqual(set(), self.directory(node))
        self.assertEqual(set(), self.active(node))
        row = self.pool_entry(index)
        self.assertNotEqual('used', row['status'])
        self.assertNotEqual(node, row['owner'])
        self.assertEqual(set(), {u for u in self.units(node)
                                 if u[2] == lun(index)})
        if before_files is not None:
            now = self.config_files(node)
            if DISTRO[node] == ('rhel', '9.2') and \
                    now.get('/etc/zfcp.conf') == '':
                # s390utils' empty file, restored by the rhel9 template.
                before_files = dict(before_files, **{'/etc/zfcp.conf': ''})
            self.assertEqual(before_files, now)
        self.assertEqual({}, self.linux(node)['files']['links'])
        self.assertEqual({}, self.linux(node)['udev'])
        self.assertEqual({}, self.linux(node)['multipath']['maps'])
