"""Capacity report of zFCP pools, pure.

A pool is a list of fixed-size LUNs, not a block of space: 100 GiB free as
ten 10 GiB LUNs cannot hold a 20 GiB volume. Two figures say so to cinder's
scheduler:

- ``free_capacity_gb``, what CapacityFilter compares with the request and
  deducts each placed volume from until the next report: the whole GiB
  that the free LUNs can hold, summed (each rounded down, because xCAT
  compares in MiB and a volume is whole GiB). Not the largest free LUN:
  the scheduler would deduct the first volume placed from it and refuse
  the next one until the next report, though the pool had many LUNs left
  (a snapshot right after its volume's create, any burst of creates);
- ``max_free_lun_gb``, the largest free LUN, which the driver's default
  ``filter_function`` (DriverFilter) compares with the volume's size, so
  that a pool without one LUN big enough is not chosen. A request that
  gets through anyway (DriverFilter not enabled, or the LUN taken since the
  report) fails in the driver, naming the largest free LUN, and cinder
  reschedules it.

Reported beside them: the sum of all free LUNs (``free_lun_capacity_gb``),
the counts, the capacity
held by snapshots (``snapshot_*``: each a full copy in a LUN of its own)
and by deleted volumes waiting for a wipe (``quarantined_*``), and the rows
whose LUN number is on several rows (``lun_clash_*``), which xCAT cannot
update and which are therefore not counted as free.
"""

from oslo_utils import units

from cinder_zvm import bestfit
from cinder_zvm import ownership
from zvm_xcat import zfcp


def _gib(size_bytes):
    return round(size_bytes / units.Gi, 2)


def whole_gib(size_bytes):
    """The largest whole-GiB volume that fits in ``size_bytes``."""
    return int(size_bytes // units.Gi)


def pool_stats(pool_name, entries, reserved_percentage=0):
    """The cinder pool dict of one xCAT pool from its entries."""
    total = free = quarantined = provisioned = snapshots = 0
    counts = {ownership.FREE: 0, ownership.QUARANTINED: 0,
              ownership.ATTACHED: 0, ownership.VOLUME: 0,
              ownership.SNAPSHOT: 0, ownership.UNOWNED: 0,
              ownership.FOREIGN: 0}
    unsized_free = 0
    for entry in entries:
        kind = ownership.classify(entry)
        counts[kind] += 1
        size = entry.size_bytes or 0
        total += size
        if kind == ownership.FREE:
            if size:
                free += size
            else:
                unsized_free += 1   # xCAT's best fit never picks these
        elif kind == ownership.QUARANTINED:
            quarantined += size
        else:
            provisioned += size
            if kind == ownership.SNAPSHOT:
                snapshots += size
    # Rows whose LUN number is on another row too cannot be reserved
    # (zfcp.lun_clashes): not capacity the scheduler may count on.
    clashes = zfcp.lun_clashes(entries)
    # What xCAT's best fit may hand out (bestfit.is_candidate).
    takeable = [e for e in entries
                if e.lun not in clashes and bestfit.is_candidate(e)]
    largest = bestfit.largest_free(takeable)
    max_free = whole_gib(largest.size_bytes) if largest else 0
    return {
        'pool_name': pool_name,
        'total_capacity_gb': _gib(total),
        # The scheduler contract (module docstring).
        'free_capacity_gb': sum(whole_gib(e.size_bytes) for e in takeable),
        'max_free_lun_gb': max_free,
        'free_lun_capacity_gb': _gib(free),
        'free_lun_count': counts[ownership.FREE] - unsized_free,
        'unsized_free_lun_count': unsized_free,
        'provisioned_capacity_gb': _gib(provisioned),
        'snapshot_capacity_gb': _gib(snapshots),
        'snapshot_lun_count': counts[ownership.SNAPSHOT],
        'quarantined_capacity_gb': _gib(quarantined),
        'quarantined_lun_count': counts[ownership.QUARANTINED],
        'attached_lun_count': counts[ownership.ATTACHED],
        'volume_lun_count': counts[ownership.VOLUME] + counts[ownership.UNOWNED],
        'foreign_lun_count': counts[ownership.FOREIGN],
        'lun_clash_count': len(clashes),
        'lun_clash_rows': sorted(e.line for rows in clashes.values()
                                 for e in rows),
        'reserved_percentage': reserved_percentage,
        'thin_provisioning_support': False,
        'thick_provisioning_support': True,
        'QoS_support': False,
        'multiattach': False,
        'backend_state': 'up',
    }


def unreachable_pool_stats(pool_name, reason, reserved_percentage=0):
    """A pool whose listing failed: nothing can be placed on it."""
    return {
        'pool_name': pool_name,
        'total_capacity_gb': 0,
        'free_capacity_gb': 0,
        'max_free_lun_gb': 0,
        'reserved_percentage': reserved_percentage,
        'thin_provisioning_support': False,
        'thick_provisioning_support': True,
        'QoS_support': False,
        'multiattach': False,
        'backend_state': 'down',
        'backend_state_reason': reason,
    }
