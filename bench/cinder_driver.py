"""Benchmarks of the cinder driver against the simulator (``python -m bench cinder``).

Three figures, each against a simulator in its own process (so that
``time.process_time`` counts the driver only):

1. xCAT calls per driver operation, from the simulator's call log;
2. driver CPU time per create_volume at pool sizes 1k/10k/100k, with the
   cost of the client-side best-fit alternative (read and parse the whole
   pool, pick, reserve by WWPN/LUN) and of one stats read for comparison;
3. wall time of 100 concurrent creates with 200 ms injected xCAT latency
   (one pool: serialised by the pool lock; four pools on two z/VM systems);
4. the same 100 creates over one and over two cinder-volume services of
   one cluster, tooz on etcd (bench/cinder_aa.py);
5. the pool guard's CPU at 1k/3k cinder volumes, its list of live volumes
   kept for a minute or taken at every pool read (bench/cinder_guard.py).

cinder is imported only inside main(): bench discovery imports every
module and cinder and nova cannot share a process.
"""

import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid

from zvm_sim.fixture import SimulatorFixture

WWPN = '500507680b21bac6'
CONNECTOR = {'platform': 's390x', 'os_type': 'linux2', 'multipath': False,
             'host': 'compute1', 'zvm_fcp': ['1f00'],
             'wwpns': ['c05076ffe5005612'], 'zvm_hypervisor': 'zvm1',
             'zvm_userid': 'VM1', 'zvm_node': 'vm1'}


def _system(hv, pools):
    return {'hypervisor': hv, 'zhcp': 'zhcp-' + hv,
            'fcp_devices': [{'devno': '1f00', 'chpid': '27',
                             'physical_wwpn': 'c05076ffe5005611',
                             'npiv_wwpn': 'c05076ffe5005612'}],
            'pools': pools, 'guests': []}


def _entries(count, first=0, size_of=lambda n: '%dG' % (1 + n % 50)):
    return [{'status': 'free', 'wwpn': WWPN, 'lun': '%016x' % (0x4001000000000000 + n),
             'size': size_of(n), 'range': '1f00-1f0f'}
            for n in range(first, first + count)]


def _topology(systems):
    return {'users': {'admin': 'passw0rd'}, 'xcat_node': 'xcat',
            'systems': systems}


class Bench(object):
    """The cinder side, set up as cinder-volume would for each backend."""

    def __init__(self, tmp):
        from cinder import objects
        objects.register_all()
        from cinder import coordination
        from cinder.volume import configuration
        from cinder.volume import driver as base_driver
        from oslo_config import cfg

        from cinder_zvm import driver
        from cinder_zvm import opts

        self.cfg, self.objects, self.configuration = cfg, objects, configuration
        self.base_opts, self.opts, self.driver_mod = (base_driver.volume_opts,
                                                      opts, driver)
        cfg.CONF([], project='cinder')
        cfg.CONF.set_override('backend_url', 'file://%s/locks' % tmp,
                              'coordination')
        # A database as cinder-volume has one: every pool read lists the
        # backend's live volumes from it (cinder_zvm/pool_guard.py).
        cfg.CONF.set_override('connection', 'sqlite:///%s/cinder.db' % tmp,
                              'database')
        from cinder.db import migration
        migration.db_sync()
        coordination.COORDINATOR.start()

    def driver(self, sim, group, hv, pools):
        conf = self.configuration.Configuration(self.opts.driver_opts(),
                                                config_group=group)
        conf.append_config_values(self.base_opts)
        values = {'zvm_xcat_server': sim.url, 'zvm_xcat_username': sim.username,
                  'zvm_xcat_password': sim.password, 'zvm_host': hv,
                  'zvm_scsi_pool': pools, 'volume_backend_name': group}
        for key, value in values.items():
            self.cfg.CONF.set_override(key, value, group)
        drv = self.driver_mod.ZVMFCPDriver(configuration=conf,
                                           host='bench@' + group)
        drv.do_setup(None)
        drv.check_for_setup_error()
        return drv

    def volume(self, group, pool, size=1):
        return self.objects.Volume(id=str(uuid.uuid4()), size=size,
                                   host='bench@%s#%s' % (group, pool),
                                   provider_location=None)


def _sim(topology, tmp):
    path = os.path.join(tmp, 'topology-%s.json' % uuid.uuid4().hex[:8])
    with open(path, 'w') as f:
        json.dump(topology, f)
    sim = SimulatorFixture(topology=path, subprocess=True)
    sim.setUp()
    return sim


def calls_per_operation(bench, tmp):
    sim = _sim(_topology([_system('zvm1', {'gold': _entries(20),
                                           'silver': _entries(20, 100)})]), tmp)
    try:
        drv = bench.driver(sim, 'calls', 'zvm1', ['gold', 'silver'])
        counts = {}

        def count(name, fn):
            sim.admin.clear_calls()
            result = fn()
            counts[name] = [c['option'] for c in sim.admin.calls()]
            return result

        vol = bench.volume('calls', 'gold')
        model = count('create_volume', lambda: drv.create_volume(vol))
        vol.provider_location = model['provider_location']
        count('initialize_connection',
              lambda: drv.initialize_connection(vol, CONNECTOR))
        count('terminate_connection',
              lambda: drv.terminate_connection(vol, CONNECTOR))
        count('extend_volume', lambda: drv.extend_volume(vol, 1))
        count('get_volume_stats(refresh=True), 2 pools',
              lambda: drv.get_volume_stats(refresh=True))
        count('get_volume_stats(refresh=False)',
              lambda: drv.get_volume_stats(refresh=False))
        count('delete_volume', lambda: drv.delete_volume(vol))
        return counts
    finally:
        sim.cleanUp()


