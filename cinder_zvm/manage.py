"""Adopting existing pool LUNs (manage/unmanage), pure.

A reference names a pool entry by ``source-name`` ``<wwpn>[;<wwpn>]:<lun>``
(the driver's provider_id) or by ``source-id`` (the same string, as the
manageable list prints it).  What may be adopted:

- ``free`` entries, entries left by unmanage (``unmanaged-<id>``), and
  entries owned by this very volume (a repeated manage);
- never an entry ``used`` by a guest, owned by another cinder volume,
  quarantined for a wipe (adopting it would hand a deleted volume's data
  to a new owner), or ``reserved`` without owner: that is a cinder
  volume's LUN just detached by nova, whose owner terminate_connection
  writes back; adopting it would give one LUN to two volumes.
"""

import math

from oslo_utils import units

from cinder_zvm import location
from cinder_zvm import ownership


class NotManageable(ValueError):
    """The reference is unusable or names an entry that cannot be adopted."""


def reference_key(existing_ref):
    """``(wwpns, lun)`` from a manage reference dict."""
    if not isinstance(existing_ref, dict):
        raise NotManageable('the reference must be a dict with source-name')
    name = existing_ref.get('source-name') or existing_ref.get('source-id')
    if not name:
        raise NotManageable('give source-name "<wwpn>[;<wwpn>]:<lun>"')
    try:
        return location.parse_source_name(name)
    except location.InvalidLocation as exc:
        raise NotManageable(str(exc))


def find_entry(entries, wwpns, lun):
    for entry in entries:
        if entry.lun == lun and tuple(entry.wwpns) == tuple(wwpns):
            return entry
    return None


def size_gb(entry):
    """Whole GiB the volume gets: the LUN's size rounded up.

    Cinder sizes are whole GiB; the extra fraction of the LUN is never
    handed to anyone else.
    """
    if not entry.size_bytes:
        raise NotManageable('LUN %s:%s has no size in the pool file; add it '
                            'with a size first' % (entry.wwpn, entry.lun))
    return int(math.ceil(entry.size_bytes / units.Gi))


def why_not_manageable(entry, volume_id=None):
    """None when the entry may be adopted (by ``volume_id``), else why."""
    kind = ownership.classify(entry)
    if kind == ownership.ATTACHED:
        return 'in use by guest %s' % (entry.owner or '(unknown)')
    if kind == ownership.QUARANTINED:
        return 'holds data of a deleted volume waiting for a wipe (%s)' % entry.owner
    if kind == ownership.VOLUME:
        owner_id = ownership.volume_id_of(entry.owner)
        if owner_id != volume_id:
            return 'already owned by cinder volume %s' % owner_id
    if kind == ownership.SNAPSHOT:
        return 'holds cinder snapshot %s' % entry.owner[len(ownership.SNAPSHOT_PREFIX):]
    if kind == ownership.FOREIGN:
        return 'reserved by %s' % entry.owner
    if kind == ownership.UNOWNED and not entry.owner:
        return ('reserved without owner: the LUN of a volume detached by '
                'nova, not yet given back to it')
    if not entry.size_bytes:
        return 'has no size in the pool file'
    return None


def manageable_list(pools, cinder_volumes):
    """Entries for get_manageable_volumes (before cinder's paginate).

    ``pools`` maps pool name -> entries; ``cinder_volumes`` maps the id of
    each volume cinder has on this backend to its provider_id (or None).
    A LUN counts as managed when its owner names one of them or when one
    of them points at it (the owner column may be empty after a detach).
    """
    by_name = {name: vid for vid, name in cinder_volumes.items() if name}
    result = []
    for pool, entries in pools.items():
        for entry in entries:
            name = '%s:%s' % (entry.wwpn, entry.lun)
            owner_id = ownership.volume_id_of(entry.owner)
            known = (owner_id if owner_id in cinder_volumes
                     else by_name.get(name))
            reason = 'already managed' if known else why_not_manageable(entry)
            result.append({
                'reference': {'source-name': name},
                'size': (int(math.ceil(entry.size_bytes / units.Gi))
                         if entry.size_bytes else 0),
                'safe_to_manage': reason is None,
                'reason_not_safe': reason,
                'cinder_id': known,
                'extra_info': 'pool=%s status=%s owner=%s' % (
                    pool, entry.status, entry.owner or '-'),
            })
    return result
