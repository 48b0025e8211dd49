"""Who owns a zFCP pool entry, pure (internals.rst "Pool ownership").

The pool file is the only record xCAT keeps, so ownership is written into
each entry's ``owner`` column and read back from it:

==============================  =========================================
status / owner                  meaning
==============================  =========================================
free / (empty)                  available to create_volume
reserved / volume-<id>          a cinder volume, not attached
used / <guest node>             attached to that guest
reserved / wipe-<id>            deleted volume whose data is not yet wiped
reserved / (empty)              detached by nova (``--removezfcp`` with
                                persist=1) and not yet re-stamped
reserved / unmanaged-<id>       unmanaged from cinder: data kept, may be
                                adopted again with manage
reserved / snapshot-<id>        a cinder snapshot (a full copy of its
                                volume's LUN)
==============================  =========================================
"""

VOLUME_PREFIX = 'volume-'
WIPE_PREFIX = 'wipe-'
UNMANAGED_PREFIX = 'unmanaged-'
SNAPSHOT_PREFIX = 'snapshot-'

FREE = 'free'
VOLUME = 'volume'            # reserved for a cinder volume
QUARANTINED = 'quarantined'  # reserved, waiting for a wipe
ATTACHED = 'attached'        # used by a guest
SNAPSHOT = 'snapshot'        # reserved for a cinder snapshot
UNOWNED = 'unowned'          # reserved, no owner (nova detach, unmanage)
FOREIGN = 'foreign'          # reserved by someone else (not cinder)


def stamp_id(volume):
    """The id a volume's owner stamps carry: cinder's ``name_id``.

    It equals ``volume.id`` except after cinder's generic migration, which
    keeps the user's id on the volume but points it (``_name_id``) at the
    migration's new volume, whose LUN is stamped with that volume's id
    (cinder/volume/manager.py ``update_migrated_volume``, cinder/objects/
    volume.py ``finish_volume_migration``). Like ``volume.name``, which
    cinder's own drivers use to name their backend objects.
    """
    if isinstance(volume, dict):
        return volume.get('_name_id') or volume['id']
    is_set = getattr(volume, 'obj_attr_is_set', None)
    if is_set is not None:
        # An object built in memory may lack the field: reading name_id
        # would try to lazy-load it (ObjectActionError), and an unset
        # _name_id means the id is the name.
        return (volume._name_id if is_set('_name_id') else None) or volume.id
    return getattr(volume, 'name_id', None) or volume.id


def volume_owner(volume_id):
    """The owner string of a cinder volume's LUN.

    Built from the id (a volume's :func:`stamp_id`), not from cinder's
    volume_name_template, so that the pool stays readable when an operator
    changes the template.
    """
    return VOLUME_PREFIX + volume_id


def wipe_owner(volume_id):
    return WIPE_PREFIX + volume_id


def unmanaged_owner(volume_id):
    return UNMANAGED_PREFIX + volume_id


def snapshot_owner(snapshot_id):
    return SNAPSHOT_PREFIX + snapshot_id


def volume_id_of(owner):
    """The cinder volume id in a ``volume-<id>`` owner, else None."""
    if owner and owner.startswith(VOLUME_PREFIX):
        return owner[len(VOLUME_PREFIX):] or None
    return None


def classify(entry):
    """One of the module constants for a pool entry."""
    status = (entry.status or '').lower()
    owner = entry.owner or ''
    if status == 'free':
        return FREE
    if status == 'used':
        return ATTACHED
    if owner.startswith(WIPE_PREFIX):
        return QUARANTINED
    if volume_id_of(owner):
        return VOLUME
    if owner.startswith(SNAPSHOT_PREFIX):
        return SNAPSHOT
    if not owner or owner.startswith(UNMANAGED_PREFIX):
        return UNOWNED
    return FOREIGN


# What delete_volume does with the pool entry of a volume.
GONE = 'gone'                      # no such entry: nothing to do
ALREADY_FREE = 'already-free'      # nothing to do
BUSY = 'busy'                      # attached to a guest: refuse
NOT_OURS = 'not-ours'              # another owner took it: leave it alone
ALREADY_QUARANTINED = 'already-quarantined'
RELEASE = 'release'                # back to free
QUARANTINE = 'quarantine'          # reserved / wipe-<id>


def delete_action(entry, volume_id, wipe):
    """What to do with ``entry`` (None if absent) when deleting a volume.

    ``wipe`` is True when cinder's volume_clear asks for the data to be
    cleared: until the wipe exists the LUN is quarantined instead of freed,
    so a deleted volume's data never reaches the next owner.
    """
    if entry is None:
        return GONE
    kind = classify(entry)
    if kind == FREE:
        return ALREADY_FREE
    if kind == ATTACHED:
        return BUSY
    if kind == QUARANTINED:
        return (ALREADY_QUARANTINED if entry.owner == wipe_owner(volume_id)
                else NOT_OURS)
    if kind == VOLUME and volume_id_of(entry.owner) != volume_id:
        return NOT_OURS
    if kind in (FOREIGN, SNAPSHOT) or (kind == UNOWNED and entry.owner):
        # A snapshot's LUN, unmanaged or reserved by someone else: not this
        # volume's LUN.
        return NOT_OURS
    return QUARANTINE if wipe else RELEASE
