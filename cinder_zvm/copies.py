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
"""Snapshots and clones as full copies into other pool LUNs.

A pool LUN cannot be snapshotted by xCAT, so a snapshot is a second LUN
of the source volume's pool (best fit for the volume size, reserved with
owner ``snapshot-<id>``) holding a byte copy made over host attach. It
survives any later write to its source, and is itself wiped before its LUN
is freed. Clones and volumes from snapshots take their LUN the way
create_volume does and are filled the same way.

Every function leaves the pool as it found it when it fails: a target
LUN that may hold copied data goes through quarantine and wipe
(quarantine.retire), never straight back to free.
"""

from cinder import exception
from cinder.i18n import _
from oslo_log import log as logging
from oslo_utils import excutils
from oslo_utils import units

from cinder_zvm import location
from cinder_zvm import ownership
from cinder_zvm import pool_access
from cinder_zvm import quarantine
from zvm_xcat import exception as xcat_exc
from zvm_xcat import zfcp

LOG = logging.getLogger(__name__)

SNAPSHOT_PREFIX = ownership.SNAPSHOT_PREFIX
snapshot_owner = ownership.snapshot_owner


def volume_location(backend, volume):
    loc = backend.location_of(volume)
    if loc is None:
        raise exception.VolumeDriverException(
            message=_('volume %s has no LUN (no provider_location)') % volume.id)
    return loc


def _snapshot_location(backend, snapshot):
    try:
        loc = location.decode(snapshot.provider_location)
    except location.InvalidLocation as exc:
        raise exception.VolumeDriverException(
            message=_('snapshot %(id)s: %(exc)s') % {'id': snapshot.id,
                                                     'exc': exc})
    if loc is None:
        raise exception.VolumeDriverException(
            message=_('snapshot %s has no LUN (no provider_location)') %
            snapshot.id)
    return loc


def reserve_lun(backend, pool, owner, size_gb):
    """Best-fit LUN of at least ``size_gb`` GiB in ``pool`` for ``owner``.

    Under the pool lock; an unclear answer is settled by reading the pool,
    as create_volume does.
    """
    size = '%dG' % size_gb
    with backend.lock(pool):
        try:
            got = zfcp.reserve(backend.client, backend.hypervisor, pool,
                               'reserved', owner, pool_access.RESERVE_DEVICE,
                               size=size)
            loc = location.LunLocation(backend.hypervisor, pool, got.wwpns,
                                       got.lun)
            backend.read_back(loc, 'reserved', owner, 'reserving a %s LUN '
                              'for %s in pool %s' % (size, owner, pool))
            backend.note_reserved(loc, owner)
            return loc
        except xcat_exc.XCATError as exc:
            # xCAT's own text to the log, its summary to the user.
            LOG.error('Reserving a %(size)s LUN for %(owner)s in pool '
                      '%(pool)s failed: %(exc)s',
                      {'size': size, 'owner': owner, 'pool': pool,
                       'exc': exc})
            if not pool_access.is_uncertain(exc):
                raise exception.VolumeBackendAPIException(
                    data=_('no %(size)s LUN for %(owner)s in pool %(pool)s '
                           'of %(hv)s: %(exc)s') % {
                               'size': size, 'owner': owner, 'pool': pool,
                               'hv': backend.hypervisor,
                               'exc': pool_access.user_text(exc)})
            owned = [e for e in backend.list_pool(pool) if e.owner == owner]
            if not owned:
                raise exception.VolumeBackendAPIException(
                    data=_('could not reserve a %(size)s LUN for %(owner)s '
                           'in pool %(pool)s: %(exc)s') % {
                               'size': size, 'owner': owner, 'pool': pool,
                               'exc': pool_access.user_text(exc)})
            loc = location.LunLocation(backend.hypervisor, pool,
                                       owned[0].wwpns, owned[0].lun)
            backend.note_reserved(loc, owner)
            return loc


def copy_size(src_bytes, dst_bytes, volume_bytes):
    """How much of a LUN to copy: all of it that the target can hold (pure).

    A guest sees, and may have written, the whole source LUN, which can be
    larger than the volume (best fit); a GPT keeps its backup header in the
    LUN's last blocks. So the whole source LUN is copied when the target is
    as large, else as much as the target holds (best fit makes that at
    least the volume size). A LUN of unknown size counts as the volume
    size.
    """
    return min(src_bytes or volume_bytes, dst_bytes or volume_bytes)


