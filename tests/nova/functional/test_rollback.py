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
"""Rollback at every failing xCAT call, and reconcile after a crash."""

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from unittest import mock

import ddt

from nova_volumeops import steps
from nova_volumeops import volumeops
from tests.nova.functional import base


def _fault(option, after=0, execute=False, action='error', method=None):
    return dict(option=option, after=after, execute=execute, action=action,
                method=method, text='(Error) injected by the test')


RUNNING_FAULTS = {
    'first-dedicate': _fault('--dedicatedevice'),
    'second-dedicate': _fault('--dedicatedevice', after=1),
    'second-dedicate-executed': _fault('--dedicatedevice', after=1,
                                       execute=True),
    'reservezfcp': _fault('--reservezfcp'),
    'reservezfcp-dropped-after-run': _fault('--reservezfcp', execute=True,
                                            action='drop'),
    'attach-script': _fault('dsh'),
    'attach-script-executed': _fault('dsh', execute=True),
    'attach-script-reply-lost': _fault('dsh', execute=True, action='drop'),
}

STOPPED_FAULTS = {
    'dedicate': _fault('--dedicatedevice', after=1),
    'reservezfcp': _fault('--reservezfcp', execute=True),
    'first-notice': _fault('--aemod'),
    'second-notice-executed': _fault('--aemod', after=1, execute=True),
}


class Crash(BaseException):
    """Stands for the process dying: no except-Exception handler runs."""


@ddt.ddt
class TestRollback(base.SimulatorTestCase):

    def _attach_fails(self, node, fault):
        g = self.guest(node)
        before = self.config_files(node)
        ci = self.cinder_connection(g, base.V1, 0)
        self.sim.admin.add_fault(**fault)
        self.assertRaises(volumeops.VolumeOpsError, self.ops.attach, g, ci,
                          '/dev/vdb')
        self.assertEqual([], [f for f in self.sim.admin.faults()
                              if f['fired'] == 0])
        inst = self.ops.store.read()['instances'][g.uuid]
        self.assertEqual(({}, {}, []), (inst['volumes'], inst['ops'],
                                        inst['dedicated']))
        # FCPs stay reserved (with expiry) for the retry.
        self.assertIsNotNone(inst['reserved_until'])
        return g, ci, before

    @ddt.data(*sorted(RUNNING_FAULTS))
    def test_running_attach_rolls_back(self, name):
        g, ci, before = self._attach_fails('vm1', RUNNING_FAULTS[name])
        self.assert_clean('vm1', 0, before_files=before)
        if name == 'reservezfcp':
            # Refused by xCAT: nothing to undo, cinder's stamp is kept.
            self.assertEqual(('reserved', 'volume-' + base.V1),
                             (self.pool_entry(0)['status'],
                              self.pool_entry(0)['owner']))
        # And a retry succeeds.
        self.sim.admin.clear_faults()
        self.assertEqual('attached', self.ops.attach(g, ci, '/dev/vdb'))

    @ddt.data(*sorted(STOPPED_FAULTS))
    def test_stopped_attach_rolls_back(self, name):
        g, ci, before = self._attach_fails('vm9', STOPPED_FAULTS[name])
        self.assertEqual(set(), self.directory('vm9'))
        self.assertNotEqual('used', self.pool_entry(0)['status'])
        # Whatever was punched is cancelled by the punched removal: the
        # guest boots without the volume and without a mountpoint.
        self.client.power('vm9', 'on')
        self.assert_clean('vm9', 0, before_files=before)

    def test_undo_runs_in_reverse_order(self):
        g = self.guest('vm1')
        ci = self.cinder_connection(g, base.V1, 0)
        f1, f2 = ci['data']['zvm_fcp']
        self.sim.admin.add_fault(**_fault('dsh', execute=True))
        self.sim.admin.clear_calls()
        self.assertRaises(volumeops.VolumeOpsError, self.ops.attach, g, ci,
                          '/dev/vdb')
        calls = [(c['option'], c['args'][1] if c['option'] and 'dedicate' in
                  c['option'] else None) for c in self.sim.admin.calls()]
        self.assertEqual([('stat', None),
                          ('--dedicatedevice', f1), ('--dedicatedevice', f2),
                          ('--reservezfcp', None),
                          # read-back: xCAT may say Done and write nothing
                          ('--zfcppool', None), ('dsh', None),
                          # rollback: guest (its map unknown: query, then
                          # the detach script), pool, dedications in reverse
                          ('dsh', None), ('dsh', None), ('--removezfcp', None),
                          ('--undedicatedevice', f2),
                          ('--undedicatedevice', f1)], calls)

    def test_sles12_rollback_of_guest_script(self):
        g, ci, before = self._attach_fails('vm5', _fault('dsh', execute=True))
        self.assert_clean('vm5', 0, before_files=before)

    def test_detach_failure_keeps_volume_and_retry_finishes(self):
        g = self.guest('vm2')
        ci = self.cinder_connection(g, base.V1, 0)
        self.ops.attach(g, ci, '/dev/vdb')
        self.sim.admin.add_fault(option='--undedicatedevice')
        self.assertRaises(volumeops.VolumeOpsError, self.ops.detach, g, ci,
                          '/dev/vdb')
        self.assertEqual({base.V1: 'attached'}, self.ops.volume_states(g))
        self.ops.detach(g, ci, '/dev/vdb')
        self.assert_clean('vm2', 0)


