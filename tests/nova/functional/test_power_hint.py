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
"""nova's "running" as a hint for attach (Guest.nova_running).

nova keeps instance.power_state current (compute manager start/stop,
_sync_power_states); attach trusts RUNNING to skip xCAT's power query
(issue 10: 5 calls for the first running multipath attach). A wrong hint
must cost calls only: the volume ends as the logged-off path leaves it.
"""

import dataclasses

from nova_volumeops import fcp_state
from nova_volumeops import volumeops
from tests.nova.functional import base


class TestPowerHint(base.SimulatorTestCase):

    def hinted(self, node):
        return dataclasses.replace(self.guest(node), nova_running=True)

    def test_hint_skips_the_power_query(self):
        g = self.hinted('vm1')                  # RHEL 9, running
        ci = self.cinder_connection(g, base.V1, 0)
        self.sim.admin.clear_calls()
        self.assertEqual('attached', self.ops.attach(g, ci, '/dev/vdb'))
        self.assertNotIn(('rpower', 'stat'), self.calls())
        self.assertEqual(5, len(self.calls()))
        self.assertIsNotNone(self.link('vm1', '/dev/vdb'))
        self.assertEqual('used', self.pool_entry(0)['status'])

    def test_no_hint_asks_xcat(self):
        g = self.guest('vm1')
        ci = self.cinder_connection(g, base.V1, 0)
        self.sim.admin.clear_calls()
        self.assertEqual('attached', self.ops.attach(g, ci, '/dev/vdb'))
        self.assertEqual(1, self.calls().count(('rpower', 'stat')))
        self.assertEqual(6, len(self.calls()))

    def test_wrong_hint_for_a_logged_off_guest_ends_pending_boot(self):
        node = 'vm4'                            # RHEL 8, logged off
        g = self.hinted(node)
        ci = self.cinder_connection(g, base.V1, 0)
        fcps = ci['data']['zvm_fcp']
        self.sim.admin.clear_calls()
        self.assertEqual('pending-boot', self.ops.attach(g, ci, '/dev/vdb'))
        calls = self.calls()
        # The script was tried, xCAT confirmed "off", then the
        # logged-off path ran (setupDisk notices in the reader).
        self.assertIn(('xdsh', 'dsh'), calls)
        self.assertIn(('rpower', 'stat'), calls)
        self.assertEqual(('chvm', '--aemod'), calls[-1])
        # Pool and directory as the logged-off path leaves them.
        self.assertEqual(set(fcps), self.directory(node))
        self.assertEqual(set(), self.active(node))
        row = self.pool_entry(0)
        self.assertEqual(('used', node), (row['status'], row['owner']))
        inst = self.ops.store.read()['instances'][g.uuid]
        self.assertEqual({}, inst['ops'])
        self.assertEqual(sorted(fcps), sorted(inst['dedicated']))
        self.assertEqual({base.V1: fcp_state.PENDING_BOOT},
                         self.ops.volume_states(g))
        # At boot the guest gets the volume, then it detaches cleanly.
        self.client.power(node, 'on')
        self.assertEqual({(f, base.SINGLE_WWPN[0], base.lun(0)) for f in fcps},
                         self.units(node))
        self.assertEqual({base.V1: 'attached'}, self.ops.verify(g))
        self.assertIn(self.map_link(node, '/dev/vdb'),
                      self.linux(node)['multipath']['maps'])
        self.ops.detach(g, ci, '/dev/vdb')
        self.assert_clean(node, 0)

    def test_hint_right_but_script_fails_is_rolled_back(self):
        node = 'vm1'                            # running, ssh down
        g = self.hinted(node)
        ci = self.cinder_connection(g, base.V1, 0)
        self.sim.admin.set_reachable(node, False)
        self.sim.admin.clear_calls()
        self.assertRaises(volumeops.VolumeOpsError, self.ops.attach, g, ci,
                          '/dev/vdb')
        # xCAT says "on": no attach for the next boot, no reader notice.
        self.assertNotIn(('chvm', '--aemod'), self.calls())
        self.assertEqual([], self.sim.admin.guest(node)['reader'])
        self.assertEqual({}, self.ops.volume_states(g))
        self.sim.admin.set_reachable(node, True)
        self.assert_clean(node, 0)
