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
"""The bounded wait for a pool lock and the release that cannot stick.

The tooz behaviours these stand in for are pinned against a real etcd in
tests/common/functional/test_lock_etcd.py.
"""

import threading

import fixtures
import tenacity
import testtools

from zvm_xcat import lock_hold

NAME = 'zvm-fcp-xcat-zvm1-gold'


class FakeLock:
    """A tooz lock: acquire(blocking=<bool|seconds>), release() -> bool."""

    def __init__(self, acquire=True, release=()):
        self._acquire = acquire
        self._release = list(release)   # results in turn; exceptions raised
        self.acquire_calls = []
        self.release_calls = 0

    def acquire(self, blocking=True):
        self.acquire_calls.append(blocking)
        if isinstance(self._acquire, Exception):
            raise self._acquire
        return self._acquire

    def release(self):
        self.release_calls += 1
        result = self._release.pop(0) if self._release else True
        if isinstance(result, Exception):
            raise result
        return result


class ThreadLock:
    """Exclusive across threads, like tooz's locks of one backend."""

    def __init__(self):
        self._lock = threading.Lock()

    def acquire(self, blocking=True):
        return self._lock.acquire(timeout=blocking)

    def release(self):
        self._lock.release()
        return True


class AcquireTest(testtools.TestCase):

    def test_waits_the_timeout_as_toozs_blocking_deadline(self):
        lock = FakeLock()
        with lock_hold.hold(lock, NAME, 7):
            pass
        # file, redis and etcd3gw read a number as the deadline (tooz 9
        # tooz/utils.py convert_blocking, drivers/etcd3gw.py _retry)
        self.assertEqual([7.0], lock.acquire_calls)
        self.assertEqual(1, lock.release_calls)

    def test_not_acquired_names_the_lock_and_the_wait(self):
        exc = self.assertRaises(lock_hold.LockWaitTimeout,
                                lock_hold.acquire, FakeLock(False), NAME, 7)
        self.assertIn('pool lock zvm-fcp-xcat-zvm1-gold not acquired in 7 s',
                      str(exc))
        self.assertIn('held by another process on the same tooz backend',
                      str(exc))

    def test_etcd3gw_deadline_retry_error_is_a_timeout(self):
        # etcd3gw gives up with tenacity's RetryError, not False
        retry_error = tenacity.RetryError(None)
        self.assertRaises(lock_hold.LockWaitTimeout, lock_hold.acquire,
                          FakeLock(retry_error), NAME.encode(), 1)

    def test_backend_errors_are_not_timeouts(self):
        self.assertRaises(ConnectionError, lock_hold.acquire,
                          FakeLock(ConnectionError('etcd down')), NAME, 1)

    def test_names_the_holder_in_this_process(self):
        lock = ThreadLock()
        held, done = threading.Event(), threading.Event()

        def holder():
            with lock_hold.hold(lock, NAME, 5, 'cinder-volume zvm1'):
                held.set()
                done.wait(10)
        thread = threading.Thread(target=holder, name='create-1')
        thread.start()
        self.addCleanup(thread.join)
        self.addCleanup(done.set)
        held.wait(10)
        exc = self.assertRaises(lock_hold.LockWaitTimeout, lock_hold.acquire,
                                lock, NAME, 0.2)
        self.assertIn('held in this process by cinder-volume zvm1 (thread '
                      'create-1)', str(exc))

    def test_body_error_still_releases(self):
        lock = FakeLock()

        def edit():
            with lock_hold.hold(lock, NAME, 5):
                raise ValueError('xCAT said no')
        self.assertRaises(ValueError, edit)
        self.assertEqual(1, lock.release_calls)


class ReleaseTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.log = self.useFixture(fixtures.FakeLogger())

    def test_failed_release_does_not_fail_the_edit_and_is_retried(self):
        self.useFixture(fixtures.MockPatchObject(lock_hold, 'RETRY_FIRST',
                                                 0.01))
        lock = FakeLock(release=[ConnectionError('etcd down'), True])
        with lock_hold.hold(lock, NAME, 5):
            pass        # the pool edit is done: it does not fail now
        for _ in range(500):
            if lock.release_calls == 2:
                break
            threading.Event().wait(0.01)
        self.assertEqual(2, lock.release_calls)
        self.assertIn('Release of pool lock zvm-fcp-xcat-zvm1-gold failed: '
                      'retried in the background', self.log.output)

    def test_release_retries_back_off_until_the_backend_answers(self):
        lock = FakeLock(release=[ConnectionError('etcd down'),
                                 ConnectionError('etcd down'),
                                 ConnectionError('etcd down'), True])
        slept = []
        thread = lock_hold.release(lock, NAME, sleep=slept.append)
        thread.join(10)
        self.assertFalse(thread.is_alive())
        self.assertEqual(4, lock.release_calls)
        self.assertEqual([1.0, 2.0, 4.0], slept)
        self.assertIn('released after an earlier failure', self.log.output)

    def test_release_retries_are_bounded(self):
        lock = FakeLock(release=[ConnectionError('etcd down')] * 5000)
        now = [0.0]

        def sleep(seconds):
            now[0] += seconds
        thread = lock_hold.release(lock, NAME, sleep=sleep,
                                   clock=lambda: now[0])
        thread.join(10)
        self.assertFalse(thread.is_alive())
        self.assertIn('could not be released for 86400 s', self.log.output)
        # every 30 s at most for a day, then an error
        self.assertEqual(86400 // 30 + 5, lock.release_calls)

    def test_release_that_found_the_lock_lost_says_the_pool_may_race(self):
        lock = FakeLock(release=[False])
        self.assertIsNone(lock_hold.release(lock, NAME, 'cinder-volume zvm1'))
        self.assertIn('was no longer held when cinder-volume zvm1 released '
                      'it', self.log.output)
        self.assertEqual(1, lock.release_calls)
