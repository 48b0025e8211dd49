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
"""

import json
import os
import subprocess
import sys
import uuid

import fixtures

from tests.nova.functional import base

SCRIPT = os.path.join(os.path.dirname(__file__), 'cinder_side.py')


class TestCinderAnswersOurConnector(base.SimulatorTestCase):

    def cinder(self, action, **kwargs):
        req = dict(action=action, url=self.sim.url, username=self.sim.username,
                   password=self.sim.password, lock_dir=self.lock_dir,
                   volume_id=self.volume_id, size=1, **kwargs)
        env = dict(os.environ, PYTHONPATH=base.TOP)
        proc = subprocess.run([sys.executable, SCRIPT, json.dumps(req)],
                              capture_output=True, text=True, timeout=120,
                              env=env, cwd=base.TOP)
        self.assertEqual(0, proc.returncode, proc.stderr[-3000:])
        return json.loads(proc.stdout.strip().splitlines()[-1])

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
