"""Serialising pool edits across cinder-volume processes.

xCAT edits a pool file on the zHCP with ``cat``/``sed`` over ssh and no
locking (zvmUtils.pm findAndUpdatezFcpPool): two ``--reservezfcp`` calls
that overlap can both pick the same free LUN.  Every pool mutation of this
driver therefore holds a cinder coordination (tooz) lock whose name is
built from the xCAT server, the hypervisor and the pool -- the scope of one
pool file.  With a distributed tooz backend (``[coordination]
backend_url``, e.g. redis or etcd, or ``file://`` for processes on one
host) this holds across every cinder-volume service of a cluster, which is
what makes the driver active/active safe.  Nothing else writes the pool
files through this driver; nova's attach and detach change an entry that a
volume already owns, never a free one.
"""

import re

from cinder import coordination

_UNSAFE = re.compile(r'[^A-Za-z0-9_.-]+')


def scope(server, hypervisor):
    """The part of the lock name shared by all pools of one backend."""
    # Lock names must be ASCII and file-name safe for the file backend.
    return 'zvm-fcp-%s-%s' % (_UNSAFE.sub('_', str(server).lower()).strip('_'),
                              _UNSAFE.sub('_', hypervisor.lower()))


def lock_name(scope_name, pool):
    return '%s-%s' % (scope_name, _UNSAFE.sub('_', pool.lower()))


def pool_lock(scope_name, pool):
    """A context manager holding the pool's lock (blocking)."""
    return coordination.COORDINATOR.get_lock(lock_name(scope_name, pool))
