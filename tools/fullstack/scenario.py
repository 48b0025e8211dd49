"""The full-stack scenario: cinder CLI + nova_volumeops against the simulator.

Every cinder operation goes through python-cinderclient's ``cinder``
program (noauth), except the one the CLI cannot express: sending the z/VM
connector (zvm_fcp, wwpns, zvm_userid ... are not among the fixed fields
cinderclient's ``attachment-create --connect`` / ``attachment-update``
build), which is sent with python-cinderclient's API exactly as nova's
cinder wrapper sends it (``attachments.update(id, connector)``).  The nova
side runs in separate processes (tools.fullstack.nova_compute).  Outcomes
are read back from cinder (CLI) and from the simulator (``/_sim`` admin API
over HTTPS): pool rows, guest directory and the guest's Linux zfcp units.

Usage (from tools/fullstack.sh):
  python -m tools.fullstack.scenario --driver zvm|fake --api URL/v3 \
      --sim-url URL --sim-ca FILE --workdir DIR --counts FILE
"""

import argparse
import json
import os
import re
import sys
import time

from tools.fullstack import harness
from tools.fullstack import render

PREFIX = 'fs-'
MARKER = b'cinder-zvm fullstack: data of a volume'
INSTANCE = {'uuid': '6f1c3a52-0d5e-4b7a-9a43-5b8f2a1c0d01', 'name': 'VM1',
            'node': 'vm1', 'distro': 'rhel', 'version': '9.2'}
# The connector of the fake-driver run (no nova side behind it).
FAKE_CONNECTOR = {'host': render.COMPUTE_HOST, 'platform': 's390x', 'os_type': 'linux2',
                  'multipath': False, 'initiator': 'iqn.2026-11.fullstack:vm1'}


