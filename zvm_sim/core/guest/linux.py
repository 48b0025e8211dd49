"""GuestLinux: the Linux inside one z/VM guest, as far as zfcp is concerned.

State is split the way a real guest splits it:

- persistent: regular files (FileStore: /etc/zfcp.conf, udev rules,
  multipath wwids/bindings, release files, anything a script wrote outside
  /dev, /run, /tmp);
- volatile: the kernel (kernel.Kernel: CIO blacklist, online FCP devices,
  remote ports, units, sd disks), multipath maps, udev-made links and
  anything under /dev, /run, /tmp. power_off() drops it; power_on() boots:
  only devices in the active z/VM configuration exist, the persistent
  config is re-applied (persist.py), multipathd builds maps, then the
  reader files are processed like the activation engine does (reader.py).

The simulator core passes a *host* (see internals.rst "The simulator's host
interface for guests"). Scripts run through run(); every command behaves
like its Linux counterpart for the zfcp cases (commands/).
"""

import os
import threading

from zvm_sim.core.guest import commands
from zvm_sim.core.guest import distro as distro_mod
from zvm_sim.core.guest import filestore
from zvm_sim.core.guest import formats
from zvm_sim.core.guest import kernel as kernel_mod
from zvm_sim.core.guest import multipath as multipath_mod
from zvm_sim.core.guest import persist
from zvm_sim.core.guest import reader
from zvm_sim.core.guest import shell
from zvm_sim.core.guest import state as state_mod
from zvm_sim.core.guest import sysfs as sysfs_mod
from zvm_sim.core.guest import tree
from zvm_sim.core.guest import udev as udev_mod
from zvm_sim.core.guest import vfs


