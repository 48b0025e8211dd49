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
"""The pool-file lock shared with cinder, held around nova's pool writes.

cinder_zvm holds a tooz lock per pool file for each of its pool edits
(cinder_zvm/locking.py); xCAT itself does not lock (zvm_xcat/pool_lock.py
says why that loses updates).  nova_volumeops writes the same files --
attach's ``--reservezfcp ... used``, detach's ``--removezfcp`` -- so it
takes the same lock: same tooz backend (``[coordination] backend_url``,
set to cinder's value), same name (zvm_xcat.pool_lock.tooz_name).

nova does not ship cinder's coordination module, so this talks to tooz
directly, the way cinder.coordination.Coordinator does (a member id,
``start(start_heart=True)`` so that etcd/redis leases stay alive while a
lock is held).  Without a backend URL the lock is only process-local,
which is what nova_volumeops did before; a warning says so at start.

The wait for a lock is bounded (``[zvm_volumeops] pool_lock_timeout``) and
a release that fails is retried instead of being left held
(zvm_xcat.lock_hold).
"""

import logging
import threading
import uuid

from zvm_xcat import lock_hold
from zvm_xcat import pool_lock as names

LOG = logging.getLogger(__name__)


class _LocalLock:
    """A process-local lock that takes tooz's ``acquire(blocking=<s>)``."""

    def __init__(self):
        self._lock = threading.Lock()

    def acquire(self, blocking=True):
        if isinstance(blocking, bool):
            return self._lock.acquire(blocking)
        return self._lock.acquire(timeout=blocking)

    def release(self):
        self._lock.release()
        return True


class PoolLocks:
    """``locks(pool)`` -> a context manager holding that pool file's lock.

    It raises lock_hold.LockWaitTimeout when the lock stays taken for
    ``timeout`` seconds.
    """

    def __init__(self, backend_url, server, hypervisor, member=None,
                 timeout=300):
        self.backend_url = backend_url
        self.server = server
        self.hypervisor = hypervisor
        self.timeout = timeout
        self.member = member or 'nova-volumeops-%s' % uuid.uuid4().hex
        self._coordinator = None
        self._local = {}
        self._guard = threading.Lock()

    def start(self):
        if not self.backend_url:
            LOG.warning('[coordination] backend_url is not set: pool writes '
                        'of this nova-compute are not serialised with '
                        'cinder-volume, and xCAT can lose one of two '
                        'overlapping pool file edits. Set it to the value '
                        'cinder-volume uses.')
            return
        from tooz import coordination
        self._coordinator = coordination.get_coordinator(
            self.backend_url, self.member.encode('ascii'))
        self._coordinator.start(start_heart=True)

    def stop(self):
        if self._coordinator is not None:
            self._coordinator.stop()
            self._coordinator = None

    def name(self, pool):
        return names.tooz_name(self.server, self.hypervisor, pool)

    def lock(self, pool):
        """The bare lock of the pool (tooz's, or this process's own)."""
        name = self.name(pool)
        if self._coordinator is not None:
            return self._coordinator.get_lock(name)
        with self._guard:
            return self._local.setdefault(name, _LocalLock())

    def __call__(self, pool):
        return lock_hold.hold(self.lock(pool), self.name(pool), self.timeout,
                              'nova-compute (%s)' % self.member)
