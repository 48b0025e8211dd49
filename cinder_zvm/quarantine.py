# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.
"""Wipe on delete: a LUN is free again only after its data is wiped.

State machine of a pool entry that held data (a volume or a full-copy
snapshot), internals.rst "Pool ownership conventions"::

    reserved/volume-<id>  --delete-->  reserved/wipe-<id>   (quarantined)
    reserved/snapshot-<id>             |  attach to the Cinder node,
                                       |  volume_utils.clear_volume, detach
                                       v
                      success: --releasezfcp-->  free
                      failure: stays reserved/wipe-<id>, an ERROR log line
                               names the LUN; ``cinder-zvm-quarantine clean``
                               (or the next delete of the same id) retries

The step into quarantine happens under the pool lock before any data is
touched, so a crash at any point leaves either the owner's entry or a
quarantined one, never a free LUN with data. With ``volume_clear = none``
the operator chose no wipe: the entry is released directly.

The wipe itself runs without the pool lock (it takes minutes); a per-LUN
coordination lock keeps two wipers (a delete and the CLI, or two services)
off the same LUN, and the entry is re-read under the pool lock before it
is released, so a LUN that changed hands meanwhile is never freed.
"""

import collections

from cinder import coordination
from oslo_log import log as logging

from cinder_zvm import location
from cinder_zvm import locking
from cinder_zvm import ownership
from cinder_zvm import pool_access
from zvm_xcat import exception as xcat_exc
from zvm_xcat import lock_hold
from zvm_xcat import zfcp

LOG = logging.getLogger(__name__)

QuarantinedLun = collections.namedtuple('QuarantinedLun',
                                        ['location', 'entry', 'object_id'])

CLEAN_HINT = ('cinder-zvm-quarantine clean --config-file <cinder.conf> '
              '--backend <backend section>')


def wipe_enabled(configuration):
    clear = (configuration.safe_get('volume_clear') or 'zero').lower()
    return clear != 'none'


def clear_policy_warnings(configuration):
    """Why deleted volumes' LUNs may reach the next owner with data (pure).

    Returns one message per setting that lets a LUN go back to ``free``
    with a former tenant's bytes on it; empty when every LUN is wiped in
    full before it is freed.
    """
    found = []
    if not wipe_enabled(configuration):
        found.append(
            'volume_clear = none: LUNs of deleted volumes and snapshots are '
            'returned to the pool free WITH THEIR DATA; the next volume '
            'that gets one (any project) can read it. Use volume_clear = '
            'zero unless every user of this backend is one tenant.')
    partial = configuration.safe_get('volume_clear_size') or 0
    if wipe_enabled(configuration) and partial:
        found.append(
            'volume_clear_size = %d: only the first %d MiB of each LUN are '
            'wiped; the rest of a deleted volume\'s LUN is returned to the '
            'pool free WITH ITS DATA. Use volume_clear_size = 0 (the whole '
            'LUN).' % (partial, partial))
    return found


def _object_id(owner):
    if owner and owner.startswith(ownership.WIPE_PREFIX):
        return owner[len(ownership.WIPE_PREFIX):] or None
    return None


def _quarantined_by(entry, object_id):
    return (entry is not None and entry.status == 'reserved' and
            entry.owner == ownership.wipe_owner(object_id))


# ---- delete paths -----------------------------------------------------------

def delete_volume(backend, datapath, volume):
    """Delete a volume: quarantine (control path), then wipe and free.

    A failed wipe does not fail the delete: the volume is gone for its
    user, the LUN stays quarantined and is logged for the operator. Only a
    failure to quarantine (the LUN still carries the volume) is raised, so
    cinder keeps the volume in error_deleting and a retry is possible.
    """
    wipe = wipe_enabled(backend.configuration)
    quarantined = backend.delete_volume(volume, wipe=wipe)
    if wipe:
        # The entries the delete read: their size is what is wiped.
        for loc, entry in quarantined:
            wipe_and_release(backend, datapath, loc, entry.size_bytes,
                             ownership.stamp_id(volume))


