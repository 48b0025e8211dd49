"""Serialising pool edits across cinder-volume processes.

xCAT edits a pool file on the zHCP with ``cat``/``sed`` over ssh and no
locking (zvmUtils.pm findAndUpdatezFcpPool): two ``--reservezfcp`` calls
that overlap can both pick the same free LUN.  Every pool mutation of this
driver therefore holds a cinder coordination (tooz) lock whose name is
built from the xCAT server, the hypervisor and the pool -- the scope of one
pool file.  With a distributed tooz backend (``[coordination]
backend_url``, e.g. redis or etcd, or ``file://`` for processes on one
host) this holds across every cinder-volume service of a cluster, which is
what makes the driver active/active safe.  nova_volumeops takes
the same lock, by the same name (zvm_xcat.pool_lock), for its own pool
writes (attach's ``--reservezfcp ... used``, detach's ``--removezfcp``).

The wait for the lock is bounded (``zvm_pool_lock_timeout``) and a release
that fails is retried rather than left held (zvm_xcat.lock_hold says why).
"""

from cinder import coordination

from zvm_xcat import lock_hold
from zvm_xcat import pool_lock as names

scope = names.scope
lock_name = names.lock_name
LockWaitTimeout = lock_hold.LockWaitTimeout


def pool_lock(scope_name, pool, timeout, what=None):
    """A context manager holding the pool's lock, waiting ``timeout`` s.

    Raises LockWaitTimeout when the lock stays taken that long.
    """
    name = lock_name(scope_name, pool)
    return lock_hold.hold(coordination.COORDINATOR.get_lock(name), name,
                          timeout, what)
