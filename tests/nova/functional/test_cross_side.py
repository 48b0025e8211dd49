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
"""cinder (another process) answers a connector built by nova_volumeops.

The simulator runs here; the cinder driver runs in a subprocess
(cinder_side.py) and reaches it over HTTP, as both services would reach
one xCAT. The attach then succeeds and the guest shows the LUN at the
mountpoint; after detach cinder's terminate_connection re-stamps the
owner.

The whole life of a server (TestServerLifeAcrossSides): created through
the Cloud Connector, a cinder volume attached, the server deleted (nova's
destroy with block_device_info), the volume deleted and wiped through the
Cinder node: the simulator's pools, directories and guests are as they
were at the start.
"""

import copy
import json
import os
import subprocess
import sys
import uuid

import fixtures

from tests.nova.functional import base
from tests.nova.functional import servers

SCRIPT = os.path.join(os.path.dirname(__file__), 'cinder_side.py')


def run_cinder(test, action, **kwargs):
    """One cinder-side action in its own process (cinder_side.py)."""
    req = dict(action=action, url=test.sim.url, username=test.sim.username,
               password=test.sim.password, lock_dir=test.lock_dir,
               volume_id=test.volume_id, size=1, **kwargs)
    env = dict(os.environ, PYTHONPATH=base.TOP)
    proc = subprocess.run([sys.executable, SCRIPT, json.dumps(req)],
                          capture_output=True, text=True, timeout=120,
                          env=env, cwd=base.TOP)
    test.assertEqual(0, proc.returncode, proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


class TestCinderAnswersOurConnector(base.SimulatorTestCase):

    def cinder(self, action, **kwargs):
        return run_cinder(self, action, **kwargs)

    def setUp(self):
        super().setUp()
        self.lock_dir = self.useFixture(fixtures.TempDir()).path
        self.volume_id = str(uuid.uuid4())

    def test_cross_process_attach_detach(self):
        g = self.guest('vm1')
        connector = self.ops.get_connector(g)
        json.dumps(connector)            # what nova sends over RPC
        out = self.cinder('create+initialize', connector=connector)
        location = out['provider_location']
        ci = out['connection_info']
        self.assertEqual('fibre_channel', ci['driver_volume_type'])
        data = ci['data']
        self.assertEqual(connector['zvm_fcp'], data['zvm_fcp'])

        self.assertEqual('attached', self.ops.attach(g, ci, '/dev/vdb'))
        lun = data['zvm_fcp_lun']
        wwpns = data['target_wwn']
        wwpns = [wwpns] if isinstance(wwpns, str) else wwpns
        self.assertEqual({(f, w, lun) for f in connector['zvm_fcp']
                          for w in wwpns}, self.units('vm1'))
        maps = self.linux('vm1')['multipath']['maps']
        self.assertEqual(next(iter(maps)), self.map_link('vm1', '/dev/vdb'))
        rows = [r for r in self.sim.admin.pool(base.HV, data['zvm_pool'])
                if r['lun'] == lun]
        self.assertEqual([('used', 'vm1')], [(r['status'], r['owner'])
                                             for r in rows])

        self.ops.detach(g, ci, '/dev/vdb')
        self.cinder('terminate', connector=connector,
                    provider_location=location)
        rows = [r for r in self.sim.admin.pool(base.HV, data['zvm_pool'])
                if r['lun'] == lun]
        self.assertEqual([('reserved', 'volume-' + self.volume_id)],
                         [(r['status'], r['owner']) for r in rows])
        self.assertEqual(set(), self.units('vm1'))
        self.assertEqual(set(), self.directory('vm1'))


SMALL_LUN = '4001600000000000'


def _with_cinder_node():
    """base.TOPOLOGY plus a Cinder node and a small LUN (a short wipe).

    The Cinder node has its own FCP device (zvm_cinder_node_fcp) in its
    directory, as deployed.
    """
    topology = copy.deepcopy(base.TOPOLOGY)
    system = topology['systems'][0]
    system['guests'].append({'node': 'cinder1', 'userid': 'CINDER1',
                             'distro': 'ubuntu', 'version': '22.04',
                             'power': 'on', 'reachable': True,
                             'cinder_node': True, 'dedicated': ['1f03']})
    system['pools'][base.POOL].append(
        {'status': 'free', 'wwpn': base.SINGLE_WWPN[0], 'lun': SMALL_LUN,
         'size': '32M', 'range': '1f00-1f0f;2f00-2f0f;3f00'})
    return topology


class TestServerLifeAcrossSides(servers.ServerTestCase):

    topology = _with_cinder_node()

    def setUp(self):
        super().setUp()
        self.lock_dir = self.useFixture(fixtures.TempDir()).path
        self.volume_id = str(uuid.uuid4())

    def world(self):
        """Pools, guests and their directories, as the simulator has them."""
        state = self.sim.admin.state()
        guests = {g['node']: (g['directory'], g['active'], g['power'])
                  for s in state['systems'] for g in s['guests']}
        return {'pools': state['pools'], 'guests': guests}

    def test_server_volume_delete_and_wipe_leave_the_world_as_it_was(self):
        start = self.world()
        data_path = dict(cinder_node='cinder1', cinder_node_fcp=['1f03'],
                         guest_root=self.sim.admin.guest_root('cinder1'))

        inst = self.spawn(self.instance(11))
        self.assertIn(inst.name.upper(), self.cc_guests())
        connector = self.drv.get_volume_connector(inst)
        out = run_cinder(self, 'manage+initialize', connector=connector,
                         pool=base.POOL, wwpns=list(base.SINGLE_WWPN),
                         lun=SMALL_LUN)
        location = out['provider_location']
        ci = out['connection_info']
        self.drv.attach_volume(self.ctxt, ci, inst, '/dev/vdb')
        rows = {r['lun']: r for r in self.sim.admin.pool(base.HV, base.POOL)}
        self.assertEqual(('used', inst.name),
                         (rows[SMALL_LUN]['status'], rows[SMALL_LUN]['owner']))
        self.assertIn(SMALL_LUN, {u[2] for u in self.units(inst.name)})

        # nova deletes the server: destroy, then the attachment in cinder
        # (nova 34 ComputeManager._shutdown_instance).
        self.drv.destroy(self.ctxt, inst, [], self.bdi([(ci, '/dev/vdb')]))
        run_cinder(self, 'terminate', connector=connector,
                   provider_location=location)
        rows = {r['lun']: r for r in self.sim.admin.pool(base.HV, base.POOL)}
        self.assertEqual(('reserved', 'volume-' + self.volume_id),
                         (rows[SMALL_LUN]['status'], rows[SMALL_LUN]['owner']))
        # cinder deletes the volume: wiped through the Cinder node, freed.
        path = self.sim.admin.lun_path(base.SINGLE_WWPN[0], SMALL_LUN)
        with open(path, 'r+b') as f:
            f.write(b'secret data of the deleted volume')
        run_cinder(self, 'delete', provider_location=location, **data_path)
        with open(path, 'rb') as f:
            self.assertEqual(b'\0' * 64, f.read(64))

        self.assertEqual(start, self.world())
        self.assertEqual({}, self.state())
