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
"""Pool entries freed behind cinder's back, noticed at every pool read.

xCAT's ``rmvm`` (zvm.pm removeVM, xCAT-server/lib/xcat/plugins/zvm.pm:
866-891) frees every line of every pool of the zHCP that ``egrep -i
<node>`` matches: the LUNs attached to the deleted guest, and any line
whose text merely contains the node name (a guest ``bac6`` matches every
LUN of a target WWPN ending in bac6), with no wipe. A ``free`` entry that
a live cinder volume or snapshot still names in its provider_location
holds that object's data, and xCAT's best fit hands it to the next
create. So every pool read of the backend (common.ZVMFCPBackend
``list_pool`` and ``pool_stats``) looks for such entries; each is reserved
again for its object (``volume-<id>`` / ``snapshot-<id>``: the object
still exists, so it is not wiped) under the pool lock, with an ERROR.

The live objects are cinder's database rows of this backend (its host,
or its cluster when active/active) that have a provider_location; those
being deleted (status ``deleting``) are not live: their own delete may
just have freed the entry after its wipe. An entry this process released
itself (after a wipe, or with volume_clear = none) is left alone for
RELEASE_GRACE seconds: the object's row is destroyed only after the
driver returns, and cinder's internal deletes (the backup snapshot of a
revert) do not set ``deleting`` first.

Listing the live objects is one query of every volume and snapshot row of
the backend: about 1 s of CPU at 3,000 volumes (SQLite; ``python -m bench
cinder``, figure 5), and the pools are read at every stats report (once
per pool) and operation. So
pool reads look for candidates in a list at most LIVE_MAX_AGE old, plus
the LUNs this process reserved since (LiveObjects); only a candidate
makes them ask the database again, and only that fresh answer is acted
on, so an old list can delay noticing a freed LUN, never take one back
wrongly.
"""

import contextlib
import threading
import time

from cinder import context
from cinder import objects
from oslo_log import log as logging

from cinder_zvm import location
from cinder_zvm import ownership
from zvm_xcat import exception as xcat_exc
from zvm_xcat import zfcp

LOG = logging.getLogger(__name__)

NOT_LIVE = ('deleting', 'deleted')
RELEASE_GRACE = 600
# The default stats interval of cinder-volume (periodic_interval 60 s): a
# backend's every pool read between two reports shares one list.
LIVE_MAX_AGE = 60


class Released(object):
    """LUNs this process freed lately: (wwpn, lun) -> monotonic time."""

    def __init__(self, grace=RELEASE_GRACE):
        self.grace = grace
        self._when = {}
        self._lock = threading.Lock()

    def note(self, wwpns, lun):
        now = time.monotonic()
        with self._lock:
            self._when = {k: t for k, t in self._when.items()
                          if now - t < self.grace}
            for wwpn in wwpns:
                self._when[(wwpn, lun)] = now

    def recent(self, wwpns, lun):
        now = time.monotonic()
        with self._lock:
            return any(now - self._when.get((w, lun), -self.grace - 1) <
                       self.grace for w in wwpns)


class LiveObjects(object):
    """The backend's live objects, as pool reads look them up.

    ``query()`` lists them ([(owner, LunLocation)]: live_objects).
    ``cached()`` is its answer of at most ``max_age`` seconds ago plus
    what ``note()`` recorded since; ``fresh()`` queries again.
    """

    def __init__(self, query, max_age=LIVE_MAX_AGE, clock=time.monotonic):
        self.query = query
        self.max_age = max_age
        self.clock = clock
        self._list = None
        self._listed_at = None
        self._noted = {}    # owner -> (LunLocation, when)
        self._lock = threading.Lock()

    def note(self, owner, loc):
        """``owner`` has just reserved ``loc``: live from now on.

        Not yet in the database: cinder writes provider_location after the
        driver returns.
        """
        with self._lock:
            self._noted[owner] = (loc, self.clock())

    def fresh(self):
        now = self.clock()
        found = self.query()
        with self._lock:
            self._list, self._listed_at = found, now
        return found

    def cached(self):
        now = self.clock()
        with self._lock:
            current = (self._list is not None and
                       now - self._listed_at < self.max_age)
            # Kept for two ages: a list taken just before cinder wrote the
            # object's row lacks it for up to one age.
            self._noted = {owner: (loc, when) for owner, (loc, when)
                           in self._noted.items()
                           if now - when < 2 * self.max_age}
            noted = [(owner, loc) for owner, (loc, _w) in self._noted.items()]
            if current:
                return self._list + noted
        return self.fresh() + noted