def retire(backend, datapath, loc, current_owner, object_id):
    """Take a LUN from ``current_owner`` through quarantine and wipe.

    Used for snapshots and for rolling back a half-made copy. Returns True
    when the LUN is free again.
    """
    wipe = wipe_enabled(backend.configuration)
    target = ownership.wipe_owner(object_id)
    with backend.lock(loc.pool):
        entry = backend.entry_of(loc)
        if entry is None or entry.status == 'free':
            LOG.warning('LUN %(lun)s of %(id)s is already free or gone',
                        {'lun': loc.source_name, 'id': object_id})
            return True
        if entry.owner not in (current_owner, target):
            LOG.warning('LUN %(lun)s is owned by %(owner)s, not %(id)s: '
                        'left alone', {'lun': loc.source_name,
                                       'owner': entry.owner or '(nobody)',
                                       'id': current_owner})
            return False
        if not wipe:
            _release(backend, loc)
            LOG.info('LUN %s released without wipe (volume_clear = none)',
                     loc.source_name)
            return True
        if entry.owner != target:
            backend.reserve_entry(loc, target, 'could not quarantine LUN %s'
                                  % loc.source_name)
    return wipe_and_release(backend, datapath, loc, entry.size_bytes,
                            object_id)


def wipe_and_release(backend, datapath, loc, size_bytes, object_id):
    """Wipe a quarantined LUN and free it; False if it stays quarantined."""
    args = {'lun': loc.source_name, 'pool': loc.pool, 'id': object_id,
            'hint': CLEAN_HINT}
    name = locking.lock_name(backend.lock_scope,
                             'wipe-%s-%s' % (loc.wwpns[0], loc.lun))
    lock = coordination.COORDINATOR.get_lock(name)
    if not lock.acquire(blocking=False):
        LOG.info('LUN %(lun)s (wipe-%(id)s) is being wiped by another '
                 'process', args)
        return False
    try:
        try:
            datapath.wipe(loc, size_bytes)
        except Exception as exc:
            args['exc'] = exc
            LOG.error('LUN %(lun)s in pool %(pool)s stays QUARANTINED '
                      '(reserved, owner wipe-%(id)s): wipe failed: %(exc)s. '
                      'It is never handed out until wiped; retry with '
                      '"%(hint)s"', args)
            return False
        with backend.lock(loc.pool):
            after = backend.entry_of(loc)
            if not _quarantined_by(after, object_id):
                LOG.warning('LUN %(lun)s changed while it was wiped (now '
                            '%(now)s); not released', dict(
                                args, now=after.line if after else 'gone'))
                return False
            _release(backend, loc)
    finally:
        # A failed release is retried, not left held (lock_hold).
        lock_hold.release(lock, name, 'the wipe of wipe-%s' % object_id)
    LOG.info('LUN %(lun)s wiped and returned to pool %(pool)s (was '
             'wipe-%(id)s)', args)
    return True


def _release(backend, loc):
    backend.released.note(loc.wwpns, loc.lun)
    try:
        zfcp.release(backend.client, backend.hypervisor, loc.pool,
                     loc.wwpns, loc.lun)
    except xcat_exc.XCATError as exc:
        if not pool_access.is_uncertain(exc):
            raise
        after = backend.entry_of(loc)
        if after is None or after.status != 'free':
            raise
        return
    backend.read_back(loc, 'free', '', 'releasing LUN %s' % loc.source_name)


# ---- listing and cleaning ---------------------------------------------------

def list_quarantined(backend):
    """Every quarantined LUN in the backend's pools (one read per pool)."""
    found = []
    for pool in backend.pools:
        for entry in backend.list_pool(pool):
            if ownership.classify(entry) != ownership.QUARANTINED:
                continue
            loc = location.LunLocation(backend.hypervisor, pool,
                                       entry.wwpns, entry.lun)
            found.append(QuarantinedLun(loc, entry, _object_id(entry.owner)))
    return found


def clean(backend, datapath, object_ids=None):
    """Retry the wipe of quarantined LUNs (all, or of ``object_ids``).

    Returns a list of (QuarantinedLun, freed bool).
    """
    results = []
    for item in list_quarantined(backend):
        if object_ids and item.object_id not in object_ids:
            continue
        if not item.object_id:
            LOG.warning('Quarantined LUN %s has no id in its owner; '
                        'skipped', item.location.source_name)
            results.append((item, False))
            continue
        results.append((item, wipe_and_release(
            backend, datapath, item.location, item.entry.size_bytes,
            item.object_id)))
    return results
