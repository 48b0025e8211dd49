"""Active/active on etcd, and faults mid-flight: the aa scenario.

``FULLSTACK_SCENARIO=aa tools/fullstack.sh`` (``tox -e scale``) brings up
RabbitMQ, MariaDB, one etcd member, the simulator (the topology printed by
``python -m tools.fullstack.aa topology``), cinder-api, -scheduler and two
cinder-volume services, hosts ``aa-a`` and ``aa-b``, both serving backend
zvm1 in cluster ``aa``; cinder and the nova side lock pool files through
tooz on that etcd.  The simulator runs unlocked (xCAT's racy pool edits).
Each phase runs creates and deletes over cinder's API in parallel with
nova-side attaches and detaches, with one fault in the middle:

=============  ==========================================================
aa             kill -9 of cinder-volume aa-a at a third of the operations,
               restarted at the half or after 60 s
sim-restart    the simulator (xCAT) killed and restarted
rabbit         RabbitMQ killed and restarted; then once more with both
               cinder-volume services down and a delete sent meanwhile
               (lost: cinder's queues are not durable)
etcd           the etcd member killed and restarted
wipe-kill      both cinder-volume services killed while a LUN is
               quarantined for its wipe, then restarted
=============  ==========================================================

Then it waits for cinder to settle, deletes what ended in error (cinder's
own cleanup), and counts, from cinder's database and the simulator's
pool: double allocations (a LUN given to a second volume while the first
held it, or held by two live volumes), leaks (a pool row owned by no live
volume), LUNs lost (rows gone from the pool), volumes stuck in a
transient state, and LUNs whose next owner could read a deleted volume's
data (each volume writes a marker on its LUN; a new volume must find none).
A stuck volume passes only as cinder's lost request that an operator's
reset and delete reconcile (aa_checks).

Usage (from tools/fullstack.sh):
  python -m tools.fullstack.aa run --api URL/v3 --db-url URL --sim-url URL
      --sim-ca FILE --workdir DIR --counts FILE --results FILE
      [--ops N] [--threads N] [--phases aa,sim-restart,...]
"""

import argparse
import collections
import concurrent.futures
import json
import os
import signal
import sys
import threading
import time
from urllib import parse
import uuid

import yaml

from tools.fullstack import aa_checks
from tools.fullstack import aa_services
from tools.fullstack import harness

MARKER = b'cinder-zvm aa: data of volume '
HV, POOL = 'zvm1', 'gold'
LUNS = 64
GUESTS = (('vm1', 'rhel', '9.2'), ('vm2', 'sles', '15.4'),
          ('vm3', 'ubuntu', '22.04'))
TRANSIENT = ('creating', 'deleting', 'attaching', 'detaching', 'reserved',
             'downloading', 'extending')
PHASES = ('aa', 'sim-restart', 'rabbit', 'etcd', 'wipe-kill')


def instance_uuid(node):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, 'cinder-zvm-aa:' + node))


def topology():
    """One z/VM system, a pool of LUNS LUNs, three guests, a Cinder node.

    The LUNs are 100G for 1 GiB volumes: the driver reports the largest
    free LUN as the pool's free capacity, and cinder's scheduler takes
    each volume it places off that figure until the next stats report, so
    a burst of parallel creates needs that much headroom (see the admin
    docs' active/active section).
    """
    fcps = [{'devno': '%s%02x' % (base, i), 'chpid': chpid,
             'physical_wwpn': phys + '11', 'npiv_wwpn': phys + '%02x' % (0x12 + i)}
            for base, chpid, phys in (('1f', '27', 'c05076ffe50056'),
                                      ('2f', '3a', 'c05076ffe50077'))
            for i in range(4)]
    rows = [{'status': 'free', 'wwpn': '500507680b21bac6',
             'lun': '40%02x400000000000' % n, 'size': '100G',
             'range': '1f00-1f0f;2f00-2f0f'} for n in range(LUNS)]
    guests = [{'node': n, 'userid': n.upper(), 'distro': d, 'version': v,
               'power': 'on', 'reachable': True} for n, d, v in GUESTS]
    guests.append({'node': 'cinder1', 'userid': 'CINDER1', 'distro': 'ubuntu',
                   'version': '22.04', 'power': 'on', 'reachable': True,
                   'cinder_node': True})
    return {'users': {'admin': 'passw0rd'}, 'xcat_node': 'xcat',
            'systems': [{'hypervisor': HV, 'zhcp': 'zhcp1',
                         'zhcp_userid': 'ZHCP', 'fcp_devices': fcps,
                         'pools': {POOL: rows}, 'guests': guests}]}


