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
"""The name of the lock every writer of one zFCP pool file holds (pure).

xCAT edits a pool file on the zHCP with ``cat`` and ``sed --in-place``
over ssh and no locking (zvmUtils.pm findAndUpdatezFcpPool): two writers
that overlap can pick the same free LUN, or one's rewrite of the file can
drop the other's line.  cinder_zvm (create, delete, connection
bookkeeping) and nova_volumeops (attach's ``--reservezfcp ... used``,
detach's ``--removezfcp``) therefore hold one tooz lock per pool file.
Both sides build its name here, so the names cannot drift apart:

- the scope is the xCAT server (its normalised URL) and the hypervisor,
  the pool is the file; names are ASCII and file-name safe (tooz's file
  driver makes a file of them);
- cinder asks cinder.coordination.COORDINATOR, which prefixes every name
  with ``cinder-``; nova, which has no such coordinator, asks tooz for
  :func:`tooz_name`, the same bytes.
"""

import re

# cinder.coordination.COORDINATOR = Coordinator(prefix='cinder-') (cinder
# 29 cinder/coordination.py); a cinder unit test pins the equality.
CINDER_PREFIX = 'cinder-'

_UNSAFE = re.compile(r'[^A-Za-z0-9_.-]+')


def scope(server, hypervisor):
    """The part of the lock name shared by all pools of one backend."""
    return 'zvm-fcp-%s-%s' % (_UNSAFE.sub('_', str(server).lower()).strip('_'),
                              _UNSAFE.sub('_', hypervisor.lower()))


def lock_name(scope_name, pool):
    """The lock name below cinder's prefix (what cinder's get_lock takes)."""
    return '%s-%s' % (scope_name, _UNSAFE.sub('_', pool.lower()))


def tooz_name(server, hypervisor, pool):
    """The lock name as tooz sees it, for a caller without cinder."""
    return (CINDER_PREFIX + lock_name(scope(server, hypervisor), pool)).encode(
        'ascii')
