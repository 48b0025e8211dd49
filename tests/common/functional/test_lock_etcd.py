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
"""The pool lock on a real etcd member, restarted under a holder.

Two tooz coordinators stand for two cinder-volume services (or one and a
nova-compute) on one etcd, as the aa full-stack run has them.  What tooz 9
does (tooz/drivers/etcd3gw.py): ``acquire(blocking=True)`` retries without
end; a ``release`` that raises (etcd down) leaves the lock in the
coordinator's acquired set, whose heartbeat refreshes its lease for as
long as the process lives.  The control test shows that, so that the
lock_hold test means something.
"""

import os
import socket
import subprocess
import time

import fixtures
import testtools
from tooz import coordination

from zvm_xcat import lock_hold

ETCD = '/usr/bin/etcd'
NAME = b'cinder-zvm-fcp-xcat-zvm1-gold'


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@testtools.skipUnless(os.access(ETCD, os.X_OK),
                      'needs etcd (Debian etcd-server; tools/run-tests.sh '
                      'installs it)')
class EtcdPoolLockTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.data = self.useFixture(fixtures.TempDir()).path
        self.port, self.peer = free_port(), free_port()
        self.etcd = None
        self.start_etcd()
        self.addCleanup(self.stop_etcd)
        # a lease of 3 s: a lock no one refreshes is gone 3 s later
        self.url = ('etcd3+http://127.0.0.1:%d?timeout=5&lock_timeout=3'
                    % self.port)
        self.useFixture(fixtures.MockPatchObject(lock_hold, 'RETRY_FIRST',
                                                 0.2))

    def start_etcd(self):
        peer = 'http://127.0.0.1:%d' % self.peer
        client = 'http://127.0.0.1:%d' % self.port
        self.etcd = subprocess.Popen(
            [ETCD, '--name', 'lk', '--data-dir', self.data + '/etcd',
             '--listen-client-urls', client, '--advertise-client-urls',
             client, '--listen-peer-urls', peer,
             '--initial-advertise-peer-urls', peer,
             '--initial-cluster', 'lk=' + peer],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(('127.0.0.1', self.port), 1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.fail('etcd did not start')

    def stop_etcd(self):
        if self.etcd is not None:
            self.etcd.kill()
            self.etcd.wait(30)
            self.etcd = None

    def member(self, member_id):
        coord = coordination.get_coordinator(self.url, member_id)
        coord.start(start_heart=True)
        self.addCleanup(coord.stop)
        return coord

    def test_wait_for_a_held_lock_is_bounded(self):
        holder, waiter = self.member(b'cinder-a'), self.member(b'cinder-b')
        held = holder.get_lock(NAME)
        self.assertTrue(held.acquire(blocking=False))
        t0 = time.monotonic()
        exc = self.assertRaises(lock_hold.LockWaitTimeout, lock_hold.acquire,
                                waiter.get_lock(NAME), NAME, 2)
        self.assertLess(time.monotonic() - t0, 10)
        self.assertIn('pool lock cinder-zvm-fcp-xcat-zvm1-gold not acquired '
                      'in 2 s', str(exc))
        held.release()
        lock_hold.acquire(waiter.get_lock(NAME), NAME, 2)

    def restart_under_a_holder(self, release):
        """A holds the lock, etcd dies, A releases, etcd is back."""
        holder, waiter = self.member(b'cinder-a'), self.member(b'cinder-b')
        held = holder.get_lock(NAME)
        self.assertTrue(held.acquire(blocking=False))
        self.stop_etcd()
        release(held)
        self.start_etcd()
        return waiter.get_lock(NAME)

    def test_release_that_failed_does_not_stay_held(self):
        log = self.useFixture(fixtures.FakeLogger())
        lock = self.restart_under_a_holder(
            lambda held: lock_hold.release(held, NAME, 'cinder-a'))
        lock_hold.acquire(lock, NAME, 8)
        self.assertIn('released after an earlier failure', log.output)

    def test_control_plain_release_that_failed_stays_held(self):
        def plain(held):
            self.assertRaises(coordination.ToozConnectionError, held.release)
        lock = self.restart_under_a_holder(plain)
        # 8 s: well past the 3 s lease, which A's heartbeat keeps renewing
        self.assertRaises(lock_hold.LockWaitTimeout, lock_hold.acquire,
                          lock, NAME, 8)
