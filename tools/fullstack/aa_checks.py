"""What the aa scenario concludes about volumes left stuck (pure).

A volume can stay in ``deleting`` or ``creating`` for a reason that is
cinder's, not the driver's: a request cast over RabbitMQ while the broker
restarts is dropped when the target's queue does not exist (cinder's
queues are not durable by default, and a restarted broker has none until
each consumer declares its own again).  cinder's own cleanup cannot see
such a volume.  It works from the ``workers`` table: cinder-api writes a
row without a service for each create and delete (cinder 29
objects/cleanable.py create_worker), the service that starts the work
claims it (``set_workers``: the scheduler for a create, then the
cinder-volume), and a service cleans, at its start, only the rows it
claimed.  A row that no cinder-volume claimed is cleaned by nobody.  An
operator resets the state and deletes again.

The scenario therefore accepts a stuck volume when (1) no cinder-volume
claimed its request (no worker row, one without a service, or one of the
scheduler's), (2) the pool still says what cinder's database says (its
LUN held by it, or no LUN when it has none), and (3) the operator's reset
and delete then free that LUN.  Anything else fails.
"""

LOST_REQUEST = 'request never reached a cinder-volume'


def lun_of(provider_id):
    return provider_id.rsplit(':', 1)[1] if provider_id else None


def pool_view(vid, provider_id, rows):
    """(consistent, what the pool says) about one stuck volume."""
    mine = ('volume-' + vid, 'wipe-' + vid)
    held = [r for r in rows if r['owner'] in mine and r['status'] != 'free']
    lun = lun_of(provider_id)
    if lun is None:
        if held:
            return False, 'LUN %s owned by it, unknown to cinder' % (
                held[0]['lun'])
        return True, 'no LUN'
    same = [r for r in rows if r['lun'] == lun]
    if len(same) != 1:
        return False, 'LUN %s on %d pool rows' % (lun, len(same))
    row = same[0]
    if row['status'] == 'free':
        return True, 'LUN %s already free' % lun
    if row['owner'] in mine:
        return True, 'LUN %s %s, owner %s' % (lun, row['status'], row['owner'])
    return False, 'LUN %s owned by %s' % (lun, row['owner'] or '-')


def judge_stuck(stuck, workers, volume_services, rows_before, rows_after,
                gone):
    """{vid: verdict} for the volumes found stuck.

    stuck: {vid: (status, provider_id)}; workers: {vid: service id or
    None} of cinder's workers rows; volume_services: the ids of the
    cinder-volume services; rows_before/after: the pool around the
    operator's reset and delete; gone: vids deleted by it.  A verdict is a
    dict with ``ok`` and the reasons.
    """
    verdicts = {}
    for vid, (status, provider_id) in sorted(stuck.items()):
        consistent, said = pool_view(vid, provider_id, rows_before)
        lun = lun_of(provider_id)
        after = [r for r in rows_after if r['lun'] == lun] if lun else []
        freed = vid in gone and not [
            r for r in rows_after
            if r['owner'] in ('volume-' + vid, 'wipe-' + vid)]
        lost = workers.get(vid) not in volume_services
        verdicts[vid] = {
            'status': status, 'pool': said,
            'cause': '%s (worker row of service %s)' % (
                LOST_REQUEST if lost else 'taken by a cinder-volume',
                workers.get(vid, '-')),
            'reconciled': freed,
            'lun_after': [(r['status'], r['owner']) for r in after],
            'ok': lost and consistent and freed,
        }
    return verdicts
