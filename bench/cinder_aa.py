"""Active/active figure of ``python -m bench cinder``: services on etcd.

100 concurrent creates against one pool with 200 ms injected xCAT latency
(``--reservezfcp``), tooz on a private etcd member (Debian's etcd-server,
started here on 127.0.0.1 with its own data dir and ports), run once by
one cinder-volume service and once by two services of one cluster under
different host names, 50 creates each.  Each service is a process doing
what cinder-volume does before it serves (tests/cinder/functional/
aa_worker.py: eventlet, CONF, coordination, the driver) and then its
creates in green threads.  The wall time is from the first create's start
to the last one's end (process start-up excluded).  Every create holds
the pool's lock, so a second service adds no throughput on one pool; what
the figure shows is the price of the distributed lock: tooz's etcd3gw
driver retries a taken lock with exponential back-off up to 1 s
(tooz/_retry.py), so a waiting create can sleep up to a second after the
lock became free.  The double-allocation count is a sanity check.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time

import requests

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ETCD = '/usr/bin/etcd'


def _ports(count):
    socks = []
    for _ in range(count):
        s = socket.socket()
        s.bind(('127.0.0.1', 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def start_etcd(tmp):
    """A one-member etcd on loopback; (process, client URL)."""
    client, peer = _ports(2)
    log = open(os.path.join(tmp, 'etcd.log'), 'wb')
    proc = subprocess.Popen(
        [ETCD, '--name', 'bench', '--data-dir', os.path.join(tmp, 'etcd'),
         '--listen-client-urls', 'http://127.0.0.1:%d' % client,
         '--advertise-client-urls', 'http://127.0.0.1:%d' % client,
         '--listen-peer-urls', 'http://127.0.0.1:%d' % peer,
         '--initial-advertise-peer-urls', 'http://127.0.0.1:%d' % peer,
         '--initial-cluster', 'bench=http://127.0.0.1:%d' % peer],
        stdout=log, stderr=log)
    log.close()
    url = 'http://127.0.0.1:%d' % client
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(url + '/health', timeout=2).ok:
                return proc, url
        except requests.RequestException:
            pass
        time.sleep(0.3)
    proc.kill()
    proc.wait()
    raise RuntimeError('etcd did not start (see %s/etcd.log)' % tmp)


def _conf(tmp, sim, host, etcd_url):
    path = os.path.join(tmp, 'cinder-%s.conf' % host)
    with open(path, 'w') as f:
        f.write('[DEFAULT]\nhost = %(host)s\ncluster = bench\n'
                'enabled_backends = zvm1\ntransport_url = fake://\n'
                'lock_path = %(tmp)s\n'
                '[coordination]\nbackend_url = %(etcd)s\n'
                '[zvm1]\nvolume_driver = cinder_zvm.driver.ZVMFCPDriver\n'
                'volume_backend_name = zvm1\n'
                'zvm_xcat_server = %(url)s\nzvm_xcat_username = %(u)s\n'
                'zvm_xcat_password = %(p)s\nzvm_host = zvm1\n'
                'zvm_scsi_pool = gold\n'
                % {'tmp': tmp, 'host': host,
                   'etcd': etcd_url.replace('http://', 'etcd3+http://'),
                   'url': sim.url, 'u': sim.username, 'p': sim.password})
    os.chmod(path, 0o600)
    return path


def creates_over(services, total, tmp, sim, etcd_url):
    """(wall seconds, results) of ``total`` creates over ``services``."""
    procs = [subprocess.Popen(
        [sys.executable, '-m', 'tests.cinder.functional.aa_worker',
         _conf(tmp, sim, 'bench-%d' % i, etcd_url), str(total // services)],
        cwd=TOP, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for i in range(services)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=900)
        if proc.returncode:
            raise RuntimeError('service exited %d: %s'
                               % (proc.returncode, err[-2000:]))
        results += [json.loads(line) for line in out.splitlines()
                    if line.startswith('{')]
    done = [r for r in results if 'start' in r]
    wall = (max(r['end'] for r in done) - min(r['start'] for r in done)
            if done else 0.0)
    return wall, results


def run(bench_mod, tmp, count=100, latency=0.2):
    """Print the figure; bench_mod is bench.cinder_driver (its helpers)."""
    print('\n%d concurrent creates, one pool, %d ms injected --reservezfcp '
          'latency, tooz on etcd (wall time, start-up excluded):'
          % (count, latency * 1000))
    if not os.path.exists(ETCD):
        print('  skipped: %s not installed (Debian etcd-server)' % ETCD)
        return
    etcd, etcd_url = start_etcd(tmp)
    try:
        for services in (1, 2):
            sim = bench_mod._sim(bench_mod._topology([bench_mod._system(
                'zvm1', {'gold': bench_mod._entries(
                    count, size_of=lambda n: '1G')})]), tmp)
            try:
                sim.admin.set_latency('--reservezfcp', latency)
                wall, results = creates_over(services, count, tmp, sim,
                                             etcd_url)
            finally:
                sim.cleanUp()
            luns = [r['lun'] for r in results if 'lun' in r]
            errors = [r['error'] for r in results if 'error' in r]
            print('  %-34s %.1f s  (%d created, %d double allocations, %d '
                  'errors)' % ('%d cinder-volume service%s, cluster' % (
                      services, 's' if services > 1 else ''),
                      wall, len(luns), len(luns) - len(set(luns)),
                      len(errors)))
            for text in sorted(set(errors))[:3]:
                print('      error: %s' % text)
    finally:
        etcd.terminate()
        etcd.wait(30)
        shutil.rmtree(os.path.join(tmp, 'etcd'), ignore_errors=True)
