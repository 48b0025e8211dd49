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
"""Concurrent flows: per-instance lock, allocation under the state lock."""

import collections
import threading

from tests.nova.functional import base


def run_threads(*targets):
    errors = []

    def wrap(fn, args):
        try:
            fn(*args)
        except Exception as e:     # collected and asserted by the test
            errors.append(e)
    threads = [threading.Thread(target=wrap, args=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


class TestConcurrency(base.SimulatorTestCase):

    def test_two_attaches_to_one_instance(self):
        g = self.guest('vm1')
        ci1 = self.cinder_connection(g, base.V1, 0)
        ci2 = self.cinder_connection(g, base.V2, 1)
        self.sim.admin.set_latency('dsh', 0.2)   # let the flows overlap
        self.sim.admin.clear_calls()
        errors = run_threads((self.ops.attach, (g, ci1, '/dev/vdb')),
                             (self.ops.attach, (g, ci2, '/dev/vdc')))
        self.assertEqual([], errors)
        kinds = collections.Counter(c['option'] for c in self.sim.admin.calls())
        self.assertEqual(2, kinds['--dedicatedevice'])     # once per FCP
        self.assertEqual({base.V1: 'attached', base.V2: 'attached'},
                         self.ops.volume_states(g))
        self.assertEqual(2, len(self.linux('vm1')['multipath']['maps']))

    def test_connectors_of_many_instances_never_share_fcps(self):
        nodes = ['vm1', 'vm2', 'vm5', 'vm6']
        self.sim.admin.set_latency('--fcpdevices', 0.1)
        results = {}

        def connect(node):
            results[node] = self.ops.get_connector(self.guest(node))
        errors = run_threads(*[(connect, (n,)) for n in nodes])
        self.assertEqual([], errors)
        used = [f for c in results.values() for f in c['zvm_fcp']]
        self.assertEqual(len(used), len(set(used)))
        self.assertEqual(8, len(used))
