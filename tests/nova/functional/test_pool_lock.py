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
"""nova and cinder writing one pool file at once lose no update.

The simulator runs "unlocked": like xCAT's cat + sed --in-place over ssh
(zvmUtils.pm findAndUpdatezFcpPool), overlapping edits of one pool file
can pick the same free LUN or drop each other's line.  cinder-volume
(cinder_churn.py, its own process) creates and deletes volumes while
this process, as nova-compute, attaches and detaches others; both hold
the pool lock on one tooz (file) backend.  The pool file then says
exactly what each side did.  The control run, where nova does not take
the lock, shows the race is real, so the first result means something.
"""

import json
import os
import subprocess
import sys
import threading
import unittest

import fixtures

from nova_volumeops import pool_lock
from tests.nova.functional import base
from tests.nova.functional import test_concurrency
from zvm_sim.fixture import real_xcat_requested
from zvm_xcat import zfcp

SCRIPT = os.path.join(os.path.dirname(__file__), 'cinder_churn.py')
NODES = ('vm1', 'vm2', 'vm5', 'vm6')
EXTRA_LUNS = 16
MAX_CYCLES = 12
THREADS, ROUNDS = 2, 3          # 2 creates + 1 delete per round


class TestOnePoolLockForNovaAndCinder(base.SimulatorTestCase):

    def setUp(self):
        super().setUp()
        self.backend_url = 'file://%s' % self.useFixture(
            fixtures.TempDir()).path
        for i in range(EXTRA_LUNS):
            zfcp.add_to_pool(self.client, base.HV, base.POOL, 'free',
                             base.SINGLE_WWPN, '4002%04x00000000' % i, '1G')
        env = dict(os.environ, PYTHONPATH=base.TOP)
        self.stderr = open(os.path.join(self.useFixture(
            fixtures.TempDir()).path, 'cinder.err'), 'w+')
        self.addCleanup(self.stderr.close)
        self.cinder = subprocess.Popen(
            [sys.executable, SCRIPT, json.dumps({
                'url': self.sim.url, 'username': self.sim.username,
                'password': self.sim.password,
                'backend_url': self.backend_url})],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.stderr, text=True,
            env=env, cwd=base.TOP)
        self.addCleanup(self._stop_cinder)
        self.assertEqual({'ready': True}, self._answer())

    def _stop_cinder(self):
        if self.cinder.poll() is None:
            self.cinder.stdin.close()
            try:
                self.cinder.wait(30)
            except subprocess.TimeoutExpired:
                self.cinder.kill()
                self.cinder.wait()

    def _ask(self, **req):
        self.cinder.stdin.write(json.dumps(req) + '\n')
        self.cinder.stdin.flush()

    def _answer(self):
        line = self.cinder.stdout.readline()
        if not line:
            self.stderr.seek(0)
            self.fail('cinder_churn.py exited (rc %s): %s' % (
                self.cinder.wait(30), self.stderr.read()[-3000:]))
        return json.loads(line)

    def run_both(self, nova_locks):
        """cinder churns while nova attaches/detaches; both outcomes."""
        ops = self.new_ops(pool_lock=nova_locks)
        guests = [self.guest(n) for n in NODES]
        self._ask(op='connect',
                  connectors=[ops.get_connector(g) for g in guests])
        infos = self._answer()['infos']
        self.sim.admin.set_unlocked(True, delay=0.04)
        done = threading.Event()
        churned = {}

        def cinder_side():
            self._ask(op='churn', threads=THREADS, rounds=ROUNDS)
            churned.update(self._answer())
            done.set()

        side = threading.Thread(target=cinder_side)
        side.start()
        errors = []
        for cycle in range(MAX_CYCLES):
            if cycle == 0:
                overlapped = not done.is_set()
            errors += test_concurrency.run_threads(
                *[(ops.attach, (g, ci, '/dev/vdb'))
                  for g, ci in zip(guests, infos)])
            if done.is_set() or errors:
                break
            errors += test_concurrency.run_threads(
                *[(ops.detach, (g, ci, '/dev/vdb'))
                  for g, ci in zip(guests, infos)])
        side.join(300)
        self.sim.admin.set_unlocked(False)
        self.assertTrue(done.is_set(), 'cinder churn did not finish')
        self.assertTrue(overlapped, 'nova did not overlap cinder')
        return infos, churned, errors

    def lost_updates(self, infos, churned):
        """LUN -> (expected, found) for every row that is not as written."""
        expected = {}
        for node, ci in zip(NODES, infos):
            expected[ci['data']['zvm_fcp_lun']] = ('used', node)
        for vid, source in churned['created'].items():
            if vid not in churned['deleted']:
                lun = source.split(':')[-1]
                if lun in expected:        # handed out twice
                    expected[lun] = ('twice', vid)
                else:
                    expected[lun] = ('reserved', 'volume-' + vid)
        wrong = {}
        for row in self.sim.admin.pool(base.HV, base.POOL):
            want = expected.get(row['lun'], ('free', ''))
            if (row['status'], row['owner']) != want:
                wrong[row['lun']] = (want, (row['status'], row['owner']))
        return wrong

    def test_shared_lock_loses_no_update(self):
        locks = pool_lock.PoolLocks(self.backend_url, self.client.server_url,
                                    base.HV)
        locks.start()
        self.addCleanup(locks.stop)
        infos, churned, errors = self.run_both(locks)
        self.assertEqual([], errors)
        self.assertEqual([], churned['errors'])
        self.assertEqual(THREADS * ROUNDS * 2, len(churned['created']))
        self.assertEqual(THREADS * ROUNDS, len(churned['deleted']))
        self.assertEqual({}, self.lost_updates(infos, churned))
        for node in NODES:
            self.assertEqual(2, len(self.directory(node)))

    # The control needs the race to happen. With xCAT's own code behind the
    # simulator, each nova attach spends seconds in xdsh.pm's Perl, so the
    # edits that could overlap cinder's are too few to race every run (seen
    # once in CI). The simulator's run shows the race; the locked test
    # above runs in both modes.
    @unittest.skipIf(real_xcat_requested(), 'the control race is too rare '
                     "behind xCAT's own (slow) xdsh; run without real xCAT")
    def test_without_nova_taking_the_lock_updates_are_lost(self):
        infos, churned, errors = self.run_both(None)
        self.assertNotEqual({}, self.lost_updates(infos, churned),
                            'the unlocked simulator did not race: the locked '
                            'test would prove nothing')
