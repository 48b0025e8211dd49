"""rmvm (DELETE /xcatws/vms/<node>) as zvm.pm removeVM does it.

xCAT-server/xCAT-wsapi/zvmxcatws.cgi:2105-2106 maps DELETE on vms/<node>
to rmvm; xCAT-server/lib/xcat/plugins/zvm.pm:866-891 (removeVM) frees
every line of every pool of the node's zHCP that ``egrep -a -i $node``
matches, as ``free,<wwpn>,<lun>,<size>,<range>,,,``, without a wipe.
"""

import copy
import os

import yaml

from tests.common.functional import simbase
from zvm_sim import admin_client
from zvm_sim.core import model

W = '500507680b21bac6'
DEFAULT = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'zvm_sim',
                       'core', 'topologies', 'default.yaml')


def topology_with_guest_bac6():
    with open(DEFAULT) as f:
        topo = copy.deepcopy(yaml.safe_load(f))
    topo['systems'][0]['guests'].append(
        {'node': 'bac6', 'userid': 'BAC6', 'distro': 'rhel', 'version': '9.2',
         'power': 'on', 'reachable': True})
    return topo


class TestRmvm(simbase.SimTestCase):

    topology = topology_with_guest_bac6()

    def delete_vm(self, node):
        resp = self.request('DELETE', 'vms/%s' % node)
        self.assertEqual(200, resp.status_code, resp.text)
        return self.infos(resp.json()['data'])

    def test_rmvm_frees_the_guests_luns_without_wipe(self):
        self.hv('--reservezfcp gold used vm1 auto 1G')
        self.hv('--reservezfcp gold reserved volume-7 auto 2G')
        used = [r for r in self.rows('gold') if r['owner'] == 'vm1']
        self.assertEqual(1, len(used))
        infos = self.delete_vm('vm1')
        self.assertIn('vm1: Updating FCP device pool gold... Done', infos)
        row = self.row('gold', used[0]['lun'])
        self.assertEqual(('free', '', '', ''), (row['status'], row['owner'],
                                                row['channel'], row['tag']))
        self.assertEqual(used[0]['size'], row['size'])
        self.assertEqual(['volume-7'], [r['owner'] for r in self.rows('gold')
                                        if r['status'] != 'free'])
        self.assertRaises(admin_client.AdminError, self.sim.admin.guest, 'vm1')
        # the node is gone from xCAT too
        resp = self.request('GET', 'vms/vm1')
        self.assertEqual(403, resp.status_code)
        # and stays gone when the simulator reads its state again
        reloaded = model.Simulator(self.sim.state_dir, topology=self.topology)
        self.assertIsNone(reloaded.guest('vm1'))
        self.assertIsNotNone(reloaded.guest('vm2'))

    def test_node_name_is_matched_against_the_whole_line(self):
        self.hv('--reservezfcp gold reserved volume-7 auto 2G')
        self.hv('--reservezfcp gold reserved wipe-8 auto 1G')
        self.hv('--reservezfcp silver reserved volume-9 auto 1G')
        self.assertEqual(3, len([r for p in ('gold', 'silver')
                                 for r in self.rows(p)
                                 if r['status'] != 'free']))
        infos = self.delete_vm('bac6')      # every target WWPN ends in bac6
        self.assertIn('bac6: Updating FCP device pool gold... Done', infos)
        self.assertIn('bac6: Updating FCP device pool silver... Done', infos)
        self.assertEqual([], [r for p in ('gold', 'silver')
                              for r in self.rows(p) if r['status'] != 'free'])
        path = os.path.join(self.sim.state_dir, 'zhcp', 'zhcp1', 'zfcp',
                            'gold.conf')
        with open(path) as f:
            self.assertTrue(f.read().startswith(
                '#status,wwpn,lun,size,range,owner,channel,tag\n'))