def freed_entries(entries, live, hypervisor, pool):
    """[(entry, owner)]: ``free`` entries a live object points at (pure).

    ``live`` is [(owner, LunLocation)]; only those of ``hypervisor`` and
    ``pool`` count. An entry matches when its LUN and any of its WWPNs are
    the object's.
    """
    owners = {}
    for owner, loc in live:
        if loc.hypervisor == hypervisor and loc.pool == pool:
            for wwpn in loc.wwpns:
                owners[(wwpn, loc.lun)] = owner
    found = []
    for entry in entries:
        if (entry.status or '').lower() != 'free':
            continue
        owner = next((owners[(w, entry.lun)] for w in entry.wwpns
                      if (w, entry.lun) in owners), None)
        if owner:
            found.append((entry, owner))
    return found


def live_objects(host, cluster_name=None):
    """[(owner, LunLocation)] of the backend's live volumes and snapshots."""
    ctxt = context.get_admin_context()
    filters = ({'cluster_name': cluster_name} if cluster_name else
               {'host': host})
    found = []
    for kind, objs, owner_of in (
            ('volume', objects.VolumeList.get_all(ctxt, filters=dict(filters)),
             lambda vol: ownership.volume_owner(ownership.stamp_id(vol))),
            ('snapshot', objects.SnapshotList.get_all(
                ctxt, filters=dict(filters)),
             lambda snap: ownership.snapshot_owner(snap.id))):
        for obj in objs:
            if obj.status in NOT_LIVE or not obj.provider_location:
                continue
            try:
                loc = location.decode(obj.provider_location)
            except location.InvalidLocation:
                LOG.warning('%(kind)s %(id)s has a provider_location this '
                            'driver cannot read; not checked against the '
                            'pools', {'kind': kind, 'id': obj.id})
                continue
            if loc is not None:
                found.append((owner_of(obj), loc))
    return found


def take_back(backend, pool, entries, reserve):
    """``entries`` of ``pool`` after taking back what was freed under us.

    ``backend`` is the common.ZVMFCPBackend that read them (its
    ``live_objects``, a LiveObjects or None, ``lock``, ``held_pools``);
    ``reserve(loc, owner)`` reserves one entry. No extra call when nothing
    was freed (by the cached list, then by a fresh one); otherwise,
    under the pool lock (taken unless this thread holds it), a re-read, one
    ``--reservezfcp`` per entry and a read of the result, which is
    returned. Raises XCATError when a read fails.
    """
    if backend.live_objects is None:
        return entries
    hv = backend.hypervisor
    live = []

    def freed(entries):
        return [(e, o) for e, o in freed_entries(entries, live, hv, pool)
                if not backend.released.recent(e.wwpns, e.lun)]
    try:
        live = backend.live_objects.cached()
        if not freed(entries):
            return entries
        live = backend.live_objects.fresh()
    except Exception:
        LOG.exception('Could not list cinder\'s volumes and snapshots to '
                      'check pool %s for LUNs freed outside cinder', pool)
        return entries
    if not freed(entries):
        return entries
    held = pool in backend.held_pools()
    with contextlib.nullcontext() if held else backend.lock(pool):
        current = zfcp.list_pool(backend.client, hv, pool)
        for entry, owner in freed(current):
            report(entry, owner, pool, hv)
            try:
                reserve(location.LunLocation(hv, pool, entry.wwpns,
                                             entry.lun), owner)
            except xcat_exc.XCATError as exc:
                LOG.error('Could not reserve LUN %(lun)s of pool %(pool)s '
                          'again for %(owner)s: %(exc)s', {
                              'lun': entry.lun, 'pool': pool,
                              'owner': owner, 'exc': exc})
        return zfcp.list_pool(backend.client, hv, pool)


def report(entry, owner, pool, hypervisor):
    LOG.error('LUN %(wwpn)s:%(lun)s of pool %(pool)s on %(hv)s is FREE in '
              'the pool file but %(owner)s still uses it (its data is on '
              'it): someone freed it outside cinder, most likely xCAT rmvm '
              'of a guest that had it attached or whose name occurs in the '
              'entry. Reserving it again for %(owner)s. Never delete a '
              'guest with volumes through xCAT (see the admin guide, '
              '"Security").', {'wwpn': entry.wwpn, 'lun': entry.lun,
                               'pool': pool, 'hv': hypervisor,
                               'owner': owner})
