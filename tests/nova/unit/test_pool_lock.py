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
"""nova's side of the pool lock: tooz directly, the name cinder uses."""

from unittest import mock

import fixtures
import testtools
from tooz import coordination

from nova_volumeops import pool_lock
from nova_volumeops import steps
from zvm_xcat import lock_hold
from zvm_xcat import pool_lock as names

SERVER = 'https://xcat.example.com:443/xcatws'


class PoolLocksTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.url = 'file://%s' % self.useFixture(fixtures.TempDir()).path

    def other_member(self):
        """Another process on the same backend, e.g. cinder-volume."""
        coord = coordination.get_coordinator(self.url, b'cinder-volume-x')
        coord.start()
        self.addCleanup(coord.stop)
        return coord

    def test_excludes_a_holder_of_the_same_name(self):
        locks = pool_lock.PoolLocks(self.url, SERVER, 'zvm1')
        locks.start()
        self.addCleanup(locks.stop)
        held = self.other_member().get_lock(
            b'cinder-zvm-fcp-https_xcat.example.com_443_xcatws-zvm1-gold')
        self.assertTrue(held.acquire(blocking=False))
        try:
            self.assertFalse(locks.lock('gold').acquire(blocking=False))
            other_pool = locks.lock('silver')
            self.assertTrue(other_pool.acquire(blocking=False))
            other_pool.release()
        finally:
            held.release()
        with locks('gold'):
            self.assertFalse(held.acquire(blocking=False))

    def test_wait_for_a_held_lock_is_bounded(self):
        locks = pool_lock.PoolLocks(self.url, SERVER, 'zvm1', timeout=0.5)
        locks.start()
        self.addCleanup(locks.stop)
        held = self.other_member().get_lock(locks.name('gold'))
        self.assertTrue(held.acquire(blocking=False))
        self.addCleanup(held.release)
        exc = self.assertRaises(lock_hold.LockWaitTimeout,
                                locks('gold').__enter__)
        self.assertIn('pool lock cinder-zvm-fcp-https_xcat.example.com_443_'
                      'xcatws-zvm1-gold not acquired in 0 s', str(exc))

    def test_local_lock_wait_is_bounded_too(self):
        locks = pool_lock.PoolLocks(None, SERVER, 'zvm1', timeout=0.2)
        with locks('gold'):
            exc = self.assertRaises(lock_hold.LockWaitTimeout,
                                    locks('gold').__enter__)
        self.assertIn('held in this process by nova-compute', str(exc))
        with locks('gold'):     # released: free again
            pass

    def test_name_is_the_shared_helpers(self):
        locks = pool_lock.PoolLocks(self.url, SERVER, 'zvm1')
        self.assertEqual(names.tooz_name(SERVER, 'zvm1', 'gold'),
                         locks.name('gold'))

    def test_without_backend_a_local_lock(self):
        locks = pool_lock.PoolLocks(None, SERVER, 'zvm1')
        logger = self.useFixture(fixtures.FakeLogger())
        locks.start()
        self.assertIn('backend_url is not set', logger.output)
        with locks('gold'):
            self.assertFalse(locks.lock('gold').acquire(blocking=False))
        self.assertTrue(locks.lock('gold').acquire(blocking=False))


class StepRunnerHoldsTheLockTest(testtools.TestCase):
    """The two pool steps run their xCAT call under the pool's lock."""

    class Client:
        def __init__(self, lock):
            self.lock, self.seen = lock, []

        def chhypervisor(self, hv, *args):
            self.seen.append((args[0], self.lock.locked()))

        def chvm(self, node, *args):
            self.seen.append((args[0], self.lock.locked()))

        def rinv(self, hv, *args):
            # the read-back of the "used" marking (steps._pool_use)
            self.seen.append((args[0], self.lock.locked()))
            rows = ['#status,wwpn,lun,size,range,owner,channel,tag',
                    'used,500507680b21bac6,4001400500000000,1G,,vm1,1f00,']
            return mock.Mock(node_lines=lambda node: rows)

    def test_pool_and_pool_return_hold_it(self):
        import threading
        lock = threading.Lock()
        asked = []

        def pool_lock_of(pool):
            asked.append(pool)
            return lock
        client = self.Client(lock)
        runner = steps.StepRunner(client, 'zvm1', 60, pool_lock=pool_lock_of)
        op = {'guest': {'node': 'vm1', 'uuid': 'u', 'userid': 'VM1'},
              'volume': {'volume_id': 'v', 'fcps': ['1f00'],
                         'wwpns': ['500507680b21bac6'],
                         'lun': '4001400500000000', 'pool': 'gold',
                         'size': '1G', 'mountpoint': '/dev/vdb',
                         'distro': ['rhel', '9.2', 'rhel9']},
              'steps': []}
        runner.do(op, {'name': 'pool'})
        runner.do(op, {'name': 'pool_return'})
        runner.do(op, {'name': 'dedicate', 'fcp': '1f00'})
        self.assertEqual(['gold', 'gold'], asked)
        self.assertEqual([('--reservezfcp', True), ('--zfcppool', True),
                          ('--removezfcp', True),
                          ('--dedicatedevice', False)], client.seen)