def _lun_sizes(backend, locs):
    """{(wwpns, lun): size_bytes} of LUNs, one pool read per pool."""
    sizes = {}
    for pool in sorted({loc.pool for loc in locs}):
        for entry in backend.list_pool(pool):
            sizes[(tuple(entry.wwpns), entry.lun)] = entry.size_bytes
    return {loc: sizes.get((loc.wwpns, loc.lun)) for loc in locs}


def fill_lun(backend, datapath, src_loc, dst_loc, size_gb, dst_owner, dst_id):
    """Copy, or send the target LUN through quarantine on failure."""
    try:
        sizes = _lun_sizes(backend, [src_loc, dst_loc])
        size = copy_size(sizes[src_loc], sizes[dst_loc], size_gb * units.Gi)
        if sizes[src_loc] and sizes[src_loc] > size:
            LOG.warning('LUN %(dst)s is smaller than LUN %(src)s: only its '
                        'first %(size)d MiB are copied',
                        {'dst': dst_loc.source_name,
                         'src': src_loc.source_name, 'size': size >> 20})
        datapath.copy(src_loc, dst_loc, size)
    except Exception:
        with excutils.save_and_reraise_exception():
            LOG.error('Copying LUN %(src)s to LUN %(dst)s failed; wiping the '
                      'target before it is freed',
                      {'src': src_loc.source_name,
                       'dst': dst_loc.source_name})
            quarantine.retire(backend, datapath, dst_loc, dst_owner, dst_id)


def create_snapshot(backend, datapath, snapshot):
    """Full copy of the volume's LUN into a new LUN; the model update.

    The snapshot LUN is at least as large as the source LUN (not only the
    volume size), so that it holds everything the guest could write and a
    revert restores the whole disk.
    """
    src_loc = volume_location(backend, snapshot.volume)
    src_bytes = _lun_sizes(backend, [src_loc])[src_loc] or 0
    size_gb = max(snapshot.volume_size, -(-src_bytes // units.Gi))
    owner = snapshot_owner(snapshot.id)
    snap_loc = reserve_lun(backend, src_loc.pool, owner, size_gb)
    fill_lun(backend, datapath, src_loc, snap_loc, snapshot.volume_size, owner,
             snapshot.id)
    LOG.info('Snapshot %(id)s of volume %(vol)s is LUN %(lun)s',
             {'id': snapshot.id, 'vol': snapshot.volume_id,
              'lun': snap_loc.source_name})
    return {'provider_location': snap_loc.encode()}


def delete_snapshot(backend, datapath, snapshot):
    """Quarantine, wipe and free the snapshot's LUN."""
    if not snapshot.provider_location:
        LOG.warning('Snapshot %s has no LUN; nothing to delete', snapshot.id)
        return
    loc = _snapshot_location(backend, snapshot)
    quarantine.retire(backend, datapath, loc, snapshot_owner(snapshot.id),
                      snapshot.id)


def _new_volume_from(backend, datapath, volume, src_loc, size_gb):
    model = backend.create_volume(volume)
    dst_loc = location.decode(model['provider_location'])
    stamp = ownership.stamp_id(volume)
    fill_lun(backend, datapath, src_loc, dst_loc, size_gb,
             ownership.volume_owner(stamp), stamp)
    return model


def create_cloned_volume(backend, datapath, volume, src_vref):
    """New volume (its own LUN) holding a copy of ``src_vref``."""
    return _new_volume_from(backend, datapath, volume,
                            volume_location(backend, src_vref),
                            src_vref.size)


def create_volume_from_snapshot(backend, datapath, volume, snapshot):
    """New volume holding a copy of the snapshot's LUN."""
    return _new_volume_from(backend, datapath, volume,
                            _snapshot_location(backend, snapshot),
                            snapshot.volume_size)


def revert_to_snapshot(backend, datapath, volume, snapshot):
    """Copy the snapshot's LUN back over the volume's LUN."""
    snap_loc = _snapshot_location(backend, snapshot)
    vol_loc = volume_location(backend, volume)
    sizes = _lun_sizes(backend, [snap_loc, vol_loc])
    datapath.copy(snap_loc, vol_loc,
                  copy_size(sizes[snap_loc], sizes[vol_loc],
                            snapshot.volume_size * units.Gi))