class Counts:
    def __init__(self):
        self.c = collections.Counter()
        self.notes = []
        self.lock = threading.Lock()

    def add(self, key, n=1, note=None):
        with self.lock:
            self.c[key] += n
            if note:
                self.notes.append(note)
                say('%s: %s' % (key, note))


class AA:

    def __init__(self, args):
        self.args = args
        self.work = args.workdir
        self.services = aa_services.Services(self.work)
        from zvm_sim.admin_client import AdminClient
        self.admin = AdminClient(args.sim_url, ca_file=args.sim_ca or None)
        self.live = {}            # LUN -> volume id holding it
        self.clients = threading.local()
        self.guard = threading.Lock()

    # -- cinder: API and database -----------------------------------------

    def api(self, service=False):
        """This thread's cinder client, made once and reused.

        A new client per call leaves its keep-alive connection open until
        the garbage collector finds it; cinder-api (eventlet wsgi, one
        worker) gives each open connection one of its 100 green threads
        for client_socket_timeout (900 s), so after about a hundred such
        clients it stops answering anyone.
        """
        key = 'service' if service else 'user'
        client = getattr(self.clients, key, None)
        if client is None:
            client = harness.noauth_cinder(self.args.api, service)
            setattr(self.clients, key, client)
        return client

    def sql(self, query, *params):
        import pymysql
        url = parse.urlparse(self.args.db_url.replace('mysql+pymysql', 'mysql'))
        conn = pymysql.connect(host=url.hostname, port=url.port,
                               user=url.username, password=url.password,
                               database=url.path.lstrip('/'))
        try:
            with conn.cursor() as cur:
                cur.execute(query, params)
                return cur.fetchall()
        finally:
            conn.close()

    def volumes(self):
        """{id: (status, provider_id)} of cinder's live volumes."""
        return {r[0]: (r[1], r[2]) for r in self.sql(
            'SELECT id, status, provider_id FROM volumes WHERE deleted = 0')}

    def retry(self, what, counts, attempts=5):
        for i in range(attempts):
            try:
                return what()
            except Exception:      # API down mid-fault: counted, retried
                counts.add('api_retries')
                if i == attempts - 1:
                    raise
                time.sleep(3)

    def wait_volume(self, vid, wanted, counts, timeout):
        """The volume's status once in ``wanted`` (or 'gone'), else None."""
        deadline = time.monotonic() + timeout
        api = self.api()
        while time.monotonic() < deadline:
            try:
                status = api.volumes.get(vid).status
            except Exception as e:
                if type(e).__name__ == 'NotFound':
                    status = 'gone'
                else:
                    counts.add('api_retries')
                    status = None
            if status in wanted:
                return status
            time.sleep(2)
        return None

    # -- the simulator's side ------------------------------------------------

    def unlock(self):
        try:
            return self.admin.set_unlocked(True, delay=0.05)
        except Exception as e:      # restarting: not up yet
            raise harness.StepFailed(repr(e))

    def rows(self):
        return self.admin.pool(HV, POOL)

    def lun_file(self, provider_id):
        wwpn, lun = provider_id.rsplit(':', 1)
        return self.admin.lun_path(wwpn.split(';')[0], lun), lun

    def take_lun(self, vid, counts):
        """Record the new volume's LUN; the next owner must read no data."""
        prov = dict(self.volumes()).get(vid, (None, None))[1]
        if not prov:
            counts.add('no_location', note='volume %s has no LUN' % vid)
            return None
        path, lun = self.lun_file(prov)
        with self.guard:
            other = self.live.get(lun)
            if other and other != vid:
                counts.add('double', note='LUN %s: %s and %s' % (lun, other, vid))
            self.live[lun] = vid
        with open(path, 'r+b') as f:
            head = f.read(len(MARKER) + 36)
            if head.startswith(MARKER):
                counts.add('readable', note='volume %s found %r on LUN %s'
                           % (vid, head, lun))
            f.seek(0)
            f.write(MARKER + vid.encode())
        return lun

    def drop_lun(self, lun):
        with self.guard:
            self.live.pop(lun, None)

    # -- the operations -------------------------------------------------------

    def create_delete(self, i, phase, counts):
        api = self.api()
        vol = self.retry(lambda: api.volumes.create(
            1, name='aa-%s-%d' % (phase, i), volume_type='aa'), counts)
        counts.add('creates')
        status = self.wait_volume(vol.id, ('available', 'error'), counts, 300)
        if status != 'available':
            counts.add('create_' + (status or 'timeout'))
            return
        lun = self.take_lun(vol.id, counts)
        if lun is None:
            return
        self.drop_lun(lun)
        self.retry(lambda: api.volumes.delete(vol.id), counts)
        counts.add('deletes')
        status = self.wait_volume(vol.id, ('gone', 'error_deleting'), counts, 300)
        if status != 'gone':
            counts.add('delete_' + (status or 'timeout'))

    def nova(self, guest, op, *extra):
        node, distro, version = guest
        argv = [sys.executable, '-m', 'tools.fullstack.nova_compute',
                '--config-file', os.path.join(self.work, 'etc', 'nova.conf'),
                '--instance', instance_uuid(node), '--name', node.upper(),
                '--distro', distro, '--version', version, op]
        proc = harness.run(argv + list(extra), timeout=300)
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def attach_detach(self, guest, cycle, phase, counts):
        """One volume attached to the guest and detached, as nova does."""
        api = self.api()
        vol = self.retry(lambda: api.volumes.create(
            1, name='aa-%s-nova-%s-%d' % (phase, guest[0], cycle),
            volume_type='aa'), counts)
        if self.wait_volume(vol.id, ('available', 'error'), counts,
                            300) != 'available':
            counts.add('nova_volume_not_available')
            return
        lun = self.take_lun(vol.id, counts)
        att_id = self.retry(lambda: api.attachments.create(
            vol.id, None, instance_id=instance_uuid(guest[0])), counts)['id']
        try:
            conn = self.nova(guest, 'connector')
            info = api.attachments.update(att_id, conn).connection_info
            conn_info = harness.nova_connection_info(info, vol.id)
            path = os.path.join(self.work, 'aa-conn-%s.json' % vol.id)
            with open(path, 'w', encoding='utf-8') as f:
                json.dump(conn_info, f)
            self.nova(guest, 'attach', path, '/dev/vdb')
            counts.add('nova_attaches')
            api.attachments.complete(att_id)
            self.nova(guest, 'detach', path, '/dev/vdb')
            counts.add('nova_detaches')
        except Exception as e:    # counted; the attachment is undone below
            counts.add('nova_failed', note=repr(e)[-300:])
        finally:
            self.retry(lambda: self.api(service=True).attachments.delete(
                att_id), counts)
            if lun:
                self.drop_lun(lun)
            if self.wait_volume(vol.id, ('available', 'error'), counts, 120):
                self.retry(lambda: api.volumes.delete(vol.id), counts)

    # -- faults ----------------------------------------------------------------

    def fault(self, phase, counts, progress, total, stop):
        """Fire the phase's fault at a third of the run (in a thread)."""
        while not stop.is_set() and progress() < total // 3:
            time.sleep(0.5)
        if stop.is_set():
            return
        t = time.monotonic()
        if phase == 'aa':
            self.services.kill('cinder-volume-aa-a')
            counts.add('killed', note='kill -9 cinder-volume aa-a at %d ops'
                       % progress())
            # Back at half of the operations, or after 60 s: the requests
            # the killed service had taken stay stuck until it starts again
            # (cinder's cleanup at start), and they hold the churn threads.
            back = time.monotonic() + 60
            while not stop.is_set() and progress() < total // 2 and \
                    time.monotonic() < back:
                time.sleep(0.5)
            self.services.start('cinder-volume-aa-a')
        elif phase == 'sim-restart':
            self.services.restart('simulator', drop=('--reset',))
            harness.wait_until(self.unlock, 60, 'simulator back')
        elif phase == 'rabbit':
            self.services.restart('rabbitmq')
            self.lost_delete(counts)
        elif phase == 'etcd':
            self.services.restart('etcd')
        elif phase == 'wipe-kill':
            def quarantined():
                return any(r['owner'].startswith('wipe-') for r in self.rows())
            harness.wait_until(quarantined, 300, 'a LUN in its wipe', 0.2)
            for name in ('cinder-volume-aa-a', 'cinder-volume-aa-b'):
                self.services.kill(name)
            counts.add('killed', note='both cinder-volume killed during a wipe')
            for name in ('cinder-volume-aa-a', 'cinder-volume-aa-b'):
                self.services.start(name)
        counts.add('fault_seconds', int(time.monotonic() - t))

    def lost_delete(self, counts):
        """A delete cast while no cinder-volume has its queue: lost.

        The broker restarted with both services down has none of their
        (non-durable) queues, so the cast is dropped; the volume stays
        ``deleting`` after they come back, with no worker row for cinder's
        cleanup to find (aa_checks).  What a broker restart does by chance
        to the requests of its first seconds, made certain.
        """
        api = self.api()
        vol = self.retry(lambda: api.volumes.create(
            1, name='aa-rabbit-lost-delete', volume_type='aa'), counts)
        if self.wait_volume(vol.id, ('available', 'error'), counts,
                            300) != 'available':
            counts.add('lost_delete_not_available')
            return
        names = ('cinder-volume-aa-a', 'cinder-volume-aa-b')
        for name in names:
            self.services.kill(name)
        self.services.restart('rabbitmq')
        port = int(self.services.env('rabbitmq')['RABBITMQ_NODE_PORT'])
        harness.wait_until(lambda: aa_services.listening(port), 120, 'RabbitMQ back', 1)
        self.retry(lambda: api.volumes.delete(vol.id), counts)
        counts.add('lost_delete', note='volume %s deleted while no '
                   'cinder-volume had a queue' % vol.id)
        for name in names:
            self.services.start(name)

    # -- a phase ---------------------------------------------------------------

    def served(self):
        """{service: creates it did so far}, from its log (the driver's line)."""
        out = {}
        for name in ('aa-a', 'aa-b'):
            path = os.path.join(self.work, 'logs', 'cinder-volume-%s.log' % name)
            with open(path, 'rb') as f:
                out[name] = sum(b' is LUN ' in line and b'cinder_zvm' in line
                                for line in f)
        return out

    def phase(self, phase, ops):
        counts = Counts()
        t0 = time.monotonic()
        served = self.served()
        self.admin.set_unlocked(True, delay=0.05)
        stop = threading.Event()
        done = collections.Counter()

        def churn(i):
            try:
                self.create_delete(i, phase, counts)
            except Exception as e:      # counted; the phase goes on
                counts.add('churn_exceptions', note=repr(e)[-300:])
            done['n'] += 1

        def nova_side():
            cycle = 0
            while not stop.is_set():
                guest = GUESTS[cycle % len(GUESTS)]
                try:
                    self.attach_detach(guest, cycle, phase, counts)
                except Exception as e:   # counted; the phase goes on
                    counts.add('nova_exceptions', note=repr(e)[-300:])
                cycle += 1

        faulter = threading.Thread(target=self.fault, args=(
            phase, counts, lambda: done['n'], ops, stop), daemon=True)
        novas = threading.Thread(target=nova_side, daemon=True)
        faulter.start()
        novas.start()
        with concurrent.futures.ThreadPoolExecutor(self.args.threads) as pool:
            list(pool.map(churn, range(ops)))
        stop.set()
        novas.join(900)
        faulter.join(300)
        result = self.settle(phase, counts)
        result['seconds'] = int(time.monotonic() - t0)
        result['creates_by_service'] = {
            k: v - served[k] for k, v in self.served().items()}
        self.admin.set_unlocked(False)
        return result

    def settle(self, phase, counts):
        """cinder's cleanup, then the counts from cinder's DB and the pool."""
        def quiet():
            return not [v for v, (s, _p) in self.volumes().items()
                        if s in TRANSIENT]
        try:
            harness.wait_until(quiet, 300, 'no volume in a transient state', 5)
        except harness.StepFailed:
            pass
        stuck = {v: (s, p) for v, (s, p) in self.volumes().items()
                 if s in TRANSIENT}
        workers = {r[0]: r[1] for r in self.sql(
            'SELECT resource_id, service_id FROM workers')}
        volume_services = {r[0] for r in self.sql(
            "SELECT id FROM services WHERE `binary` = 'cinder-volume'")}
        rows_before = self.rows()
        api = self.api()
        for vid, (status, _p) in self.volumes().items():
            if vid in stuck:
                # Counted as stuck; then what an operator does (reset the
                # state, delete again), so that the next phase starts clean.
                status = 'stuck'
            if status in ('error', 'error_deleting', 'available', 'stuck'):
                counts.add('cleaned_' + status)
                try:
                    api.volumes.reset_state(vid, 'error')
                    api.volumes.delete(vid)
                except Exception as e:   # counted below as a leftover
                    counts.add('cleanup_refused', note=repr(e)[-200:])
        try:
            harness.wait_until(lambda: not self.volumes(), 600,
                               'error and stuck volumes deleted', 5)
            harness.wait_until(lambda: not [
                r for r in self.rows() if r['owner'].startswith('wipe-')],
                600, 'quarantined LUNs wiped', 5)
        except harness.StepFailed as e:
            counts.add('settle_timeout', note=str(e))
        live = self.volumes()
        rows = self.rows()
        verdicts = aa_checks.judge_stuck(stuck, workers, volume_services,
                                         rows_before, rows,
                                         set(stuck) - set(live))
        unexplained = [v for v, j in verdicts.items() if not j['ok']]
        owners = collections.Counter(
            p.rsplit(':', 1)[1] for _s, p in live.values() if p)
        leaks = [r for r in rows if r['status'] != 'free' and
                 r['owner'].replace('volume-', '') not in live]
        readable = 0
        for r in rows:
            if r['status'] == 'free':
                with open(self.admin.lun_path(r['wwpn'].split(';')[0],
                                              r['lun']), 'rb') as f:
                    readable += f.read(len(MARKER)) == MARKER
        c = counts.c
        result = {
            'phase': phase,
            'creates': c['creates'], 'deletes': c['deletes'],
            'nova_attaches': c['nova_attaches'],
            'nova_detaches': c['nova_detaches'],
            'double_allocations': c['double'] + sum(
                n - 1 for n in owners.values() if n > 1),
            'leaks': len(leaks), 'luns_lost': LUNS - len(rows),
            'stuck': len(stuck),
            'stuck_unreconciled': len(unexplained),
            'data_readable': c['readable'] + readable,
            'errors_cleaned': sum(v for k, v in c.items()
                                  if k.startswith('cleaned_') and
                                  k != 'cleaned_stuck'),
            'counts': dict(c), 'notes': counts.notes[-20:],
            'leaked_rows': leaks[:10], 'stuck_volumes': verdicts,
        }
        for vid, verdict in verdicts.items():
            say('stuck %s %s: %s; pool: %s; reset and delete %s' % (
                verdict['status'], vid, verdict['cause'], verdict['pool'],
                'freed it' if verdict['reconciled'] else 'did NOT free it'))
        # A stuck volume fails the phase unless it is cinder's lost request
        # and reconcilable (aa_checks).
        result['ok'] = not (result['double_allocations'] or result['leaks'] or
                            result['luns_lost'] or unexplained or
                            result['data_readable'])
        return result

    def run(self):
        api = self.api()
        # noauth's project; the default quota (10 volumes) is far too small.
        api.quotas.update('admin', volumes=-1, gigabytes=-1)
        if not [t for t in api.volume_types.list() if t.name == 'aa']:
            vtype = api.volume_types.create('aa')
            vtype.set_keys({'volume_backend_name': HV})
        results = []
        for phase in self.args.phases.split(','):
            ops = self.args.ops if phase == 'aa' else self.args.fault_ops
            say('phase %s: %d creates and deletes, %d threads, nova '
                'attaching in parallel' % (phase, ops, self.args.threads))
            result = self.phase(phase, ops)
            results.append(result)
            say('%s %s: creates %d, deletes %d, nova attach/detach %d/%d, '
                'double allocations %d, leaks %d, LUNs lost %d, stuck %d '
                '(%d not reconcilable), '
                'data readable %d, errors cleaned by cinder %d, creates by '
                'service %s, %d s' % (
                    'PASS' if result['ok'] else 'FAIL', phase,
                    result['creates'], result['deletes'],
                    result['nova_attaches'], result['nova_detaches'],
                    result['double_allocations'], result['leaks'],
                    result['luns_lost'], result['stuck'],
                    result['stuck_unreconciled'],
                    result['data_readable'], result['errors_cleaned'],
                    result['creates_by_service'], result['seconds']))
        return results


