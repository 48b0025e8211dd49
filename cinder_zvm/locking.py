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
"""

from cinder import coordination

from zvm_xcat import pool_lock as names

scope = names.scope
lock_name = names.lock_name


def pool_lock(scope_name, pool):
    """A context manager holding the pool's lock (blocking)."""
    return coordination.COORDINATOR.get_lock(lock_name(scope_name, pool))