class GuestLinux(vfs.VfsMixin):
    def __init__(self, node, distro, version, host, root_dir=None):
        distro_mod.check(distro, version)
        self.node = node
        self.distro = distro
        self.version = str(version)
        self.host = host
        self.root_dir = root_dir
        self.lock = threading.RLock()
        self.env = {}
        self.powered = False
        self.store = filestore.FileStore()
        for path, content in distro_mod.base_files(distro, self.version).items():
            self.store.files[path] = content
        self.kernel = kernel_mod.Kernel(host, self._kernel_event)
        self.sysfs = sysfs_mod.Sysfs(self)
        self.udev = udev_mod.Udev(self)
        self.multipath = multipath_mod.Multipath(self)
        self.tree = None
        if root_dir:
            self.tree = tree.TreeMirror(self, root_dir)
            self.tree.sync()

    def __repr__(self):
        power = 'on' if self.powered else 'off'
        return '<GuestLinux %s %s %s %s>' % (self.node, self.distro, self.version, power)

    # -- running scripts ---------------------------------------------------

    def run(self, command, broken=None):
        """Run a (multi-line) script like ``bash -c``: -> (rc, out, err).

        ``broken``: {command name: stderr text}: those commands fail (rc 1)
        during this run (a test control of the simulator).
        """
        with self.lock:
            if not self.powered:
                raise RuntimeError('guest %s is powered off' % self.node)
            self.kernel.sync()
            self._broken = dict(broken or {})
            try:
                return shell.Shell(self).run(command)
            finally:
                self._broken = {}
                self._changed()

    def lookup_command(self, name):
        text = getattr(self, '_broken', {}).get(name)
        if text is not None:
            return lambda inv: (1, '', text)
        return commands.lookup(name, self)

    # -- power -------------------------------------------------------------

    def power_on(self, reader_files=()):
        """Boot, re-apply the persistent config, process reader files.

        Returns one result dict per reader file (see reader.process).
        """
        with self.lock:
            config = persist.read_all(self.store, self.distro)
            self.kernel.reset(ignore_all=True, freed=persist.boot_freed(config))
            self.multipath.reset()
            self.udev.reset()
            self.powered = True
            self._apply_persistent(config)
            self.multipath.reload()
            try:
                return reader.process(self, list(reader_files or ()))
            finally:
                self._changed()

    def power_off(self):
        """Volatile state is lost; persistent files are kept."""
        with self.lock:
            self.powered = False
            self.kernel.reset(ignore_all=True, freed=())
            self.multipath.reset()
            self.udev.reset()
            self.store.drop_volatile()
            self._changed()

    # the names internals.rst uses
    boot = power_on
    shutdown = power_off

    def _apply_persistent(self, config, only=None):
        """Apply udev zfcp rules (all distros) and zfcp.conf (RHEL)."""
        k = self.kernel
        for devno in config['online']:
            if (only is None or devno == only) and k.visible(devno):
                _quiet(k.set_online, devno)
        for devno, wwpn, lun in config['units']:
            if (only is None or devno == only) and k.port_visible(devno, wwpn):
                _quiet(k.unit_add, devno, wwpn, lun)
        # zfcpconf.sh: online if needed, port_rescan if the port is missing,
        # then the LUN text as written in the file goes to unit_add
        for devno, wwpn, lun in config['zfcp_conf']:
            if not k.visible(devno):
                continue
            _quiet(k.set_online, devno)
            if not k.port_visible(devno, wwpn):
                _quiet(k.port_rescan, devno)
            if k.port_visible(devno, wwpn):
                _quiet(k.unit_add, devno, wwpn, lun)

    def uevent(self, devno, action):
        """``echo add > /sys/bus/ccw/devices/0.0.<dev>/uevent``."""
        if action in ('add', 'change'):
            self._apply_persistent(persist.read_all(self.store, self.distro), only=devno)
            if self.distro == 'rhel':
                # RHEL's 56-zfcp.rules runs zfcpconf.sh for the whole file
                config = persist.read_all(self.store, 'rhel')
                self._apply_persistent({'online': [], 'units': [],
                                        'zfcp_conf': config['zfcp_conf']})

    def _kernel_event(self, event, **info):
        if event == 'disk_add':
            self.udev.event(info['disk'].name, 'add')
        elif event == 'disk_remove':
            self.udev.remove(info['disk'].name)
            self.multipath.remove_path(info['disk'].name)

    def _changed(self):
        if self.tree is not None:
            self.tree.sync()

    # -- devices -----------------------------------------------------------

    def wwid_of(self, disk):
        return self.host.lun_wwid(disk.wwpn, disk.lun)

    def disk_size(self, disk):
        """Bytes of a disk: the size of its LUN's backing file."""
        try:
            return os.path.getsize(self.host.lun_backing_path(disk.wwpn, disk.lun))
        except (OSError, TypeError, ValueError):
            return 0

    def block_devices(self):
        names = [d.name for d in self.kernel.sorted_disks()]
        return names + sorted(self.multipath.dm_devices())

    def device_properties(self, device):
        """udev properties of sdX / dm-N for rule matching, or None."""
        if device.startswith('dm-'):
            entry = self.multipath.dm_devices().get(device)
            if entry is None:
                return None
            name, mp = entry
            return {'KERNEL': device, 'SUBSYSTEM': 'block', 'ENV{DM_NAME}': name,
                    'ENV{DM_UUID}': 'mpath-' + mp['wwid'], 'ENV{ID_SERIAL}': mp['wwid'],
                    'ENV{DEVTYPE}': 'disk'}
        disk = self.kernel.disks.get(device)
        if disk is None:
            return None
        return {'KERNEL': device, 'SUBSYSTEM': 'block', 'ENV{DEVTYPE}': 'disk',
                'ATTRS{wwpn}': '0x' + disk.wwpn, 'ATTRS{fcp_lun}': '0x' + disk.lun,
                'ATTRS{hba_id}': formats.busid(disk.devno),
                'ENV{ID_SERIAL}': self.wwid_of(disk), 'KERNELS': self.kernel.hctl(disk),
                'SUBSYSTEMS': 'scsi', 'DRIVERS': 'sd'}

    def dev_table(self):
        """Every node udev/devtmpfs made: path -> (kind, info)."""
        table = {'/dev/null': ('char', None), '/dev/zero': ('char', None)}
        mapped = {}
        for name, mp in self.multipath.maps.items():
            dm = 'dm-%d' % mp['dm']
            table['/dev/' + dm] = ('block', None)
            table['/dev/mapper/' + name] = ('link', '../' + dm)
            table['/dev/disk/by-id/dm-uuid-mpath-' + mp['wwid']] = ('link', '../../' + dm)
            table['/dev/disk/by-id/dm-name-' + name] = ('link', '../../' + dm)
            mapped[mp['wwid']] = dm
        for disk in self.kernel.sorted_disks():
            table['/dev/' + disk.name] = ('block', disk)
            for name in formats.by_path_names(self.distro, disk.devno, disk.wwpn, disk.lun):
                table['/dev/disk/by-path/' + name] = ('link', '../../' + disk.name)
            wwid = self.wwid_of(disk)
            by_id = '/dev/disk/by-id/scsi-' + wwid
            if by_id not in table:
                table[by_id] = ('link', '../../' + mapped.get(wwid, disk.name))
        for link, target in self.udev.dev_entries().items():
            table[link] = ('link', target)
        return table

    # -- serialisation -----------------------------------------------------

    def to_dict(self):
        with self.lock:
            return {'node': self.node, 'distro': self.distro, 'version': self.version,
                    'powered': self.powered, 'files': self.store.to_dict(),
                    'kernel': self.kernel.to_dict(), 'multipath': self.multipath.to_dict(),
                    'udev': self.udev.to_dict()}

    @classmethod
    def from_dict(cls, data, host, root_dir=None):
        guest = cls(data['node'], data['distro'], data['version'], host, root_dir=None)
        guest.powered = data['powered']
        guest.store = filestore.FileStore.from_dict(data['files'])
        guest.kernel.load(data['kernel'])
        guest.multipath.load(data['multipath'])
        guest.udev.load(data['udev'])
        if root_dir:
            guest.root_dir = root_dir
            guest.tree = tree.TreeMirror(guest, root_dir)
            guest.tree.sync()
        return guest

    def state(self):
        """A read-back dict for tests and the simulator's admin API."""
        with self.lock:
            if self.powered:
                self.kernel.sync()
            return state_mod.build(self)


def _quiet(func, *args):
    """Boot scripts ignore individual failures, like udev rules do."""
    try:
        func(*args)
    except shell.FsError:
        pass
