"""Backups in ``tools/fullstack.sh --openstack``: cinder-backup, POSIX driver.

cinder-backup runs as its own process on this host, the simulated Cinder
node's host, with cinder's POSIX backup driver on a local folder
(tools/fullstack/openstack.sh ``start_cinder_backup``). Through the
openstack CLI only: a volume with data (written into its LUN as a guest
would), ``volume backup create``, a second volume, ``volume backup
restore --force`` into it, and the data compared byte for byte on the
simulator's LUNs; then everything deleted and the LUNs wiped and freed.
cinder-backup attaches with os-brick (cinder/backup/manager.py
``_attach_volume``): it gets a ``local`` connection over the driver's own
host attach (cinder_zvm/local_connection.py), never os-brick's s390x FC
connector; the Cinder node must hold no LUN afterwards.

Usage (from tools/fullstack.sh --openstack, after os_scenario):
  python -m tools.fullstack.backup_scenario --sim-url URL --sim-ca FILE \
      --workdir DIR --counts FILE [--results FILE] [--t0-ns N]
"""

import hashlib
import json
import os
import sys
import time

from tools.fullstack import harness
from tools.fullstack import render

PREFIX = 'fs-bk-'
MiB = 1 << 20
# Where the data goes in the source LUN: head, middle, tail.
PATTERN_AT = ('head', 'middle', 'tail')


class CLI:
    """The openstack program, keystone auth from the OS_* environment."""

    def __init__(self):
        self.log = []

    def __call__(self, *args, fmt=True, timeout=300):
        argv = ['openstack', '--os-volume-api-version', '3.42'] + [
            str(a) for a in args] + (['-f', 'json'] if fmt else [])
        t = time.monotonic()
        proc = harness.run(argv, timeout=timeout, check=True)
        self.log.append((' '.join(str(a) for a in args), proc.returncode,
                         round(time.monotonic() - t, 2)))
        return json.loads(proc.stdout) if fmt and proc.stdout.strip() else None


def sha256_of(path, length):
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        left = length
        while left:
            block = f.read(min(left, 8 * MiB))
            if not block:
                break
            digest.update(block)
            left -= len(block)
    return digest.hexdigest(), length - left


