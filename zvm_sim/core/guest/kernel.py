"""The volatile kernel state of a guest: CIO blacklist, zfcp, SCSI disks.

Everything here is lost at power off. The rules it follows (Linux
drivers/s390/cio and drivers/s390/scsi/zfcp_sysfs.c):

- a CCW device exists in sysfs only when it is in the guest's active z/VM
  configuration (host.active_fcp_devices()) and not on the CIO blacklist;
- ``online`` 1 runs the zfcp adapter: it gets a SCSI host (hostN, numbers
  never reused until reboot) and scans the fabric, so the remote ports the
  FCP device can reach appear as ``0x<wwpn>`` directories. "Reach" is the
  SAN's answer (host.remote_ports): the target ports of the fabrics whose
  zone holds the device's WWPN (NPIV, else physical). A port outside the
  zone never gets a directory, so its ``unit_add`` does not exist (ENOENT);
- ``port_rescan`` scans again (zfcp_fc.c zfcp_fc_scan_ports): new ports
  appear. Zoning is fixed by the topology, so a port never leaves a zone
  and zfcp_fc_validate_port's removal of vanished ports is not modelled;
- ``unit_add`` parses the value with kstrtoull (base from prefix) and adds a
  unit for the parsed 64-bit LUN; a unit that exists is -EEXIST. The SCSI
  scan then creates a disk only if the LUN answers this initiator
  (host.lun_reachable: it exists behind that port and the storage masks it
  to the device's WWPN). zfcp_unit_add() returns 0 either way
  (zfcp_unit.c: the scan result is not its return value), so a unit for a
  LUN the storage lacks or masks away stays without a disk: its
  ``0x<lun>`` directory exists, lszfcp -D and /sys/block do not list it;
- ``unit_remove`` of an absent unit is -EINVAL; it deletes the SCSI disk;
- ``/sys/block/sdX/device/delete`` deletes the disk, the zfcp unit stays;
- setting an adapter offline removes its disks but zfcp keeps its ports and
  units, which are scanned again when it comes back online;
- an FCP device detached by z/VM disappears with all its state.

Auto LUN scan (zfcp.allow_lun_scan with NPIV) is not modelled: LUNs appear
only through unit_add, as with allow_lun_scan=0 or a non-NPIV subchannel.
"""

from zvm_sim.core.guest import formats
from zvm_sim.core.guest.shell import FsError

ENOENT = 'No such file or directory'
EINVAL = 'Invalid argument'
EEXIST = 'File exists'
ENODEV = 'No such device'


class Disk:
    """One SCSI disk (sdX) on a zfcp unit."""

    __slots__ = ('name', 'devno', 'wwpn', 'lun')

    def __init__(self, name, devno, wwpn, lun):
        self.name, self.devno, self.wwpn, self.lun = name, devno, wwpn, lun

    def to_dict(self):
        return {'name': self.name, 'devno': self.devno, 'wwpn': self.wwpn, 'lun': self.lun}


