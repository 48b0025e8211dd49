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
"""Guest persistence across deferred (logged-off) steps (issue 10 item 7).

xCAT's setupDisk (run at boot from the reader; xcat-core
xCAT-server/share/xcat/scripts/setupDisk 271-490) persists a LUN in
/etc/zfcp.conf (RHEL), 51-zfcp-<dev>.rules plus zfcp_disk_configure (SLES)
or chzdev (Ubuntu), and its removeScsiVolume un-persists only
/etc/zfcp.conf (RHEL), the 51-zfcp rules (SLES 11/12) and chzdev
(Ubuntu). Whatever mixes of our scripts and setupDisk a volume goes
through, no LUN may come back at a later boot once it is detached.

The second volume keeps the FCPs dedicated: without it the detach
undedicates them and no LUN could show up whatever the guest keeps.
"""

import ddt

from tests.nova.functional import base

RUNNING = ('vm1', 'vm2', 'vm5', 'vm6', 'vm8')   # rhel9 sles15 sles12 ubu rhel8


@ddt.ddt
class TestDeferredSteps(base.SimulatorTestCase):

    def reboot(self, node):
        self.client.power(node, 'off')
        self.client.power(node, 'on')

    def luns(self, node):
        return {u[2] for u in self.units(node)}

    @ddt.data(*RUNNING)
    def test_attach_running_logoff_detach_boot(self, node):
        g = self.guest(node)
        ci1 = self.cinder_connection(g, 'v1', 0)
        ci2 = self.cinder_connection(g, 'v2', 1)
        self.assertEqual('attached', self.ops.attach(g, ci1, '/dev/vdb'))
        self.assertEqual('attached', self.ops.attach(g, ci2, '/dev/vdc'))
        self.client.power(node, 'off')
        self.ops.detach(g, ci1, '/dev/vdb')
        self.client.power(node, 'on')
        self.ops.verify(g)
        self.assertEqual({base.lun(1)}, self.luns(node))
        # A boot later: nothing of v1 comes back.
        self.reboot(node)
        self.assertEqual({base.lun(1)}, self.luns(node))
        self.assertEqual({'v2': 'attached'}, self.ops.verify(g))

    def test_lun_attached_again_before_the_boot_is_kept(self):
        """The note of a logged-off detach never removes a LUN in use."""
        g = self.guest('vm2')                        # SLES 15: chzdev
        ci1 = self.cinder_connection(g, 'v1', 0)
        ci2 = self.cinder_connection(g, 'v2', 1)
        self.ops.attach(g, ci1, '/dev/vdb')
        self.ops.attach(g, ci2, '/dev/vdc')
        self.client.power('vm2', 'off')
        self.ops.detach(g, ci1, '/dev/vdb')
        ci1 = self.cinder_connection(g, 'v1', 0)
        self.assertEqual('pending-boot', self.ops.attach(g, ci1, '/dev/vdb'))
        self.client.power('vm2', 'on')
        self.assertEqual({'v1': 'attached', 'v2': 'attached'},
                         self.ops.verify(g))
        self.reboot('vm2')
        self.assertEqual({base.lun(0), base.lun(1)}, self.luns('vm2'))
        self.assertNotIn('unpersist',
                         self.ops.store.read()['instances'][g.uuid])

    @ddt.data(*RUNNING)
    def test_attach_logged_off_detach_running(self, node):
        g = self.guest(node)
        self.client.power(node, 'off')
        ci1 = self.cinder_connection(g, 'v1', 0)
        ci2 = self.cinder_connection(g, 'v2', 1)
        self.assertEqual('pending-boot', self.ops.attach(g, ci1, '/dev/vdb'))
        self.assertEqual('pending-boot', self.ops.attach(g, ci2, '/dev/vdc'))
        self.client.power(node, 'on')
        self.assertEqual({'v1': 'attached', 'v2': 'attached'},
                         self.ops.verify(g))
        self.assertEqual({base.lun(0), base.lun(1)}, self.luns(node))
        self.ops.detach(g, ci1, '/dev/vdb')
        self.assertEqual({base.lun(1)}, self.luns(node))
        self.reboot(node)
        self.assertEqual({base.lun(1)}, self.luns(node))


class TestUbuntuSmallLun(base.SimulatorTestCase):
    """Issue 10 item 8: setupDisk's createfilesysnode on Ubuntu.

    systemd names a LUN below 256 ``...-fc-0x<wwpn>-lun-<N>``; setupDisk
    (createfilesysnode, xcat-core setupDisk 121-240) copies the text after
    ``-lun-`` into ATTRS{fcp_lun}, which sysfs shows as 0x<16 hex>: the
    rule never matches. verify() links such a mountpoint itself.
    """

    LUN = '0001000000000000'    # SCSI LUN 1: by-path '...-lun-1'

    def connection(self, ops, g):
        conn = ops.get_connector(g)
        wwpn = base.SINGLE_WWPN[0]
        self.client.chhypervisor(base.HV, '--addzfcp2pool', base.POOL, 'free',
                                 wwpn, self.LUN, '1G', '1f00-1f0f;2f00-2f0f')
        base.zfcp.reserve(self.client, base.HV, base.POOL, 'reserved',
                          'volume-vs', conn['zvm_fcp'], wwpns=[wwpn],
                          lun=self.LUN)
        return {'driver_volume_type': 'fibre_channel',
                'data': {'target_discovered': False, 'target_wwn': [wwpn],
                         'zvm_fcp_lun': self.LUN, 'zvm_pool': base.POOL,
                         'zvm_hypervisor': base.HV, 'zvm_fcp': conn['zvm_fcp'],
                         'zvm_lun_size': '1G', 'volume_id': 'vs'}}

    def test_single_path_attached_logged_off_gets_its_link(self):
        ops = self.new_ops(paths=1)
        g = self.guest('vm3')                       # Ubuntu 22.04, off
        ci = self.connection(ops, g)
        fcp = ci['data']['zvm_fcp'][0]
        self.assertEqual('pending-boot', ops.attach(g, ci, '/dev/vdb'))
        self.client.power('vm3', 'on')
        self.assertEqual({(fcp, base.SINGLE_WWPN[0], self.LUN)},
                         self.units('vm3'))
        self.assertEqual({'vs': 'attached'}, ops.verify(g))
        disks = self.linux('vm3')['kernel']['disks']
        self.assertEqual(1, len(disks))
        sd = disks[0]['name']
        # The mountpoint leads to the LUN's disk, and keeps doing so.
        by_path = ('/dev/disk/by-path/ccw-0.0.%s-fc-0x%s-lun-1'
                   % (fcp, base.SINGLE_WWPN[0]))
        self.assertEqual(by_path, self.link('vm3', '/dev/vdb'))
        self.client.power('vm3', 'off')
        self.client.power('vm3', 'on')
        self.assertEqual(sd, self.linux('vm3')['udev'].get('/dev/vdb'))
        ops.detach(g, ci, '/dev/vdb')
        self.assertEqual(set(), self.units('vm3'))
        self.assertIsNone(self.link('vm3', '/dev/vdb'))