class BackupScenario:

    def __init__(self, args):
        from zvm_sim.admin_client import AdminClient
        self.args = args
        self.os = CLI()
        self.admin = AdminClient(args.sim_url, ca_file=args.sim_ca or None)
        topology = render.load_topology()
        self.backend, self.system = render.backends(topology)[0]
        self.node = render.cinder_node(self.system)
        self.backups_dir = os.path.join(args.workdir, 'backups')
        self.vols = {}            # short name -> volume id
        self.backup_id = None
        self.source = None        # (LUN backing file, its size, sha256)

    # -- read-backs ------------------------------------------------------

    def row_of(self, name):
        """(pool, row) of the pool entry owned by volume ``name``."""
        owner = 'volume-' + self.vols[name]
        for pool in sorted(self.system.get('pools', {})):
            for row in self.admin.pool(self.backend, pool):
                if row['owner'] == owner:
                    return pool, row
        raise harness.StepFailed('no pool row owned by %s' % owner)

    def lun_file(self, name):
        _pool, row = self.row_of(name)
        return self.admin.lun_path(row['wwpn'], row['lun'])

    def wait_status(self, kind, ident, wanted, timeout=600):
        def check():
            show = self.os('volume', *kind, 'show', ident)
            if show['status'].startswith('error'):
                raise harness.Fatal('%s %s went to %s (%s)' % (
                    ' '.join(kind) or 'volume', ident, show['status'],
                    show.get('fail_reason') or ''))
            return show if show['status'] == wanted else None
        return harness.wait_until(check, timeout, '%s %s %s' % (
            ' '.join(kind) or 'volume', ident, wanted), interval=2)

    def node_holds_no_lun(self):
        """The Cinder node's mirrored sysfs lists no SCSI disk."""
        block = os.path.join(self.admin.guest_root(self.node), 'sys', 'block')
        left = os.listdir(block) if os.path.isdir(block) else []
        if left:
            raise harness.StepFailed('the Cinder node %s still holds %s'
                                     % (self.node, ', '.join(sorted(left))))

    def create_volume(self, name):
        show = self.os('volume', 'create', '--type', PREFIX + self.backend,
                       '--size', 1, PREFIX + name)
        self.vols[name] = show['id']
        self.wait_status((), show['id'], 'available', timeout=180)
        return self.row_of(name)

    # -- steps -----------------------------------------------------------

    def service_up(self):
        def check():
            return [s for s in self.os('volume', 'service', 'list')
                    if s['Binary'] == 'cinder-backup' and s['State'] == 'up']
        services = harness.wait_until(check, 120, 'cinder-backup up',
                                      interval=3)
        return 'cinder-backup on %s' % services[0]['Host']

    def source_volume(self):
        self.os('volume', 'type', 'create', '--property',
                'volume_backend_name=' + self.backend, PREFIX + self.backend)
        pool, row = self.create_volume('source')
        path = self.admin.lun_path(row['wwpn'], row['lun'])
        size = os.path.getsize(path)
        with open(path, 'r+b') as lun:
            for offset in (0, size // 2 + 4097, size - MiB):
                lun.seek(offset)
                lun.write(os.urandom(MiB))
            lun.flush()
            os.fsync(lun.fileno())
        digest, _n = sha256_of(path, size)
        self.source = (path, size, digest)
        return 'LUN %s:%s of %s/%s (%d MiB), 3 MiB of random data' % (
            row['wwpn'], row['lun'], self.backend, pool, size // MiB)

    def backup_create(self):
        show = self.os('volume', 'backup', 'create', '--name', PREFIX + 'backup',
                       self.vols['source'])
        self.backup_id = show['id']
        backup = self.wait_status(('backup',), self.backup_id, 'available')
        self.wait_status((), self.vols['source'], 'available', timeout=60)
        self.node_holds_no_lun()
        _pool, row = self.row_of('source')
        if row['status'] != 'reserved':
            raise harness.StepFailed('source LUN row after the backup: %s' % row)
        files = sum(len(f) for _d, _s, f in os.walk(self.backups_dir))
        if not files:
            raise harness.StepFailed('nothing in %s' % self.backups_dir)
        return 'backup %s available (%s GiB, %d files in %s)' % (
            self.backup_id, backup['size'], files, self.backups_dir)

    def backup_restore(self):
        _pool, row = self.create_volume('target')
        target = self.admin.lun_path(row['wwpn'], row['lun'])
        path, size, digest = self.source
        if os.path.getsize(target) < size:
            raise harness.StepFailed('target LUN smaller than the source LUN: '
                                     'best fit should not give that')
        self.os('volume', 'backup', 'restore', '--force', self.backup_id,
                self.vols['target'])
        self.wait_status((), self.vols['target'], 'available')
        self.wait_status(('backup',), self.backup_id, 'available', timeout=60)
        self.node_holds_no_lun()
        restored, length = sha256_of(target, size)
        if (restored, length) != (digest, size):
            raise harness.StepFailed('restored data differs: sha256 %s of %d '
                                     'bytes, source %s' % (restored, length,
                                                           digest))
        return 'LUN %s:%s holds the %d bytes of the source, byte for byte' % (
            row['wwpn'], row['lun'], size)

    def cleanup(self):
        rows = {name: self.row_of(name) for name in self.vols}
        self.os('volume', 'backup', 'delete', self.backup_id, fmt=False)

        def backup_gone():
            return self.backup_id not in {
                b['ID'] for b in self.os('volume', 'backup', 'list')}
        harness.wait_until(backup_gone, 180, 'backup deleted', interval=2)
        for vid in self.vols.values():
            self.os('volume', 'delete', vid, fmt=False)

        def freed():
            pools = {pool: self.admin.pool(self.backend, pool)
                     for pool, _r in rows.values()}
            return all(r['status'] == 'free'
                       for pool, row in rows.values() for r in pools[pool]
                       if (r['wwpn'], r['lun']) == (row['wwpn'], row['lun']))
        harness.wait_until(freed, 300, 'both LUNs wiped and freed', interval=3)
        self.os('volume', 'type', 'delete', PREFIX + self.backend, fmt=False)
        left = [f for _d, _s, f in os.walk(self.backups_dir) if f]
        if left:
            raise harness.StepFailed('backup files left: %s' % left)
        return 'backup, volumes and type deleted; LUNs wiped and free'

    def plan(self, steps):
        steps.add('backup-service-up', self.service_up)
        steps.add('backup-source-volume', self.source_volume,
                  needs=['backup-service-up'])
        steps.add('backup-create', self.backup_create,
                  needs=['backup-source-volume'])
        steps.add('backup-restore', self.backup_restore,
                  needs=['backup-create'])
        steps.add('backup-cleanup', self.cleanup, needs=['backup-create'])


def planned_steps():
    return harness.planned_steps(BackupScenario)


def main(argv=None):
    return harness.scenario_main('backup_scenario', BackupScenario, argv)


if __name__ == '__main__':
    sys.exit(main())