class Kernel:
    """CIO + zfcp + SCSI state. listener(event, **info) hears add/remove."""

    def __init__(self, host, listener=None):
        self.host = host
        self.listener = listener or (lambda event, **info: None)
        self.reset(ignore_all=True, freed=())

    # -- lifecycle ---------------------------------------------------------

    def reset(self, ignore_all, freed):
        """Boot: empty state, blacklist 'all' minus the freed devices."""
        self.cio_ignore_all = ignore_all
        self.cio_freed = set(freed)
        self.cio_added = set()
        self.online = {}          # devno -> SCSI host number
        self.next_host = 0
        self.ports = {}           # devno -> [wwpn] in discovery order
        self.units = {}           # devno -> {wwpn: [lun]}
        self.disks = {}           # sd name -> Disk

    def to_dict(self):
        return {
            'cio_ignore_all': self.cio_ignore_all,
            'cio_freed': sorted(self.cio_freed),
            'cio_added': sorted(self.cio_added),
            'online': dict(self.online),
            'next_host': self.next_host,
            'ports': {d: list(p) for d, p in self.ports.items()},
            'units': {d: {w: list(ls) for w, ls in u.items()} for d, u in self.units.items()},
            'disks': [disk.to_dict() for disk in self.disks.values()],
        }

    def load(self, data):
        self.cio_ignore_all = data['cio_ignore_all']
        self.cio_freed = set(data['cio_freed'])
        self.cio_added = set(data['cio_added'])
        self.online = dict(data['online'])
        self.next_host = data['next_host']
        self.ports = {d: list(p) for d, p in data['ports'].items()}
        self.units = {d: {w: list(ls) for w, ls in u.items()}
                      for d, u in data['units'].items()}
        self.disks = {d['name']: Disk(**d) for d in data['disks']}

    # -- CIO ---------------------------------------------------------------

    def active(self):
        return {formats.norm_devno(d): v for d, v in self.host.active_fcp_devices().items()}

    def is_ignored(self, devno):
        if devno in self.cio_added:
            return True
        return self.cio_ignore_all and devno not in self.cio_freed

    def visible(self, devno):
        return devno in self.active() and not self.is_ignored(devno)

    def visible_devices(self):
        return sorted(d for d in self.active() if not self.is_ignored(d))

    def cio_free(self, devno):
        self.cio_added.discard(devno)
        self.cio_freed.add(devno)

    def cio_add(self, devno):
        self.cio_freed.discard(devno)
        self.cio_added.add(devno)

    def sync(self):
        """Drop adapters z/VM detached (machine check: device gone)."""
        active = self.active()
        for devno in list(self.online):
            if devno not in active:
                self._drop_disks(devno)
                del self.online[devno]
                self.ports.pop(devno, None)
                self.units.pop(devno, None)

    # -- zfcp adapter ------------------------------------------------------

    def set_online(self, devno):
        if not self.visible(devno):
            raise FsError(ENOENT)
        if devno in self.online:
            return
        self.online[devno] = self.next_host
        self.next_host += 1
        self._scan_ports(devno)
        for wwpn, luns in self.units.get(devno, {}).items():
            if wwpn in self.ports[devno]:
                for lun in luns:
                    self._scan_lun(devno, wwpn, lun)
        self.listener('host_online', devno=devno)

    def set_offline(self, devno):
        if not self.visible(devno) and devno not in self.online:
            raise FsError(ENOENT)
        if devno not in self.online:
            return
        self._drop_disks(devno)
        del self.online[devno]

    def port_rescan(self, devno):
        if devno not in self.online:
            raise FsError(ENODEV)
        self._scan_ports(devno)

    def _scan_ports(self, devno):
        seen = self.ports.setdefault(devno, [])
        found = [formats.norm_wwpn(w) for w in self.host.remote_ports(devno)]
        for wwpn in found:
            if wwpn not in seen:
                seen.append(wwpn)

    def port_visible(self, devno, wwpn):
        return devno in self.online and wwpn in self.ports.get(devno, ())

    def scsi_host(self, devno):
        return self.online.get(devno)

    def target_id(self, devno, wwpn):
        return self.ports[devno].index(wwpn)

    # -- units -------------------------------------------------------------

    def unit_add(self, devno, wwpn, text):
        """echo <text> > .../0.0.<devno>/0x<wwpn>/unit_add."""
        if not self.port_visible(devno, wwpn):
            raise FsError(ENOENT)
        lun = formats.hex16(self._parse(text))
        luns = self.units.setdefault(devno, {}).setdefault(wwpn, [])
        if lun in luns:
            raise FsError(EEXIST)
        luns.append(lun)
        self._scan_lun(devno, wwpn, lun)
        return lun

    def unit_remove(self, devno, wwpn, text):
        if not self.port_visible(devno, wwpn):
            raise FsError(ENOENT)
        lun = formats.hex16(self._parse(text))
        luns = self.units.get(devno, {}).get(wwpn, [])
        if lun not in luns:
            raise FsError(EINVAL)
        disk = self.find_disk(devno, wwpn, lun)
        if disk:
            self._remove_disk(disk)
        luns.remove(lun)
        return lun

    @staticmethod
    def _parse(text):
        try:
            return formats.kstrtoull(text)
        except formats.ParseError as exc:
            raise FsError(exc.strerror)

    def has_unit(self, devno, wwpn, lun):
        return lun in self.units.get(devno, {}).get(wwpn, ())

    # -- SCSI disks --------------------------------------------------------

    def _scan_lun(self, devno, wwpn, lun):
        if self.find_disk(devno, wwpn, lun):
            return
        if not self.host.lun_reachable(devno, wwpn, lun):
            return
        used = {formats.sd_index(name) for name in self.disks}
        index = 0
        while index in used:
            index += 1
        disk = Disk(formats.sd_name(index), devno, wwpn, lun)
        self.disks[disk.name] = disk
        self.listener('disk_add', disk=disk)

    def find_disk(self, devno, wwpn, lun):
        for disk in self.disks.values():
            if (disk.devno, disk.wwpn, disk.lun) == (devno, wwpn, lun):
                return disk
        return None

    def delete_disk(self, name):
        disk = self.disks.get(name)
        if disk is None:
            raise FsError(ENOENT)
        self._remove_disk(disk)

    def _remove_disk(self, disk):
        del self.disks[disk.name]
        self.listener('disk_remove', disk=disk)

    def _drop_disks(self, devno):
        for disk in [d for d in self.disks.values() if d.devno == devno]:
            self._remove_disk(disk)

    def sorted_disks(self):
        return sorted(self.disks.values(), key=lambda d: formats.sd_index(d.name))

    def hctl(self, disk):
        """host:channel:target:lun as lsscsi and lszfcp print it."""
        return '%d:0:%d:%d' % (self.online[disk.devno], self.target_id(disk.devno, disk.wwpn),
                               formats.scsi_lun(disk.lun))
