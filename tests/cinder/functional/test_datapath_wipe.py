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
"""Wipe on delete against the simulator: bytes in the LUN's backing file."""

import os
import subprocess
import sys

from tests.cinder.functional import datapath_base as dpb
from zvm_xcat import zfcp

PATTERN = b'tenant data ' * 1000


class WipeTest(dpb.DataPathTestCase):

    def dirty_volume(self, lun):
        vol = self.volume(lun)
        for offset in (0, 16 * dpb.MiB, 32 * dpb.MiB - len(PATTERN)):
            self.write_through_attach(vol, PATTERN, offset)
        self.assertIn(PATTERN, self.read_lun(vol))
        return vol

    def immutable(self, vol, on=True):
        """Make the backing file unwritable, even for root (a write fault)."""
        subprocess.check_call(['chattr', '+i' if on else '-i',
                               self.lun_path(vol)])
        if on:
            self.addCleanup(subprocess.call, ['chattr', '-i',
                                              self.lun_path(vol)])

    def test_delete_wipes_then_frees(self):
        vol = self.dirty_volume(dpb.SMALL_LUNS[0])
        self.sim.admin.clear_calls()
        self.data.delete_volume(vol)
        row = self.row(vol)
        self.assertEqual(('free', ''), (row['status'], row['owner']))
        self.assertZeros(vol)
        self.assertEqual(32 * dpb.MiB, os.path.getsize(self.lun_path(vol)))
        self.assertNodeClean()
        # control path: read + quarantine + read back; data path: (wipe
        # of the entry read before), read under the lock (did the LUN
        # change while it was wiped?), release + read back.
        self.assertEqual(['--zfcppool', '--reservezfcp', '--zfcppool',
                          '--zfcppool', '--releasezfcp', '--zfcppool'],
                         [c['option'] for c in self.sim.admin.calls()])

    def test_volume_clear_size_wipes_only_the_start(self):
        self.override_config('volume_clear_size', 1, group='zvm1')
        vol = self.dirty_volume(dpb.SMALL_LUNS[1])
        self.data.delete_volume(vol)
        self.assertEqual('free', self.row(vol)['status'])
        data = self.read_lun(vol)
        self.assertEqual(b'', data[:dpb.MiB].strip(b'\0'))
        self.assertLunSize(vol, 32 * dpb.MiB)
        self.assertIn(PATTERN, data[dpb.MiB:])

    def test_row_smaller_than_the_lun_keeps_it_quarantined(self):
        """Issue 12 item 1: the wipe covers the device, not the pool entry.

        The operator re-enters a 32 MiB LUN as ``8M`` (xCAT keeps no size
        of its own). Before, the wipe cleared 8 MiB, freed the LUN and the
        next owner read the other 24 MiB.
        """
        lun = dpb.SMALL_LUNS[0]
        client = self.backend.client
        zfcp.remove_from_pool(client, 'zvm1', 'gold', (dpb.W1,), [lun])
        zfcp.add_to_pool(client, 'zvm1', 'gold', 'free', (dpb.W1,), lun,
                         size='8M', range_='1f00-1f0f;2f00-2f0f')
        driver = self.start_driver()
        vol = self.dirty_volume(lun)
        driver.delete_volume(vol)
        row = self.row(vol)
        self.assertEqual(('reserved', 'wipe-' + vol.id, '8M'),
                         (row['status'], row['owner'], row['size']))
        self.assertLunSize(vol, 32 * dpb.MiB)
        self.assertIn(PATTERN, self.read_lun(vol)[8 * dpb.MiB:])
        self.assertIn('8388608 bytes but the device on the Cinder node has '
                      '33554432 bytes', self.driver_log.output)
        self.assertNodeClean()
        # The operator states the real size (the owner kept): clean frees.
        zfcp.remove_from_pool(client, 'zvm1', 'gold', (dpb.W1,), [lun])
        zfcp.add_to_pool(client, 'zvm1', 'gold', 'reserved', (dpb.W1,), lun,
                         size='32M', range_='1f00-1f0f;2f00-2f0f',
                         owner='wipe-' + vol.id)
        self.assertEqual([True], [ok for _q, ok in
                                  self.data.clean_quarantined([vol.id])])
        self.assertEqual('free', self.row(vol)['status'])
        self.assertZeros(vol)

    def test_startup_warns_when_deleted_data_can_reach_the_next_owner(self):
        """Issue 12 item 8: volume_clear=none / a partial volume_clear_size.

        Both free LUNs with data; before, only an INFO line per delete.
        """
        self.start_driver()
        self.assertNotIn('WITH', self.driver_log.output)
        self.start_driver(volume_clear='none')
        self.assertIn('volume_clear = none: LUNs of deleted volumes and '
                      'snapshots are returned to the pool free WITH THEIR '
                      'DATA', self.driver_log.output)
        self.start_driver(volume_clear='zero', volume_clear_size=1)
        self.assertIn('volume_clear_size = 1: only the first 1 MiB of each '
                      'LUN are wiped', self.driver_log.output)

    def test_volume_clear_none_frees_without_attach(self):
        self.override_config('volume_clear', 'none', group='zvm1')
        vol = self.dirty_volume(dpb.SMALL_LUNS[2])
        self.sim.admin.clear_calls()
        self.data.delete_volume(vol)
        self.assertEqual('free', self.row(vol)['status'])
        self.assertEqual(['--zfcppool', '--releasezfcp', '--zfcppool'],
                         [c['option'] for c in self.sim.admin.calls()])

    def test_failed_wipe_quarantines_and_clean_finishes(self):
        vol = self.dirty_volume(dpb.SMALL_LUNS[3])
        self.immutable(vol)
        self.data.delete_volume(vol)        # does not raise
        row = self.row(vol)
        self.assertEqual(('reserved', 'wipe-' + vol.id),
                         (row['status'], row['owner']))
        self.assertIn(PATTERN, self.read_lun(vol))
        self.assertNodeClean()
        listed = self.data.list_quarantined()
        self.assertEqual([vol.id], [q.object_id for q in listed])
        # the operator fixes the storage and cleans
        self.immutable(vol, on=False)
        results = self.data.clean_quarantined([vol.id])
        self.assertEqual([True], [ok for _q, ok in results])
        self.assertEqual(('free', ''), (self.row(vol)['status'],
                                        self.row(vol)['owner']))
        self.assertZeros(vol)
        self.assertEqual([], self.data.list_quarantined())

    def cli(self, *args):
        conf = os.path.join(self.root, '..', 'cinder-%s.conf' % os.getpid())
        values = dict(self.conf_values)
        lines = ['[DEFAULT]', 'state_path = %s' % self.root + '-state',
                 '[coordination]',
                 'backend_url = file://%s-locks' % self.root,
                 '[oslo_concurrency]', 'lock_path = %s-locks' % self.root,
                 '[zvm1]']
        lines += ['%s = %s' % (k, ','.join(v) if isinstance(v, list) else v)
                  for k, v in values.items()]
        with open(conf, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        proc = subprocess.run(
            [sys.executable, '-m', 'cinder_zvm.quarantine_cli',
             '--config-file', conf, '--backend', 'zvm1'] + list(args),
            capture_output=True, text=True, timeout=120)
        return proc.returncode, proc.stdout

    def test_cli_lists_and_cleans(self):
        vol = self.dirty_volume(dpb.SMALL_LUNS[2])
        self.immutable(vol)
        self.data.delete_volume(vol)
        rc, out = self.cli('list')
        self.assertEqual(0, rc, out)
        self.assertIn(self.loc(vol).lun, out)
        self.assertIn(vol.id, out)
        self.assertIn('1 quarantined LUN(s)', out)
        rc, out = self.cli('clean')
        self.assertEqual(1, rc, out)        # still immutable: not freed
        self.assertIn('QUARANTINED', out)
        self.immutable(vol, on=False)
        rc, out = self.cli('clean', '--id', vol.id)
        self.assertEqual(0, rc, out)
        self.assertIn('1 freed, 0 still quarantined', out)
        self.assertEqual('free', self.row(vol)['status'])
        self.assertZeros(vol)
        self.assertNodeClean()

    def test_dedicate_fault_during_wipe_keeps_lun_quarantined(self):
        vol = self.dirty_volume(dpb.SMALL_LUNS[0])
        # A fresh node: the FCP device must be dedicated again.
        self.sim.admin.add_fault(option='--dedicatedevice')
        self.sim.admin.clear_calls()
        # 1f01: on fabric A, like the LUN's only port (dual-fabric topology)
        self.conf = self.make_configuration(zvm_cinder_node_fcp=['1f01'])
        self.backend.configuration = self.conf
        data = type(self.data)(self.backend)
        data.delete_volume(vol)
        self.assertEqual(('reserved', 'wipe-' + vol.id),
                         (self.row(vol)['status'], self.row(vol)['owner']))
        self.assertIn(PATTERN, self.read_lun(vol))
        self.assertNotIn('1f01', self.node_state()['directory'])
        self.assertNodeClean()
        # retry once xCAT works again
        self.assertEqual(1, data.clean_quarantined()[0][1])
        self.assertZeros(vol)

    def test_device_that_never_appears_keeps_lun_quarantined(self):
        vol = self.dirty_volume(dpb.SMALL_LUNS[1])
        # the LUN is unmapped from the storage: unit_add finds no disk
        self.sim.admin.add_fault(option='dsh', count=5)
        self.conf = self.make_configuration(zvm_cinder_node_fcp=['2f00'])
        self.backend.configuration = self.conf
        data = type(self.data)(self.backend)
        data.delete_volume(vol)
        self.assertEqual('wipe-' + vol.id, self.row(vol)['owner'])
        self.assertEqual({}, self.node_state()['active'].get('2f00') or {})
        self.assertNodeClean()
