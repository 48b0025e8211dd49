"""The scenario's read-backs of the simulator (``/_sim`` over HTTPS).

Every outcome of tools/fullstack/os_scenario.py is asserted here, in the
simulated z/VM systems rather than in what the OpenStack APIs say: pool
rows, the guests' directories and Linux state, the LUNs' bytes (their
backing files), the xCAT calls, and the logs of every process.
"""

import os
import re
import time

from tools.fullstack import harness
from tools.fullstack import render

PREFIX = 'fs-'
# Written at both ends of a LUN, as a guest writing its volume would.
MARKER = b'cinder-zvm fullstack: data of a volume'


class SimChecks:

    def __init__(self, args):
        self.args = args
        self.work = args.workdir
        self.topology = render.load_topology()
        self.backends = [name for name, _s in render.backends(self.topology)]
        self.vols = {}          # short name -> volume id
        self.markers = {}       # short name -> (LUN backing file, size)
        self.baseline = None
        self.baseline_guests = {}
        from zvm_sim.admin_client import AdminClient
        self.admin = AdminClient(args.sim_url, ca_file=args.sim_ca or None)

    # -- pools ---------------------------------------------------------------

    def pool_rows(self, hv):
        return {pool: self.admin.pool(hv, pool)
                for pool in self.admin.state()['pools'].get(hv, {})}

    def rows_owned(self, hv, owner):
        return [(pool, row) for pool, rows in self.pool_rows(hv).items()
                for row in rows if row['owner'] == owner]

    def rows_with_owner_prefix(self, hv, prefix):
        return ['%s/%s:%s' % (pool, row['wwpn'], row['lun'])
                for pool, rows in self.pool_rows(hv).items()
                for row in rows if row['owner'].startswith(prefix)]

    def row_at(self, hv, pool, wwpn, lun):
        for row in self.admin.pool(hv, pool):
            if row['wwpn'] == wwpn and row['lun'] == lun:
                return row
        raise harness.StepFailed('LUN %s:%s gone from %s/%s' % (wwpn, lun, hv, pool))

    # -- guests ---------------------------------------------------------------

    def guest_luns(self, node):
        units = self.admin.guest(node)['linux']['kernel']['units']
        return {lun for ports in units.values() for luns in ports.values() for lun in luns}

    def fcps_of_lun(self, node, lun):
        """The guest's FCP devices that have a unit for ``lun``."""
        units = self.admin.guest(node)['linux']['kernel']['units']
        return sorted(dev for dev, ports in units.items()
                      if any(lun in luns for luns in ports.values()))

    # -- the LUNs' data -------------------------------------------------------

    def write_marker(self, name, wwpn, lun, volume_bytes):
        """What the guest writes to its volume.

        A marker at the start, at the end of the volume and at the end of
        the LUN (which the guest sees whole).
        """
        path = self.admin.lun_path(wwpn, lun)
        offsets = sorted({0, volume_bytes - len(MARKER),
                          os.path.getsize(path) - len(MARKER)})
        with open(path, 'r+b') as f:
            for offset in offsets:
                f.seek(offset)
                f.write(MARKER)
        self.markers[name] = (path, offsets)
        return path

    @staticmethod
    def marker_offsets(path, offsets):
        """Those of ``offsets`` where ``path`` (a LUN) holds the marker."""
        found = []
        with open(path, 'rb') as f:
            for offset in offsets:
                f.seek(offset)
                if f.read(len(MARKER)) == MARKER:
                    found.append(offset)
        return found

    def data_wiped(self):
        """The deleted volumes' data is gone from their LUNs (wipe on delete)."""
        if not self.markers:
            raise harness.StepFailed('no volume data was written')
        for name, (path, offsets) in self.markers.items():
            left = self.marker_offsets(path, offsets)
            if left:
                raise harness.StepFailed('volume %s: its data is still on the LUN '
                                         '(%s at %s)' % (name, path, left))
        return '%d LUN(s) no longer hold the data written to them (%s)' % (
            len(self.markers), ', '.join(sorted(self.markers)))

    # -- the operator's tools -------------------------------------------------

    def quarantine_clean(self):
        """What the operator runs for deleted volumes' LUNs: wipe, then free.

        A LUN whose wipe failed at delete stays quarantined (owner
        wipe-<id>); cinder-zvm-quarantine lists it, wipes it over a host
        attach on the backend's Cinder node and returns it to the pool.
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

    # -- the start and the end ------------------------------------------------

    def sim_baseline(self):
        self.baseline = self.admin.state()
        return '%d pools' % sum(len(p) for p in self.baseline['pools'].values())

    def cinder_node_rules(self):
        """Rules accepting the Cinder nodes' own FCP dedications.

        A Cinder node's FCP devices (zvm_cinder_node_fcp) are dedicated to
        it at its first host attach and stay: that is the node's
        configuration, not a leak.
        """
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

    def wait_state_back(self):
        """Wait until the simulator's state equals the baseline; the history notes.

        A deleted volume's LUN may still be waiting for its wipe: it gets
        --leak-wait seconds before it counts as a leak.
        """
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
