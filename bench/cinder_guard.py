"""The pool guard's cost at many cinder volumes (figure 5 of bench cinder).

Every pool read of the driver checks its free entries against cinder's
live volumes and snapshots of the backend (cinder_zvm/pool_guard.py). The
list comes from cinder's database; here an SQLite database with N volume
rows of the backend, each on a LUN of one of its four pools, and the CPU of
one stats report (one read per pool) and of one create, with the list kept
for a minute (pool_guard.LIVE_MAX_AGE, the driver's default) and with a
fresh list at every read (max_age 0, the driver before that list was kept).
"""

import statistics
import time
import uuid

POOLS = ['gold', 'silver', 'bronze', 'copper']


def _rows(bench, group, count):
    from bench import cinder_driver
    from cinder import context
    from cinder.db import api as db
    from cinder_zvm import location
    ctxt = context.get_admin_context()
    vtype = db.volume_type_get_by_name(ctxt, '__DEFAULT__')['id']
    for n in range(count):
        pool = POOLS[n % len(POOLS)]
        loc = location.LunLocation('zvm1', pool, (cinder_driver.WWPN,),
                                   '%016x' % (0x4002000000000000 + n))
        db.volume_create(ctxt, {'id': str(uuid.uuid4()), 'size': 1,
                                'status': 'available', 'volume_type_id': vtype,
                                'host': 'bench@%s#%s' % (group, pool),
                                'provider_location': loc.encode()})


def run(bench, tmp, counts=(1000, 3000), repeat=5):
    """[(volumes, max_age, stats ms, create ms)]: CPU, median of ``repeat``."""
    from bench import cinder_driver
    from cinder_zvm import pool_guard
    topology = cinder_driver._topology([cinder_driver._system(
        'zvm1', {pool: cinder_driver._entries(200, 1000 * i)
                 for i, pool in enumerate(POOLS)})])
    sim = cinder_driver._sim(topology, tmp)
    rows = []
    try:
        have = 0
        for count in counts:
            _rows(bench, 'guard', count - have)
            have = count
            for max_age in (pool_guard.LIVE_MAX_AGE, 0):
                drv = bench.driver(sim, 'guard', 'zvm1', POOLS)
                drv.backend.live_objects.max_age = max_age
                drv.get_volume_stats(refresh=True)      # the first list
                stats, creates = [], []
                for _ in range(repeat):
                    t0 = time.process_time()
                    drv.get_volume_stats(refresh=True)
                    stats.append(time.process_time() - t0)
                    vol = bench.volume('guard', 'gold')
                    t0 = time.process_time()
                    drv.create_volume(vol)
                    creates.append(time.process_time() - t0)
                rows.append((count, max_age, statistics.median(stats) * 1000,
                             statistics.median(creates) * 1000))
    finally:
        sim.cleanUp()
    return rows