def say(text):
    print('[aa %s] %s' % (time.strftime('%H:%M:%S'), text), flush=True)


def build_parser():
    p = argparse.ArgumentParser(prog='aa')
    sub = p.add_subparsers(dest='cmd', required=True)
    sub.add_parser('topology')
    r = sub.add_parser('run')
    for name in ('--api', '--db-url', '--sim-url', '--workdir', '--counts',
                 '--results'):
        r.add_argument(name, required=True)
    r.add_argument('--sim-ca', default='')
    r.add_argument('--ops', type=int, default=200)
    r.add_argument('--fault-ops', type=int, default=40)
    r.add_argument('--threads', type=int, default=8)
    r.add_argument('--phases', default=','.join(PHASES))
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.cmd == 'topology':
        yaml.safe_dump(topology(), sys.stdout)
        return 0
    # Stopped by fullstack.sh (TERM to our process group, children too):
    # at once, without waiting for the worker threads.
    signal.signal(signal.SIGTERM, lambda *a: os._exit(143))
    results = AA(args).run()
    passed = sum(r['ok'] for r in results)
    with open(args.results, 'w', encoding='utf-8') as f:
        json.dump(results, f, indent=1, sort_keys=True)
    with open(args.counts, 'w', encoding='utf-8') as f:
        f.write('%d %d 0\n' % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == '__main__':
    sys.exit(main())