@ddt.ddt
class TestRestart(base.SimulatorTestCase):

    def test_state_survives_restart(self):
        g = self.guest('vm1')
        ci = self.cinder_connection(g, base.V1, 0)
        self.ops.attach(g, ci, '/dev/vdb')
        conn = self.ops.get_connector(g)
        # A new nova-compute process: new store object, same file.
        ops2 = self.new_ops()
        report = ops2.reconcile()
        self.assertEqual([], report['rolled_back'] + report['forgotten'] +
                         report['dedications_fixed'])
        self.assertEqual(conn, ops2.get_connector(g))
        other = ops2.get_connector(self.guest('vm2'))
        self.assertEqual(set(), set(conn['zvm_fcp']) & set(other['zvm_fcp']))
        ops2.detach(g, ci, '/dev/vdb')
        self.assert_clean('vm1', 0)

    @ddt.data(1, 2, 3, 4)
    def test_crash_during_attach_then_reconcile(self, crash_at):
        """The process dies inside step N; the next start undoes it all."""
        g = self.guest('vm1')
        before = self.config_files('vm1')
        ci = self.cinder_connection(g, base.V1, 0)
        real_do = steps.StepRunner.do
        calls = []

        def dying_do(runner, op, step):
            calls.append(step['name'])
            result = real_do(runner, op, step)
            if len(calls) == crash_at:
                raise Crash()
            return result
        with mock.patch.object(steps.StepRunner, 'do', dying_do):
            self.assertRaises(Crash, self.ops.attach, g, ci, '/dev/vdb')
        self.assertTrue(self.directory('vm1'))         # something was done
        journal = self.new_ops().store.read()['instances'][g.uuid]['ops']
        self.assertEqual([base.V1], list(journal))

        report = self.new_ops().reconcile()
        self.assertEqual([base.V1], report['rolled_back'])
        self.assert_clean('vm1', 0, before_files=before)
        inst = self.new_ops().store.read()['instances'].get(g.uuid, {})
        self.assertEqual({}, inst.get('ops', {}))

    def test_crash_after_guest_script_then_guest_stops_then_reconcile(self):
        g = self.guest('vm8')                         # RHEL 8: zfcp.conf
        before = self.config_files('vm8')
        ci = self.cinder_connection(g, base.V1, 0)
        real_do = steps.StepRunner.do

        def dying_do(runner, op, step):
            result = real_do(runner, op, step)
            if step['name'] == 'guest':
                raise Crash()
            return result
        with mock.patch.object(steps.StepRunner, 'do', dying_do):
            self.assertRaises(Crash, self.ops.attach, g, ci, '/dev/vdb')
        self.assertIn(base.lun(0), self.config_files('vm8')['/etc/zfcp.conf'])
        self.client.power('vm8', 'off')
        report = self.new_ops().reconcile()
        self.assertEqual([base.V1], report['rolled_back'])
        # The persistent config is removed at the next boot (setupDisk).
        self.client.power('vm8', 'on')
        self.assert_clean('vm8', 0, before_files=before)

    def test_crash_during_detach_then_reconcile_finishes_it(self):
        g = self.guest('vm2')
        ci = self.cinder_connection(g, base.V1, 0)
        self.ops.attach(g, ci, '/dev/vdb')
        real_do = steps.StepRunner.do

        def dying_do(runner, op, step):
            real_do(runner, op, step)
            if step['name'] == 'pool_return':
                raise Crash()
        with mock.patch.object(steps.StepRunner, 'do', dying_do):
            self.assertRaises(Crash, self.ops.detach, g, ci, '/dev/vdb')
        self.assertTrue(self.directory('vm2'))          # not undedicated yet
        report = self.new_ops().reconcile()
        self.assertEqual([base.V1], report['completed'])
        self.assert_clean('vm2', 0)
        self.assertEqual({}, self.new_ops().store.read()['instances'])

    def test_reconcile_forgets_deleted_guest_and_fixes_dedications(self):
        g = self.guest('vm1')
        ci = self.cinder_connection(g, base.V1, 0)
        self.ops.attach(g, ci, '/dev/vdb')
        fcp = ci['data']['zvm_fcp'][1]
        # An operator undedicates one FCP behind our back.
        self.client.chvm('vm1', '--undedicatedevice', fcp)
        report = self.new_ops().reconcile()
        self.assertEqual([(g.uuid, fcp, 'gone')], [tuple(x) for x in
                                                   report['dedications_fixed']])
        # A guest that no longer exists is dropped.
        with self.new_ops().store.transaction() as st:
            st['instances']['ghost'] = dict(
                st['instances'][g.uuid], node='ghost', userid='GHOST',
                volumes={}, dedicated=['3f00'], fcps=['3f00'])
        report = self.new_ops().reconcile()
        self.assertEqual(['ghost'], report['forgotten'])


