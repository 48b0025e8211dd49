"""The simulator's model root: systems, nodes, tables, LUN storage and persistence.

State lives in a directory:

- ``sim.json``: guests (directory, active configuration, power, reader, the
  guest model's state), FCP devices, xCAT tables;
- ``luns.json``: the storage's LUN list (rewritten only when it changes);
- ``zhcp/<zhcp>/zfcp/<pool>.conf``: pool files in xCAT's CSV format;
- ``luns/``: sparse LUN backing files;  ``guests/<node>/``: guest roots.

Every mutating command ends with ``save()``; a new Simulator on the same
directory reads everything back unchanged.  ``reset()`` rebuilds the state from
the topology.  One re-entrant lock guards the model (guests, tables); pool
commands additionally hold the zHCP's pool lock unless running unlocked.
"""

import json
import os
import shutil
import threading

from zvm_sim.core import guestlink
from zvm_sim.core import san as san_mod
from zvm_sim.core import storage
from zvm_sim.core import topology as topo
from zvm_sim.core import zvm

STATE_FILE = 'sim.json'
LUNS_FILE = 'luns.json'
ZVM_COLUMNS = ('node', 'hcp', 'userid', 'nodetype', 'parent', 'comments', 'disable')
TABLE_COLUMNS = {
    'zvm': ZVM_COLUMNS,
    'hosts': ('node', 'ip', 'hostnames', 'otherinterfaces', 'comments', 'disable'),
    'nodetype': ('node', 'os', 'arch', 'profile', 'provmethod', 'supportedarchs',
                 'nodetype', 'comments', 'disable'),
}


def _tables_from(topology):
    zvm_rows, hosts, nodetype = [], [], []
    ip = 10
    for s in topology['systems']:
        zvm_rows.append({'node': s['hypervisor'], 'hcp': s['zhcp'], 'nodetype': 'zvm'})
        zvm_rows.append({'node': s['zhcp'], 'hcp': s['zhcp'], 'userid': s['zhcp_userid'],
                         'nodetype': 'vm', 'parent': s['hypervisor']})
        for g in s['guests']:
            zvm_rows.append({'node': g['node'], 'hcp': s['zhcp'], 'userid': g['userid'],
                             'nodetype': 'vm', 'parent': s['hypervisor']})
            hosts.append({'node': g['node'], 'ip': '10.1.0.%d' % ip})
            nodetype.append({'node': g['node'], 'os': '%s%s' % (g['distro'], g['version']),
                             'arch': 's390x', 'nodetype': 'vm'})
            ip += 1
    return {'zvm': zvm_rows, 'hosts': hosts, 'nodetype': nodetype}