class Scenario:

    def __init__(self, args):
        self.args = args
        self.driver = args.driver
        self.cli = harness.CinderCLI(args.api)
        self.work = args.workdir
        self.topology = render.load_topology()
        self.backends = [name for name, _s in render.backends(self.topology)]
        self.vols = {}          # short name -> volume id
        self.attachments = {}   # short name -> attachment id
        self.conn_info = {}     # short name -> path of the connection_info JSON
        self.connectors = []
        self.markers = {}       # short name -> (LUN backing file, size)
        self.baseline = None
        from zvm_sim.admin_client import AdminClient
        self.admin = AdminClient(args.sim_url, ca_file=args.sim_ca or None)

    # -- helpers ---------------------------------------------------------

    def volume(self, name):
        return self.cli.show('show', self.vols[name])

    def wait_status(self, name, wanted, timeout=120, bad=('error',)):
        def check():
            show = self.volume(name)
            if show['status'] in bad and show['status'] not in wanted:
                raise harness.Fatal('volume %s went to %s' % (name, show['status']))
            return show if show['status'] in wanted else None
        return harness.wait_until(check, timeout, 'volume %s %s' % (name, '/'.join(wanted)))

    def create(self, name, vtype, size=1, wanted=('available',)):
        show = self.cli.show('create', '--volume-type', PREFIX + vtype, '--name',
                             PREFIX + name, size)
        self.vols[name] = show['id']
        return self.wait_status(name, wanted)

    def backend_of(self, show):
        """'zvm1' of host 'fullstack@zvm1#gold'."""
        host = show.get('os-vol-host-attr:host') or ''
        return host.split('@', 1)[-1].split('#', 1)[0]

    def pool_rows(self, hv):
        return {pool: self.admin.pool(hv, pool)
                for pool in self.admin.state()['pools'].get(hv, {})}

    def rows_owned(self, hv, owner):
        return [(pool, row) for pool, rows in self.pool_rows(hv).items()
                for row in rows if row['owner'] == owner]

    def guest_luns(self, node):
        units = self.admin.guest(node)['linux']['kernel']['units']
        return {lun for ports in units.values() for luns in ports.values() for lun in luns}

    def nova(self, op, *extra):
        argv = [sys.executable, '-m', 'tools.fullstack.nova_compute',
                '--config-file', os.path.join(self.work, 'etc', 'nova.conf'),
                '--instance', INSTANCE['uuid'], '--name', INSTANCE['name'],
                '--distro', INSTANCE['distro'], '--version', INSTANCE['version'], op]
        proc = harness.run(argv + list(extra), timeout=300)
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def api(self, service=False):
        """python-cinderclient's API with noauth, as nova's wrapper uses it.

        ``service``: also send the header keystonemiddleware derives from
        nova's service token (``X-Service-Roles: service``). cinder 29 lets
        only a service delete an attachment that is connected to a server
        (bug 2004555); under noauth this header is how nova's role arrives.
        """
        return harness.noauth_cinder(self.args.api, service)

    # -- steps -----------------------------------------------------------

    def services_up(self):
        def check():
            services = self.cli.list('service-list')
            up = {(s['Binary'], s['Host']) for s in services if s['State'] == 'up'}
            want = {('cinder-scheduler', 'fullstack')} | {
                ('cinder-volume', 'fullstack@' + b) for b in self.backends}
            pools = {p['name'] for p in harness.parse_dicts(self.cli('get-pools'))
                     if 'name' in p}
            have = {p.split('@', 1)[1].split('#')[0] for p in pools}
            return (want <= up and set(self.backends) <= have) and sorted(pools)
        return 'pools %s' % ', '.join(harness.wait_until(check, 180, 'services and pools'))

    def sim_baseline(self):
        self.baseline = self.admin.state()
        self.baseline_guest = self.admin.guest(INSTANCE['node'])
        return '%d pools' % sum(len(p) for p in self.baseline['pools'].values())

    def volume_types(self):
        for backend in self.backends:
            self.cli('type-create', PREFIX + backend)
            self.cli('type-key', PREFIX + backend, 'set', 'volume_backend_name=' + backend)
        types = {t['Name'] for t in self.cli.list('type-list')}
        missing = {PREFIX + b for b in self.backends} - types
        if missing:
            raise harness.StepFailed('types missing from type-list: %s' % missing)

    def create_on(self, backend):
        def create():
            show = self.create(backend, backend)
            got = self.backend_of(show)
            if got != backend:
                raise harness.StepFailed('type %s%s landed on %s' % (PREFIX, backend, got))
            note = 'host %s' % show['os-vol-host-attr:host']
            if self.driver == 'zvm':
                rows = self.rows_owned(backend, 'volume-' + show['id'])
                if len(rows) != 1 or rows[0][1]['status'] != 'reserved':
                    raise harness.StepFailed('simulator pool rows of the volume: %s' % rows)
                pool, row = rows[0]
                if ('#' + pool) not in show['os-vol-host-attr:host']:
                    raise harness.StepFailed('LUN in pool %s, cinder says %s'
                                             % (pool, show['os-vol-host-attr:host']))
                note += ', LUN %s:%s (%s)' % (row['wwpn'], row['lun'], row['size'])
            return note
        return create

    def list_show(self):
        listed = {v['ID']: v for v in self.cli.list('list')}
        for name, vid in self.vols.items():
            if vid not in listed or listed[vid]['Status'] != 'available':
                raise harness.StepFailed('volume %s not available in cinder list: %s'
                                         % (name, listed.get(vid)))
            show = self.volume(name)
            if show['size'] != '1' or show['volume_type'] != PREFIX + name:
                raise harness.StepFailed('cinder show %s: size %s type %s'
                                         % (name, show['size'], show['volume_type']))
        return '%d volumes' % len(self.vols)

    def connector(self):
        if self.driver == 'fake':
            return dict(FAKE_CONNECTOR)
        conn = self.nova('connector')
        for key in ('zvm_fcp', 'wwpns', 'zvm_userid', 'host'):
            if not conn.get(key):
                raise harness.StepFailed('connector lacks %s: %s' % (key, conn))
        self.connectors.append(conn)
        return conn

    def attach(self, name, mountpoint):
        def attach():
            vid = self.vols[name]
            att = self.cli.show('attachment-create', vid, INSTANCE['uuid'])
            self.attachments[name] = att['id']
            if att['status'] != 'reserved':
                raise harness.StepFailed('attachment %s' % att)
            conn = self.connector()
            # nova-compute's attachment_update: the connector goes to cinder,
            # which asks the driver (initialize_connection) for connection_info.
            result = self.api().attachments.update(att['id'], conn)
            conn_info = harness.nova_connection_info(result.connection_info, vid)
            info = conn_info['data']
            path = os.path.join(self.work, 'conn-%s.json' % name)
            with open(path, 'w', encoding='utf-8') as f:
                json.dump(conn_info, f)
            self.conn_info[name] = path
            if self.driver == 'zvm':
                if conn_info['driver_volume_type'] != 'fibre_channel':
                    raise harness.StepFailed('connection_info %s' % conn_info)
                self._check_conn_info(info, conn)
                self.nova('attach', path, mountpoint)
            self.cli('attachment-complete', att['id'])
            show = self.wait_status(name, ('in-use',), timeout=60)
            done = self.cli.show('attachment-show', att['id'])
            if done['status'] != 'attached':
                raise harness.StepFailed('attachment status %s' % done['status'])
            note = 'attachment %s, %s' % (att['id'], show['status'])
            if self.driver == 'zvm':
                lun = info['zvm_fcp_lun']
                if lun not in self.guest_luns(INSTANCE['node']):
                    raise harness.StepFailed('guest %s does not show LUN %s'
                                             % (INSTANCE['node'], lun))
                note += ', guest %s shows LUN %s via FCP %s' % (
                    INSTANCE['node'], lun, ','.join(conn['zvm_fcp']))
                self.write_marker(name, info)
            return note
        return attach

    @staticmethod
    def _check_conn_info(info, conn):
        for key in ('target_wwn', 'target_lun', 'zvm_fcp_lun', 'zvm_fcp'):
            if key not in info:
                raise harness.StepFailed('connection_info lacks %s: %s' % (key, info))
        if list(info['zvm_fcp']) != list(conn['zvm_fcp']):
            raise harness.StepFailed('connection_info FCPs %s, connector %s'
                                     % (info['zvm_fcp'], conn['zvm_fcp']))

    def write_marker(self, name, info):
        """What the guest writes: a marker at both ends of the LUN."""
        wwpn = info['target_wwn'] if isinstance(info['target_wwn'], str) \
            else ';'.join(info['target_wwn'])
        path = self.admin.lun_path(wwpn, info['zvm_fcp_lun'])
        size = os.path.getsize(path)
        with open(path, 'r+b') as f:
            for offset in (0, size - len(MARKER)):
                f.seek(offset)
                f.write(MARKER)
        self.markers[name] = (path, size)

    def data_wiped(self):
        """The deleted volumes' data is gone from their LUNs (wipe on delete)."""
        if not self.markers:
            raise harness.StepFailed('no volume data was written')
        for name, (path, size) in self.markers.items():
            with open(path, 'rb') as f:
                for offset in (0, size - len(MARKER)):
                    f.seek(offset)
                    if f.read(len(MARKER)) == MARKER:
                        raise harness.StepFailed('volume %s: its data is still on the LUN '
                                                 '(%s at %d)' % (name, path, offset))
        return '%d LUN(s) no longer hold the data written through the guest' % len(self.markers)

    def migrate(self, name, backend):
        """``cinder migrate`` to the backend's other pool: the data moves along."""
        def migrate():
            vid = self.vols[name]
            show = self.volume(name)
            src_host = show['os-vol-host-attr:host']
            pools = sorted(self.pool_rows(backend))
            target_pool = next(p for p in pools if not src_host.endswith('#' + p))
            target = '%s#%s' % (src_host.split('#')[0], target_pool)
            [(src_pool, src_row)] = self.rows_owned(backend, 'volume-' + vid)
            self.cli('migrate', vid, target)

            def done():
                show = self.volume(name)
                status = show.get('os-vol-mig-status-attr:migstat')
                if status == 'error':
                    raise harness.Fatal('migration of %s ended in error' % name)
                return show if status == 'success' else None
            show = harness.wait_until(done, 180, 'migration of ' + name)
            if show['os-vol-host-attr:host'] != target or show['status'] != 'available':
                raise harness.StepFailed('after migrate: host %s, status %s'
                                         % (show['os-vol-host-attr:host'], show['status']))
            rows = self.rows_owned(backend, 'volume-' + vid)
            if [p for p, _r in rows] != [target_pool]:
                raise harness.StepFailed('LUNs of the volume after migrate: %s' % rows)
            new_row = rows[0][1]
            new_path = self.admin.lun_path(new_row['wwpn'], new_row['lun'])
            old_path, old_size = self.markers[name]
            with open(new_path, 'rb') as f:
                for offset in (0, old_size - len(MARKER)):
                    f.seek(offset)
                    if f.read(len(MARKER)) != MARKER:
                        raise harness.StepFailed('data not on the new LUN at %d' % offset)
            old_row = [r for r in self.admin.pool(backend, src_pool)
                       if r['lun'] == src_row['lun'] and r['wwpn'] == src_row['wwpn']]
            if [r['status'] for r in old_row] != ['free']:
                raise harness.StepFailed('old LUN after migrate: %s' % old_row)
            # data-wiped checks both: the old LUN now, the new one after delete
            self.markers[name + '-migrated'] = (new_path, old_size)
            return '%s -> %s, LUN %s:%s -> %s:%s, data moved, old LUN free' % (
                src_host, target, src_row['wwpn'], src_row['lun'], new_row['wwpn'],
                new_row['lun'])
        return migrate

    def reuse_fcps(self):
        if len(self.connectors) < 2:
            raise harness.StepFailed('only %d connector(s) seen' % len(self.connectors))
        first, second = self.connectors[0], self.connectors[-1]
        if first['zvm_fcp'] != second['zvm_fcp']:
            raise harness.StepFailed('second volume got FCPs %s, first %s'
                                     % (second['zvm_fcp'], first['zvm_fcp']))
        directory = self.admin.guest(INSTANCE['node'])['directory']
        return 'both volumes on FCP %s; guest directory %s' % (
            ','.join(first['zvm_fcp']), sorted(directory))

    def detach(self, name, mountpoint):
        def detach():
            if self.driver == 'zvm':
                lun = json.load(open(self.conn_info[name]))['data']['zvm_fcp_lun']
                self.nova('detach', self.conn_info[name], mountpoint)
                if lun in self.guest_luns(INSTANCE['node']):
                    raise harness.StepFailed('guest still shows LUN %s' % lun)
            # nova-compute deletes the attachment after its detach, with its
            # service token; a user's ``cinder attachment-delete`` of an
            # attachment connected to a server is refused by cinder 29.
            att = self.attachments.pop(name)
            self.api(service=True).attachments.delete(att)
            self.wait_status(name, ('available',), timeout=60)
            if any(a['ID'] == att for a in self.cli.list('attachment-list')):
                raise harness.StepFailed('attachment %s still listed' % att)
        return detach

    def guest_clean(self):
        guest = self.admin.guest(INSTANCE['node'])
        before = self.baseline_guest
        if self.guest_luns(INSTANCE['node']) or guest['directory'] != before['directory'] \
                or guest['active'] != before['active']:
            raise harness.StepFailed('guest %s after detach: directory %s, LUNs %s'
                                     % (INSTANCE['node'], guest['directory'],
                                        self.guest_luns(INSTANCE['node'])))

    def exhaustion(self):
        """A request no pool can hold: error, and a user message saying so."""
        backend = self.backends[-1]
        if self.driver == 'zvm':
            largest = 0
            for pool in harness.parse_dicts(self.cli('get-pools', '--detail')):
                if pool.get('name', '').split('@')[-1].startswith(backend + '#'):
                    largest = max(largest, int(float(pool.get('max_free_lun_gb', 0))))
            size, vtype = largest + 1, backend
        else:
            self.cli('type-create', PREFIX + 'nowhere')
            self.cli('type-key', PREFIX + 'nowhere', 'set', 'volume_backend_name=nowhere')
            size, vtype = 1, 'nowhere'
        self.create('exhausted', vtype, size=size, wanted=('error',))
        vid = self.vols['exhausted']

        def message():
            rows = [m for m in self.cli.list('message-list')
                    if m.get('Resource UUID') == vid]
            return rows and rows[0]
        msg = harness.wait_until(message, 60, 'user message for the failed volume')
        text = msg['User Message']
        if 'backend' not in text.lower() and 'capacity' not in text.lower():
            raise harness.StepFailed('user message does not name the cause: %s' % text)
        return '%sG on %s: %s (%s)' % (size, vtype, text, msg['Event ID'])

    def manage(self):
        backend = self.backends[-1]
        pools = self.pool_rows(backend)
        free = [(p, r) for p, rows in sorted(pools.items()) for r in rows
                if r['status'] == 'free' and r['size']]
        if not free:
            raise harness.StepFailed('no free LUN on %s to manage' % backend)
        # The smallest: its wipe after the delete is the quickest.
        pool, row = min(free, key=lambda pr: (harness.size_mib(pr[1]['size']), pr[1]['lun']))
        ref = '%s:%s' % (row['wwpn'], row['lun'])
        show = self.cli.show('manage', '--name', PREFIX + 'managed', '--volume-type',
                             PREFIX + backend, 'fullstack@%s#%s' % (backend, pool), ref)
        self.vols['managed'] = show['id']
        show = self.wait_status('managed', ('available',))
        rows = self.rows_owned(backend, 'volume-' + show['id'])
        if [r['lun'] for _p, r in rows] != [row['lun']]:
            raise harness.StepFailed('managed LUN %s, simulator rows %s' % (ref, rows))
        return '%s in %s/%s as %s (%sG)' % (ref, backend, pool, show['id'], show['size'])

    def delete_all(self):
        errors = []
        for name in list(self.vols):
            proc = self.cli('delete', self.vols[name], check=False)
            if proc.returncode:
                errors.append('%s: %s' % (name, (proc.stderr or proc.stdout).strip()))
        if errors:
            raise harness.StepFailed('cinder delete failed: %s' % '; '.join(errors))

        def gone():
            listed = {v['ID'] for v in self.cli.list('list')}
            return not (listed & set(self.vols.values()))
        harness.wait_until(gone, 180, 'volumes deleted')
        deleted = len(self.vols)
        self.vols.clear()
        for t in self.cli.list('type-list'):
            if t['Name'].startswith(PREFIX):
                self.cli('type-delete', t['ID'])
        return '%d volumes' % deleted

    def quarantine_clean(self):
        """What the operator runs for deleted volumes' LUNs: wipe, then free.

        The driver quarantines every deleted volume's LUN (owner
        wipe-<id>); cinder-zvm-quarantine wipes each over a host attach on
        the backend's Cinder node and returns it to the pool.
        """
        notes = []
        conf = os.path.join(self.work, 'etc', 'cinder.conf')
        for backend in self.backends:
            base = ['cinder-zvm-quarantine', '--config-file', conf, '--backend', backend]
            before = self.rows_with_owner_prefix(backend, 'wipe-')
            listed = harness.run(base + ['list'], timeout=120).stdout
            missing = [r for r in before if r.split('/', 1)[1].split(':')[-1] not in listed]
            if missing:
                raise harness.StepFailed('%s: quarantined LUNs not listed: %s'
                                         % (backend, missing))
            proc = harness.run(base + ['clean'], timeout=600, check=False)
            if proc.returncode:
                raise harness.StepFailed('%s clean exited %s: %s' % (
                    backend, proc.returncode, (proc.stderr or proc.stdout).strip()[-1500:]))
            left = self.rows_with_owner_prefix(backend, 'wipe-')
            if left:
                raise harness.StepFailed('%s: still quarantined after clean: %s'
                                         % (backend, left))
            notes.append('%s: %d LUNs wiped and freed' % (backend, len(before)))
        return ', '.join(notes)

    def cinder_node_rules(self):
        """Rules accepting the Cinder nodes' own FCP dedications.

        A Cinder node's FCP devices (zvm_cinder_node_fcp) are dedicated to
        it at its first host attach and stay: that is the node's
        configuration, not a leak.
        """
        if self.driver != 'zvm':
            return ()
        rules = []
        for i, system in enumerate(self.baseline['systems']):
            spec = self.topology['systems'][i]
            fcps, _nova = render.split_fcps(spec)
            for j, guest in enumerate(system['guests']):
                if guest.get('node') == render.cinder_node(spec):
                    rules.append((re.compile(
                        r'^/systems\[%d\]/guests\[%d\]/(active|directory|linux/kernel/online)'
                        r'/(%s): added ' % (i, j, '|'.join(fcps))),
                        "the Cinder node's own FCP devices (zvm_cinder_node_fcp)"))
        return tuple(rules)

    def rows_with_owner_prefix(self, hv, prefix):
        return ['%s/%s:%s' % (pool, row['wwpn'], row['lun'])
                for pool, rows in self.pool_rows(hv).items()
                for row in rows if row['owner'].startswith(prefix)]

    def no_leaks(self):
        """Simulator state back to the baseline (pools, directories, guests)."""
        # A deleted volume's LUN is quarantined until it is wiped: give the
        # wipe time before calling it a leak.
        deadline = time.monotonic() + self.args.leak_wait
        rules = harness.HISTORY + self.cinder_node_rules()
        while True:
            leaks, history = harness.split_history(
                harness.state_diff(self.baseline, self.admin.state()), rules)
            if not leaks:
                break
            if time.monotonic() > deadline:
                waiting = [d for d in leaks if '"wipe-' in d]
                raise harness.StepFailed(
                    'simulator state differs from the start (%d LUNs still quarantined '
                    'for a wipe): %s' % (len(waiting), '; '.join(leaks)[:4000]))
            time.sleep(3)
        leftovers = self.cli.list('list', '--all-tenants') + self.cli.list(
            'attachment-list', '--all-tenants')
        if leftovers:
            raise harness.StepFailed('cinder still has %s' % leftovers)
        reasons = sorted({reason for _d, reason in history})
        return 'pools, directories and guests as at the start%s' % (
            ('; not compared (history, %d differences): %s' % (len(history), ', '.join(reasons)))
            if history else '')

    def no_password_in_logs(self):
        """The xCAT password reaches no log of any process (debug logging on)."""
        _user, password = render.sim_user(self.topology)
        logs = os.path.join(self.work, 'logs')
        found, size = [], 0
        for name in sorted(os.listdir(logs)):
            with open(os.path.join(logs, name), 'rb') as f:
                data = f.read()
            size += len(data)
            if password.encode() in data:
                found.append(name)
        if found:
            raise harness.StepFailed('the xCAT password is in %s' % ', '.join(found))
        return '%d logs, %d KiB, debug level' % (len(os.listdir(logs)), size // 1024)

    # -- the plan ----------------------------------------------------------

    def plan(self, steps):
        b1, b2 = self.backends[0], self.backends[-1]
        steps.add('services-up', self.services_up)
        steps.add('sim-baseline', self.sim_baseline)
        steps.add('volume-types', self.volume_types, needs=['services-up'])
        steps.add('create-' + b1, self.create_on(b1), needs=['volume-types'])
        steps.add('create-' + b2, self.create_on(b2), needs=['volume-types'])
        steps.add('list-show', self.list_show, needs=['create-' + b1, 'create-' + b2])
        steps.add('attach', self.attach(b1, '/dev/vdb'), needs=['create-' + b1])
        steps.add('create-second', self.create_on_second(b1), needs=['attach'])
        steps.add('attach-second', self.attach('second', '/dev/vdc'),
                  needs=['create-second'])
        steps.add('second-reuses-fcps', self.reuse_fcps, needs=['attach-second'],
                  driver='zvm')
        steps.add('detach-second', self.detach('second', '/dev/vdc'),
                  needs=['attach-second'])
        steps.add('detach', self.detach(b1, '/dev/vdb'), needs=['attach'])
        steps.add('guest-clean', self.guest_clean, needs=['detach', 'detach-second'],
                  driver='zvm')
        steps.add('exhaustion-error-message', self.exhaustion, needs=['volume-types'])
        steps.add('manage', self.manage, needs=['volume-types'], driver='zvm')
        steps.add('migrate', self.migrate(b1, b1), needs=['detach'], driver='zvm')
        steps.add('delete', self.delete_all, needs=['services-up'])
        steps.add('quarantine-clean', self.quarantine_clean, needs=['delete'],
                  driver='zvm')
        steps.add('data-wiped', self.data_wiped, needs=['delete', 'attach'], driver='zvm')
        steps.add('no-leaks', self.no_leaks, needs=['sim-baseline', 'delete'])
        steps.add('no-password-in-logs', self.no_password_in_logs)

    def create_on_second(self, backend):
        def create():
            show = self.cli.show('create', '--volume-type', PREFIX + backend, '--name',
                                 PREFIX + 'second', 1)
            self.vols['second'] = show['id']
            show = self.wait_status('second', ('available',))
            return 'host %s' % show['os-vol-host-attr:host']
        return create


def planned_steps(driver='zvm'):
    """The names of the scenario's steps, in order, without running anything."""
    args = argparse.Namespace(driver=driver, api='http://127.0.0.1:9/v3',
                              sim_url='http://127.0.0.1:9', sim_ca='', workdir='/nonexistent',
                              leak_wait=0)
    steps = harness.Steps(driver, out=lambda s: None)
    Scenario(args).plan(steps)
    return [name for name, _func, _needs, _driver in steps.steps]


def main(argv=None):
    p = argparse.ArgumentParser(prog='scenario')
    p.add_argument('--driver', choices=sorted(render.DRIVERS), required=True)
    p.add_argument('--api', required=True, help='cinder endpoint .../v3')
    p.add_argument('--sim-url', required=True)
    p.add_argument('--sim-ca', default='')
    p.add_argument('--workdir', required=True)
    p.add_argument('--counts', required=True, help='file for "passed failed skipped"')
    p.add_argument('--results', default=None,
                   help='file for the per-step results as JSON (name, result, ms, note)')
    p.add_argument('--leak-wait', type=float, default=90,
                   help='seconds the simulator state may take to return to the start')
    p.add_argument('--t0-ns', type=int, default=None,
                   help='time.time_ns() at the start of the run, for the timestamps')
    args = p.parse_args(argv)
    steps = harness.Steps(args.driver, out=lambda s: print(s, flush=True), t0_ns=args.t0_ns)
    scenario = Scenario(args)
    scenario.plan(steps)
    return harness.run_steps(steps, args.counts, args.results, scenario.cli.log, 'cinder')


if __name__ == '__main__':
    sys.exit(main())
