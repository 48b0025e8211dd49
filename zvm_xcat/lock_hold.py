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
"""Holding a pool-file lock: a bounded wait and a release that cannot stick.

cinder_zvm (locking.py) and nova_volumeops (pool_lock.py) hold one tooz
lock per pool file (pool_lock.py says why).  Two ways a distributed backend
can turn that lock into a hang, both seen with etcd restarted mid-run:

- **waiting forever.**  ``with lock:`` is ``acquire(blocking=True)``, which
  tooz's drivers retry without end (etcd3gw: tenacity with no stop, tooz 9
  tooz/drivers/etcd3gw.py Etcd3Lock.acquire).  :func:`hold` waits at most
  the configured seconds (``blocking=<seconds>``, the one form file, redis
  and etcd3gw all read as a deadline) and then raises
  :class:`LockWaitTimeout`, naming the lock and, when it is held in this
  process, the holder.
- **a release that failed stays held.**  etcd3gw's ``release`` that raises
  (etcd unreachable) leaves the lock in its coordinator's acquired set,
  and the coordinator's heartbeat keeps refreshing the lock's lease for as
  long as the process lives: the key never expires, every other writer
  waits.  The work under the lock is done by then, so :func:`release`
  does not fail the operation: it logs and retries the release in the
  background until the backend answers.

A release that answers False means tooz no longer held the lock for us
(its lease expired while we held it): the pool edit made under it may have
overlapped another writer's, which is logged as an error naming the pool.
"""

import contextlib
import logging
import threading
import time

LOG = logging.getLogger(__name__)

# Retries of a failed release: every RETRY_FIRST s, doubling to RETRY_MAX,
# for RETRY_FOR s; the process exiting ends the lease in any case.
RETRY_FIRST = 1.0
RETRY_MAX = 30.0
RETRY_FOR = 24 * 3600.0


class LockWaitTimeout(Exception):
    """A pool lock was not free within the configured wait."""

    def __init__(self, name, waited, holder=None):
        self.name, self.waited, self.holder = name, waited, holder
        where = holder or (
            'held by another process on the same tooz backend (a '
            'cinder-volume or nova-compute sharing [coordination] '
            'backend_url), or left by one that lost the backend: with etcd '
            'or redis it expires once its holder stops renewing it')
        super().__init__('pool lock %s not acquired in %d s: %s'
                         % (_text(name), waited, where))


def _text(name):
    return name.decode('ascii', 'replace') if isinstance(name, bytes) else name


class _Holders:
    """Who in this process holds which lock (for the timeout's message)."""

    def __init__(self):
        self._guard = threading.Lock()
        self._by_name = {}

    def add(self, name, what, clock):
        with self._guard:
            self._by_name[name] = (what, threading.current_thread().name,
                                   clock())

    def drop(self, name):
        with self._guard:
            self._by_name.pop(name, None)

    def describe(self, name, clock):
        with self._guard:
            found = self._by_name.get(name)
        if found is None:
            return None
        what, thread, since = found
        return 'held in this process by %s (thread %s) for %d s' % (
            what or 'a pool edit', thread, clock() - since)


HOLDERS = _Holders()


def acquire(lock, name, timeout):
    """Acquire ``lock`` within ``timeout`` s; raise LockWaitTimeout if not.

    tooz reads a number given as ``blocking`` as a deadline; its etcd3gw
    driver then gives up with tenacity's RetryError instead of False.
    """
    try:
        acquired = lock.acquire(blocking=float(timeout))
    except Exception as exc:
        if type(exc).__name__ != 'RetryError':
            raise
        acquired = False
    if not acquired:
        raise LockWaitTimeout(name, timeout,
                              HOLDERS.describe(name, time.monotonic))


def release(lock, name, what=None, sleep=time.sleep, clock=time.monotonic):
    """Release ``lock``; never raises (the work under it is done).

    A failure is retried in a background thread until the backend
    answers (a lock whose release failed would otherwise stay held).
    """
    if _release_once(lock, name, what):
        return
    LOG.warning('Release of pool lock %s failed: retried in the background; '
                'until it succeeds, other writers of this pool wait for it',
                _text(name))
    thread = threading.Thread(target=_retry_release,
                              args=(lock, name, what, sleep, clock),
                              name='release-%s' % _text(name), daemon=True)
    thread.start()
    return thread


def _release_once(lock, name, what, retry=False):
    """True when the release is settled (done, or nothing left to do)."""
    try:
        released = lock.release()
    except Exception as exc:
        (LOG.debug if retry else LOG.warning)(
            'Pool lock %s: release failed: %s: %s', _text(name),
            type(exc).__name__, exc)
        return False
    if released is False:
        LOG.error('Pool lock %s was no longer held when %s released it (its '
                  'lease expired, e.g. the tooz backend was unreachable for '
                  'longer than its lock timeout): another writer may have '
                  'edited the pool file at the same time; check the pool '
                  'against cinder\'s volumes', _text(name),
                  what or 'a pool edit')
    return True


def _retry_release(lock, name, what, sleep, clock):
    deadline = clock() + RETRY_FOR
    wait = RETRY_FIRST
    while clock() < deadline:
        sleep(wait)
        if _release_once(lock, name, what, retry=True):
            LOG.info('Pool lock %s released after an earlier failure',
                     _text(name))
            return True
        wait = min(wait * 2, RETRY_MAX)
    LOG.error('Pool lock %s could not be released for %d s: restart this '
              'service to end its hold', _text(name), RETRY_FOR)
    return False


@contextlib.contextmanager
def hold(lock, name, timeout, what=None):
    """``with hold(...)``: the lock within ``timeout`` s, released safely."""
    acquire(lock, name, timeout)
    HOLDERS.add(name, what, time.monotonic)
    try:
        yield
    finally:
        HOLDERS.drop(name)
        release(lock, name, what)