class TestKilledProcess(base.SimulatorTestCase):
    """kill -9 of the attaching process while xCAT runs the guest script."""

    def test_kill_during_guest_script_then_reconcile(self):
        g = self.guest('vm1')
        before = self.config_files('vm1')
        ci = self.cinder_connection(g, base.V1, 0)
        self.sim.admin.set_latency('dsh', 2.0)
        req = {'url': self.sim.url, 'username': self.sim.username,
               'password': self.sim.password, 'state_file': self.state_file,
               'fcp_list': base.FCP_LIST, 'guest': list(dataclasses.astuple(g)),
               'connection_info': ci, 'mountpoint': '/dev/vdb'}
        proc = subprocess.Popen(
            [sys.executable, os.path.join(os.path.dirname(__file__),
                                          'attach_worker.py'), json.dumps(req)],
            env=dict(os.environ, PYTHONPATH=base.TOP), cwd=base.TOP,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(proc.wait)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ops = self.new_ops().store.read()['instances'].get(g.uuid, {})
            steps_ = ops.get('ops', {}).get(base.V1, {}).get('steps', [])
            if any(s['name'] == 'guest' and s.get('started') for s in steps_):
                break
            time.sleep(0.05)
        else:
            self.fail('the worker never reached the guest step')
        time.sleep(0.5)          # the request is now in xCAT's latency
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        # xCAT finishes the script the dead process had sent.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
                c['option'] == 'dsh' for c in self.sim.admin.calls()):
            time.sleep(0.1)
        self.assertEqual(set(ci['data']['zvm_fcp']), self.directory('vm1'))
        if any(c['option'] == 'dsh' for c in self.sim.admin.calls()):
            self.assertTrue(self.units('vm1'))

        self.sim.admin.set_latency('dsh', 0)
        report = self.new_ops().reconcile()
        self.assertEqual([base.V1], report['rolled_back'])
        self.assert_clean('vm1', 0, before_files=before)
