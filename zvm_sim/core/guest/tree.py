"""The Cinder-node tree: a guest's sysfs and /dev mirrored as real files.

For a guest with ``cinder_node: true`` the simulator gives the host-side
attach code (cinder_zvm.hostattach, configured with a sysfs root and a dev
root under the tree) a directory that looks like the kernel's:

  sys/devices/css0/0.0.<sch>/0.0.<dev>/            the FCP device
      online                      "1" / "0"            (writable)
      port_rescan, port_remove                         (writable)
      0x<wwpn>/unit_add, 0x<wwpn>/unit_remove          (writable)
      0x<wwpn>/0x<lun>/                                 one per unit
      host<N>/fc_host/host<N>/{port_name,node_name,port_state}
  sys/bus/ccw/devices/0.0.<dev>         -> the device dir (symlink)
  sys/bus/ccw/drivers/zfcp/0.0.<dev>    -> the device dir (symlink)
  sys/class/fc_host/host<N>             -> .../0.0.<dev>/host<N>/fc_host/host<N>
  sys/block/sdX/{size,device/{delete,wwpn,fcp_lun,hba_id},holders/dm-N}
  sys/block/dm-N/{dm/name,dm/uuid,slaves/sdX,size}
  dev/sdX, dev/dm-N              -> a loop device over the LUN's backing file
                                    (host.lun_device_path, blockdev.py): a
                                    block device keeps its size
  dev/disk/by-path/..., dev/disk/by-id/..., dev/mapper/<map>, udev rule links

so os-brick's way of finding the devno (the realpath element before
``host<N>``) works, and bytes written through the device land in the LUN's
backing file. TreeMirror rewrites the tree from the model after every
change. TreeReactor is the kernel side: a thread that polls the writable
attributes and applies what other programs wrote (``echo 1 >``, ``tee -a``)
through the same model code as an in-guest write, then resets the file.

Deviation from a kernel: the writer's write() always succeeds (these are
plain files); a value the kernel would refuse has no effect and is listed
in TreeReactor.errors (and the reactor log), like a failing write would
leave the state unchanged.
"""

import contextlib
import logging
import os
import shutil
import threading

from zvm_sim.core.guest import formats
from zvm_sim.core.guest.shell import FsError

LOG = logging.getLogger(__name__)


