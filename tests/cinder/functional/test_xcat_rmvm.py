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
"""Issue 12 item 2: xCAT's rmvm frees pool entries; the driver takes them back.

zvm.pm removeVM (xCAT-server/lib/xcat/plugins/zvm.pm:866-891) frees every
pool line that ``egrep -i <node>`` matches, without a wipe: the LUNs of the
deleted guest, and any line that merely contains the node name. Through
ZVMFCPDriver as cinder's VolumeManager runs it: every pool read (a delete
under the pool lock, the periodic stats) reserves such an entry again for
the live volume or snapshot that still names it, and logs an ERROR.
"""

from cinder import objects
from cinder.tests.unit import utils as test_utils

from tests.cinder.functional import datapath_base as dpb
from zvm_sim import admin_client
from zvm_xcat import zfcp

SECRET = b'tenant secret ' * 64


def with_guest_bac6():
    """The small topology plus a guest whose name is a hex substring."""
    topo = dpb.small_topology()
    topo['systems'][0]['guests'].append(
        {'node': 'bac6', 'userid': 'BAC6', 'distro': 'rhel', 'version': '9.2',
         'power': 'on', 'reachable': True})
    return topo


class RmvmTest(dpb.DataPathTestCase):

    TOPOLOGY = with_guest_bac6()

    def setUp(self):
        super().setUp()
        self.driver = self.start_driver()
        self.client = self.backend.client

    def rmvm(self, node):
        """DELETE /xcatws/vms/<node> (zvmxcatws.cgi:2105-2106 -> rmvm)."""
        return self.client.request('DELETE', 'vms/%s' % node)

    def status(self, obj):
        row = self.row(obj)
        return row['status'], row['owner']

    def test_rmvm_frees_and_every_pool_read_takes_back(self):
        vol = self.create(size=1)
        self.write_through_attach(vol, SECRET)
        # attached to vm1 as nova's --addzfcp leaves it: used by the guest
        loc = self.loc(vol)
        zfcp.reserve(self.client, 'zvm1', 'gold', 'used', 'vm1', '1f0a',
                     wwpns=loc.wwpns, lun=loc.lun)
        other = self.create(size=1)

        result = self.rmvm('vm1')
        self.assertIn('vm1: Updating FCP device pool gold... Done',
                      result.lines())
        self.assertRaises(admin_client.AdminError, self.sim.admin.guest,
                          'vm1')
        self.assertEqual(('free', ''), self.status(vol))
        self.assertIn(SECRET, self.read_lun(vol))

        # a pool read under the pool lock (the delete of another volume)
        self.delete(other)
        self.assertEqual(('reserved', 'volume-' + vol.id), self.status(vol))
        self.assertIn('is FREE in the pool file but volume-%s still uses it'
                      % vol.id, self.driver_log.output)
        self.assertIn(SECRET, self.read_lun(vol))

    def test_substring_rmvm_frees_unrelated_luns_stats_take_back(self):
        vol = self.create(size=1)
        snap = test_utils.create_snapshot(self.ctxt, vol.id,
                                          status='creating')
        self.managers['zvm1'].create_snapshot(self.ctxt, snap)
        snap = objects.Snapshot.get_by_id(self.ctxt, snap.id)
        self.assertEqual(('reserved', 'snapshot-' + snap.id),
                         self.status(snap))

        # every target WWPN of pool gold ends in bac6
        self.rmvm('bac6')
        self.assertEqual([], [r for r in self.pool() if r['status'] != 'free'])

        self.driver.get_volume_stats(refresh=True)
        self.assertEqual(('reserved', 'volume-' + vol.id), self.status(vol))
        self.assertEqual(('reserved', 'snapshot-' + snap.id),
                         self.status(snap))
        self.assertEqual(2, self.driver_log.output.count('is FREE in the pool'))
        # nothing else was taken: the other entries are free again
        self.assertEqual(2, len([r for r in self.pool()
                                 if r['status'] != 'free']))
        # and the next create cannot get their LUNs
        new = self.create(size=1)
        self.assertNotIn(self.loc(new).lun, (self.loc(vol).lun,
                                             self.loc(snap).lun))