class Simulator:
    """xCAT MN + z/VM systems, persisted in ``state_dir``."""

    def __init__(self, state_dir, topology=None):
        self.state_dir = os.path.abspath(state_dir)
        os.makedirs(self.state_dir, exist_ok=True)
        self.topology = topo.load(topology)
        self.lock = threading.RLock()
        self._reactors = None       # list while serving (start_reactors)
        self.luns = None
        self.unlocked = False
        self.unlocked_delay = 0.2
        # zvm_sim.realxcat.RealXcat in real-xCAT mode: xCAT's zvm.pm runs its commands.
        self.real_xcat = None
        if os.path.exists(os.path.join(self.state_dir, STATE_FILE)):
            self._load()
        else:
            self.reset()

    # --- construction ---

    def _build(self, saved):
        serving = self._reactors is not None
        self.stop_reactors()
        self.luns = storage.LunStore(self.state_dir)
        self.san = san_mod.San(self.topology['san'], self.luns)
        self.systems = {}
        self.pool_files = {}
        saved_systems = {s['hypervisor']: s for s in (saved or {}).get('systems', [])}
        for spec in self.topology['systems']:
            files = storage.PoolFiles(self.state_dir, spec['zhcp'], self._race_delay)
            system = zvm.System(spec, self.luns, self.san, self.guest_root,
                                saved_systems.get(spec['hypervisor']))
            if spec['hypervisor'] in saved_systems:
                system.fcp_devices = saved_systems[spec['hypervisor']]['fcp_devices']
            system.pool_files = files
            self.systems[system.hypervisor] = system
            self.pool_files[system.hypervisor] = files
        if serving:
            self.start_reactors()

    def start_reactors(self):
        """Cinder nodes' tree reactors (the kernel applying writes to their sysfs)."""
        with self.lock:
            if self._reactors is None:
                self._reactors = []
                for system in self.systems.values():
                    for guest in system.guests.values():
                        if guest.cinder_node:
                            reactor = guestlink.start_reactor(guest.linux, self.lock)
                            if reactor is not None:
                                self._reactors.append(reactor)

    def stop_reactors(self):
        reactors, self._reactors = self._reactors or [], None
        for reactor in reactors:
            reactor.stop()
        if self.luns is not None:
            # the Cinder nodes' block devices (loop devices) go with them
            self.luns.block_devices.close()

    def _race_delay(self):
        return self.unlocked_delay if self.unlocked else 0.0

    def reset(self):
        """Back to the topology: pool files rewritten, guests and tables rebuilt."""
        with self.lock:
            serving = self._reactors is not None
            self.stop_reactors()
            for sub in ('zhcp', 'luns', 'guests'):
                shutil.rmtree(os.path.join(self.state_dir, sub), ignore_errors=True)
            self.tables = _tables_from(self.topology)
            self._luns_saved = None
            self._build(None)
            for spec in self.topology['systems']:
                files = self.pool_files[spec['hypervisor']]
                for pool, entries in spec['pools'].items():
                    rows = [storage_row(e) for e in entries]
                    lines = ['#status,wwpn,lun,size,range,owner,channel,tag'] + rows
                    files.write(pool, '\n'.join(lines) + '\n')
                    for e in entries:
                        self.luns.add(e['wwpn'].split(';'), e['lun'],
                                      storage.parse_size(e['size']))
            self.save()
            if serving:
                self.start_reactors()

    def _load(self):
        with open(os.path.join(self.state_dir, STATE_FILE), encoding='utf-8') as f:
            saved = json.load(f)
        self.tables = saved['tables']
        self._build(saved)
        with open(os.path.join(self.state_dir, LUNS_FILE), encoding='utf-8') as f:
            self.luns.load(json.load(f))
        self._luns_saved = self.luns.version

    def save(self):
        with self.lock:
            if getattr(self, '_luns_saved', None) != self.luns.version:
                self._write(LUNS_FILE, self.luns.to_dict())
                self._luns_saved = self.luns.version
            self._write(STATE_FILE, {'systems': [s.to_dict() for s in self.systems.values()],
                                     'tables': self.tables})

    def _write(self, name, data):
        path = os.path.join(self.state_dir, name)
        with open(path + '.tmp', 'w', encoding='utf-8') as f:
            json.dump(data, f, sort_keys=True)
        os.replace(path + '.tmp', path)

    # --- lookups ---

    def guest_root(self, node):
        path = os.path.join(self.state_dir, 'guests', node)
        os.makedirs(path, exist_ok=True)
        return path

    def find_node(self, node):
        """('hypervisor'|'zhcp'|'guest', system, guest-or-None), or None."""
        for s in self.systems.values():
            if node == s.hypervisor:
                return 'hypervisor', s, None
            if node == s.zhcp:
                return 'zhcp', s, None
            if node in s.guests:
                return 'guest', s, s.guests[node]
        return None

    def known_node(self, node):
        if self.find_node(node):
            return True
        return any(r.get('node') == node for r in self.tables.get('zvm', []))

    def guest(self, node):
        found = self.find_node(node)
        return found[2] if found else None

    # --- guests defined and deleted at run time ---

    def define_guest(self, hypervisor, userid, vcpus, memory_mb, disks):
        """A new z/VM user on ``hypervisor`` (zvm.System.define_guest).

        The guest is also an xCAT node from then on (zvm, hosts and
        nodetype rows, as xCAT's z/VM discovery would define it): one
        z/VM, every management API sees it.
        """
        with self.lock:
            system = self.systems[hypervisor]
            guest, error = system.define_guest(userid, vcpus, memory_mb, disks)
            if guest is not None:
                self.tables.setdefault('zvm', []).append(
                    {'node': guest.node, 'hcp': system.zhcp, 'userid': guest.userid,
                     'nodetype': 'vm', 'parent': system.hypervisor})
                self.tables.setdefault('nodetype', []).append(
                    {'node': guest.node, 'arch': 's390x', 'nodetype': 'vm'})
            self.save()
            return guest, error

    def install_guest(self, node, distro, version):
        """An image deployed on the guest's root disk (its Linux from now on)."""
        with self.lock:
            guest = self.guest(node)
            guest.install(distro, version)
            for row in self.tables.get('nodetype', []):
                if row.get('node') == node:
                    row['os'] = '%s%s' % (distro, version)
            self.save()

    def delete_guest(self, node):
        """Logoff and directory delete; the node leaves xCAT's tables too.

        Pool files are left alone (the caller is not xCAT).  True if the
        guest existed.
        """
        with self.lock:
            found = self.find_node(node)
            if not found or found[0] != 'guest':
                return False
            found[1].delete_guest(node)
            for name in ('zvm', 'hosts', 'nodetype'):
                rows = self.tables.get(name, [])
                rows[:] = [r for r in rows if r.get('node') != node]
            shutil.rmtree(os.path.join(self.state_dir, 'guests', node),
                          ignore_errors=True)
            self.save()
            return True

    # --- read-back for tests ---

    def pool_rows(self, hypervisor, pool):
        text = self.pool_files[hypervisor].read(pool)
        rows = []
        for line in (text or '').split('\n'):
            if not line or line.startswith('#'):
                continue
            f = (line.split(',') + [''] * 8)[:8]
            rows.append(dict(zip(('status', 'wwpn', 'lun', 'size', 'range', 'owner',
                                  'channel', 'tag'), f)))
        return rows

    def state(self):
        with self.lock:
            pools = {hv: {p: self.pool_rows(hv, p) for p in files.names()}
                     for hv, files in self.pool_files.items()}
            return {'systems': [s.to_dict() for s in self.systems.values()],
                    'pools': pools, 'tables': self.tables, 'luns': self.luns.to_dict()}


def storage_row(e):
    return ','.join([e['status'], e['wwpn'], e['lun'], e['size'], e['range'], e['owner'],
                     e['channel'], e['tag']])