def _desired(guest):
    """relpath -> ('dir',) | ('file', text, sysfs_path or None) | ('link', target)."""
    want = {}
    k = guest.kernel

    def add_dir(rel):
        parts = rel.split('/')
        for i in range(1, len(parts) + 1):
            want.setdefault('/'.join(parts[:i]), ('dir',))

    def add_file(rel, text, writable=None):
        add_dir(os.path.dirname(rel))
        want[rel] = ('file', text, writable)

    def add_link(rel, target):
        add_dir(os.path.dirname(rel))
        want[rel] = ('link', target)

    for rel in ('sys/bus/ccw/devices', 'sys/bus/ccw/drivers/zfcp', 'sys/class/fc_host',
                'sys/block', 'dev/disk/by-path', 'dev/disk/by-id', 'dev/mapper'):
        add_dir(rel)
    if not guest.powered:
        return want
    for index, devno in enumerate(k.visible_devices()):
        bus = formats.busid(devno)
        devdir = 'sys/devices/css0/0.0.%04x/%s' % (index, bus)
        zfcp = '/sys/bus/ccw/drivers/zfcp/' + bus
        add_file(devdir + '/online', '1\n' if devno in k.online else '0\n',
                 '/sys/bus/ccw/devices/%s/online' % bus)
        add_file(devdir + '/port_rescan', '', zfcp + '/port_rescan')
        add_file(devdir + '/port_remove', '', zfcp + '/port_remove')
        add_link('sys/bus/ccw/devices/' + bus, '../../../devices/css0/0.0.%04x/%s'
                 % (index, bus))
        add_link('sys/bus/ccw/drivers/zfcp/' + bus, '../../../../devices/css0/0.0.%04x/%s'
                 % (index, bus))
        if devno not in k.online:
            continue
        for wwpn in k.ports.get(devno, []):
            port = '%s/0x%s' % (devdir, wwpn)
            add_file(port + '/unit_add', '', '%s/0x%s/unit_add' % (zfcp, wwpn))
            add_file(port + '/unit_remove', '', '%s/0x%s/unit_remove' % (zfcp, wwpn))
            for lun in k.units.get(devno, {}).get(wwpn, []):
                add_dir('%s/0x%s' % (port, lun))
        host = 'host%d' % k.online[devno]
        fc = '%s/%s/fc_host/%s' % (devdir, host, host)
        wwpn = formats.norm_wwpn(k.active()[devno].get('wwpn', '0'))
        add_file(fc + '/port_name', '0x%s\n' % wwpn)
        add_file(fc + '/node_name', '0x%s\n' % wwpn)
        add_file(fc + '/port_state', 'Online\n')
        add_link('sys/class/fc_host/' + host, '../../' + fc[len('sys/'):])
    maps = guest.multipath.dm_devices()
    holders = {sd: dm for dm, (_, mp) in maps.items() for sd in mp['paths']}
    for disk in k.sorted_disks():
        block = 'sys/block/' + disk.name
        backing = guest.host.lun_backing_path(disk.wwpn, disk.lun)
        add_file(block + '/size', '%d\n' % (_size(backing) // 512))
        add_file(block + '/device/delete', '', '/sys/block/%s/device/delete' % disk.name)
        add_file(block + '/device/wwpn', '0x%s\n' % disk.wwpn)
        add_file(block + '/device/fcp_lun', '0x%s\n' % disk.lun)
        add_file(block + '/device/hba_id', formats.busid(disk.devno) + '\n')
        add_dir(block + '/holders')
        if disk.name in holders:
            add_dir('%s/holders/%s' % (block, holders[disk.name]))
        add_link('dev/' + disk.name, guest.host.lun_device_path(disk.wwpn, disk.lun))
    for dm, (name, mp) in maps.items():
        block = 'sys/block/' + dm
        add_file(block + '/dm/name', name + '\n')
        add_file(block + '/dm/uuid', 'mpath-%s\n' % mp['wwid'])
        for sd in mp['paths']:
            add_dir('%s/slaves/%s' % (block, sd))
        first = guest.kernel.disks.get(mp['paths'][0]) if mp['paths'] else None
        if first is not None:
            backing = guest.host.lun_backing_path(first.wwpn, first.lun)
            add_file(block + '/size', '%d\n' % (_size(backing) // 512))
            add_link('dev/' + dm, guest.host.lun_device_path(first.wwpn, first.lun))
    for path, (kind, info) in guest.dev_table().items():
        if kind == 'link':
            add_link(path.lstrip('/'), info)
    return want


def _size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


class TreeMirror:
    """Keeps root_dir in step with the guest model (only what it made)."""

    def __init__(self, guest, root_dir):
        self.guest = guest
        self.root = os.path.abspath(root_dir)
        self.entries = {}
        self.written = {}        # rel -> text last written by the mirror
        self.stamps = {}         # rel -> (size, mtime_ns) after that write
        self.forced = set()      # attributes to reset whatever they hold
        # The tree is rebuilt from the model: what an earlier simulator run
        # left under sys/ and dev/ would otherwise look like pending writes.
        for top in ('sys', 'dev'):
            shutil.rmtree(self._abs(top), ignore_errors=True)

    def _abs(self, rel):
        return os.path.join(self.root, rel)

    def sync(self):
        want = _desired(self.guest)
        for rel in sorted(set(self.entries) - set(want), key=len, reverse=True):
            self._remove(rel)
        for rel in sorted(want, key=lambda r: (r.count('/'), r)):
            self._apply(rel, want[rel])
        self.entries = want
        # the LUNs' block devices this tree no longer shows can go
        if self.guest.powered:
            shown = [(d.wwpn, d.lun) for d in self.guest.kernel.sorted_disks()]
        else:
            shown = []
        self.guest.host.keep_lun_devices(shown)

    def _remove(self, rel):
        path = self._abs(rel)
        try:
            if os.path.islink(path) or os.path.isfile(path):
                os.unlink(path)
            elif os.path.isdir(path):
                os.rmdir(path)
        except OSError:
            pass        # a directory that still holds someone else's files
        self.written.pop(rel, None)
        self.stamps.pop(rel, None)

    def _apply(self, rel, entry):
        path = self._abs(rel)
        kind = entry[0]
        if kind == 'dir':
            if os.path.islink(path) or os.path.isfile(path):
                os.unlink(path)
            os.makedirs(path, exist_ok=True)
            return
        if kind == 'link':
            if os.path.islink(path) and os.readlink(path) == entry[1]:
                return
            if os.path.lexists(path):
                self._clear(path)
            os.symlink(entry[1], path)
            return
        text, writable = entry[1], entry[2]
        if os.path.islink(path) or os.path.isdir(path):
            self._clear(path)
        if rel in self.forced:
            self.forced.discard(rel)
        elif writable and self.pending(rel) is not None:
            return      # an unprocessed write: the reactor handles it first
        elif self.written.get(rel) == text and os.path.exists(path):
            return
        with open(path, 'w') as handle:
            handle.write(text)
        self.written[rel] = text
        self.stamps[rel] = self._stamp(path)

    @staticmethod
    def _clear(path):
        if os.path.isdir(path) and not os.path.islink(path):
            for name in os.listdir(path):
                TreeMirror._clear(os.path.join(path, name))
            os.rmdir(path)
        else:
            os.unlink(path)

    @staticmethod
    def _stamp(path):
        try:
            st = os.stat(path)
        except OSError:
            return None
        return st.st_size, st.st_mtime_ns

    def writable(self):
        return {rel: entry[2] for rel, entry in self.entries.items()
                if entry[0] == 'file' and entry[2]}

    def pending(self, rel):
        """What others wrote to an attribute since the mirror did, or None."""
        path = self._abs(rel)
        stamp = self._stamp(path)
        if stamp is None or stamp == self.stamps.get(rel):
            return None
        try:
            with open(path) as handle:
                text = handle.read()
        except OSError:
            return None
        last = self.written.get(rel, '')
        if text == last:
            self.stamps[rel] = stamp
            return None
        return text[len(last):] if last and text.startswith(last) else text

    def consume(self, rel):
        """Reset an attribute after its write was applied."""
        self.written.pop(rel, None)
        self.stamps.pop(rel, None)
        self.forced.add(rel)


class TreeReactor:
    """Polls the tree's writable attributes and applies writes as the kernel.

    ``TreeReactor(guest, root_dir, lock).start()`` / ``.stop()``; lock (the
    simulator's, optional) is held with the guest's own lock while a write
    is applied. ``poll_once()`` does one pass (tests call it directly).
    """

    def __init__(self, guest, root_dir=None, lock=None, interval=0.03):
        self.guest = guest
        if guest.tree is None or (root_dir and os.path.abspath(root_dir) != guest.tree.root):
            raise ValueError('guest %s has no tree at %s' % (guest.node, root_dir))
        self.mirror = guest.tree
        self.lock = lock
        self.interval = interval
        self.errors = []
        self._stop = threading.Event()
        self._thread = None

    def start(self):
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, daemon=True,
                                            name='tree-reactor-%s' % self.guest.node)
            self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _loop(self):
        while not self._stop.wait(self.interval):
            try:
                self.poll_once()
            except Exception:       # keep the kernel thread alive
                LOG.exception('tree reactor for %s failed', self.guest.node)

    def poll_once(self):
        """Apply every pending write; returns the number applied."""
        applied = 0
        for rel, sysfs_path in sorted(self.mirror.writable().items()):
            data = self.mirror.pending(rel)
            if data is None:
                continue
            self._apply(rel, sysfs_path, data)
            applied += 1
        return applied

    def _apply(self, rel, sysfs_path, data):
        with self.lock or contextlib.nullcontext(), self.guest.lock:
            self.mirror.consume(rel)
            if not self.guest.powered:
                return
            self.guest.kernel.sync()
            values = [v for v in data.split('\n') if v.strip()] or [data]
            for value in values:
                try:
                    self.guest.fs_open_write(sysfs_path)(value + '\n')
                except FsError as exc:
                    message = '%s: write %r: %s' % (sysfs_path, value, exc.strerror)
                    LOG.info('guest %s: %s', self.guest.node, message)
                    self.errors.append(message)
            self.guest.tree.sync()