def cpu_per_create(bench, tmp, sizes, creates):
    from cinder_zvm import bestfit
    from zvm_xcat import zfcp
    rows = []
    for size in sizes:
        sim = _sim(_topology([_system('zvm1', {'gold': _entries(size)})]), tmp)
        try:
            group = 'cpu%d' % size
            drv = bench.driver(sim, group, 'zvm1', ['gold'])
            driver_cpu, client_cpu = [], []
            for _ in range(creates):
                vol = bench.volume(group, 'gold', size=7)
                t0 = time.process_time()
                drv.create_volume(vol)
                driver_cpu.append(time.process_time() - t0)
            client = drv.backend.client
            for _ in range(max(3, creates // 4)):
                t0 = time.process_time()
                entries = zfcp.list_pool(client, 'zvm1', 'gold')
                pick = bestfit.best_fit(entries, 7 << 30)
                client_cpu.append(time.process_time() - t0)
                zfcp.reserve(client, 'zvm1', 'gold', 'reserved', 'bench',
                             'auto', wwpns=pick.wwpns, lun=pick.lun)
            t0 = time.process_time()
            drv.get_volume_stats(refresh=True)
            stats_cpu = time.process_time() - t0
            rows.append((size, statistics.median(driver_cpu) * 1000,
                         statistics.median(client_cpu) * 1000,
                         stats_cpu * 1000))
        finally:
            sim.cleanUp()
    return rows


def concurrent_creates(bench, tmp, count, latency):
    # gold serves both runs: the one-pool run takes ``count`` of its LUNs.
    systems = [_system('zvm1', {'gold': _entries(2 * count,
                                                 size_of=lambda n: '1G'),
                                'silver': _entries(count, 1000, lambda n: '1G')}),
               _system('zvm2', {'fast': _entries(count, 2000, lambda n: '1G'),
                                'slow': _entries(count, 3000, lambda n: '1G')})]
    sim = _sim(_topology(systems), tmp)
    try:
        drv1 = bench.driver(sim, 'cc1', 'zvm1', ['gold', 'silver'])
        drv2 = bench.driver(sim, 'cc2', 'zvm2', ['fast', 'slow'])
        sim.admin.set_latency('--reservezfcp', latency)
        results = {}
        targets = {'one pool': [(drv1, 'cc1', 'gold')],
                   'four pools, two z/VM systems': [
                       (drv1, 'cc1', 'gold'), (drv1, 'cc1', 'silver'),
                       (drv2, 'cc2', 'fast'), (drv2, 'cc2', 'slow')]}
        for name, where in targets.items():
            errors = []

            def create(i):
                drv, group, pool = where[i % len(where)]
                try:
                    drv.create_volume(bench.volume(group, pool))
                except Exception as exc:    # reported, never hidden
                    errors.append(str(exc))
            threads = [threading.Thread(target=create, args=(i,))
                       for i in range(count)]
            t0 = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            results[name] = (time.monotonic() - t0, errors)
        return results
    finally:
        sim.cleanUp()


def run(argv):
    quick = '--quick' in argv
    sizes = (1000, 10000) if quick else (1000, 10000, 100000)
    with tempfile.TemporaryDirectory() as tmp:
        bench = Bench(tmp)
        print('xCAT calls per driver operation (simulator call log):')
        for op, calls in calls_per_operation(bench, tmp).items():
            print('  %-42s %d  %s' % (op, len(calls), ' '.join(calls)))
        print('\nDriver CPU per operation (process_time, median, ms):')
        print('  %-10s %-14s %-30s %s' % ('pool LUNs', 'create_volume',
                                          'client-side best fit (read+pick)',
                                          'stats read'))
        for size, drv_ms, client_ms, stats_ms in cpu_per_create(
                bench, tmp, sizes, 10 if quick else 20):
            print('  %-10d %-14.2f %-32.2f %.2f' % (size, drv_ms, client_ms,
                                                    stats_ms))
        print('\n100 concurrent creates, 200 ms injected --reservezfcp '
              'latency (wall time):')
        for name, (secs, errors) in concurrent_creates(bench, tmp, 100,
                                                       0.2).items():
            print('  %-30s %.1f s  (%d errors)' % (name, secs, len(errors)))
            for text in sorted(set(errors))[:3]:
                print('      error: %s' % text)
        from bench import cinder_aa
        cinder_aa.run(sys.modules[__name__], tmp)
        from bench import cinder_guard
        print('\nThe pool guard at N cinder volumes of the backend (4 pools; '
              'CPU, median, ms; SQLite):')
        print('  %-8s %-26s %-12s %s' % ('volumes', 'live list', 'stats read',
                                         'create_volume'))
        for count, max_age, stats_ms, create_ms in cinder_guard.run(
                bench, tmp, (300, 1000) if quick else (1000, 3000)):
            print('  %-8d %-26s %-12.1f %.1f' % (
                count, 'kept %d s' % max_age if max_age else
                'fresh at every read', stats_ms, create_ms))
    return 0
