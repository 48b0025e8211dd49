"""The sysfs (and /proc/cio_ignore) view of the kernel model.

resolve(path) returns a Dir (children names) or an Attr (read and write
callables), or None when the path does not exist. Only the attributes the
zfcp tools, xCAT and the nova templates touch are modelled; writing to a
missing attribute of an existing sysfs directory is -EACCES as on Linux
(sysfs does not create files).
"""

from zvm_sim.core.guest import formats
from zvm_sim.core.guest import kernel as kmod
from zvm_sim.core.guest.shell import FsError


class Dir:
    def __init__(self, children):
        self.children = sorted(children)


class Attr:
    def __init__(self, read=None, write=None):
        self._read = read
        self._write = write

    def read(self):
        if self._read is None:
            raise FsError('Permission denied')
        return self._read()

    def write(self, data):
        if self._write is None:
            raise FsError('Permission denied')
        self._write(data)

    @property
    def writable(self):
        return self._write is not None


def _const(value):
    return lambda: value


class Sysfs:
    def __init__(self, guest):
        self.guest = guest
        self.k = guest.kernel
        self.uevent = guest.uevent    # echo add > .../uevent (persist.py)

    def resolve(self, path):
        parts = [p for p in path.split('/') if p]
        if parts[:1] == ['proc']:
            return self._proc(parts[1:])
        if parts[:1] != ['sys']:
            return None
        parts = parts[1:]
        if not parts:
            return Dir(['block', 'bus', 'class', 'devices'])
        handler = {'bus': self._bus, 'block': self._block, 'class': self._class}.get(parts[0])
        if handler is None:
            return Dir([]) if parts == ['devices'] else None
        return handler(parts[1:])

    # -- /proc -------------------------------------------------------------

    def _proc(self, parts):
        if not parts:
            return Dir(['cio_ignore'])
        if parts == ['cio_ignore']:
            return Attr(self._cio_list, self._cio_write)
        return None

    def _cio_list(self):
        lines = []
        if self.k.cio_ignore_all:
            lines.append('0.0.0000-0.0.ffff (all, except freed devices)')
        lines.extend('0.0.' + d for d in sorted(self.k.cio_added))
        return ''.join(line + '\n' for line in lines)

    def _cio_write(self, data):
        words = data.split()
        if len(words) != 2 or words[0] not in ('free', 'add'):
            raise FsError(kmod.EINVAL)
        for item in words[1].split(','):
            try:
                devno = formats.norm_devno(item)
            except ValueError:
                raise FsError(kmod.EINVAL)
            (self.k.cio_free if words[0] == 'free' else self.k.cio_add)(devno)

    # -- /sys/bus ----------------------------------------------------------

    def _bus(self, parts):
        if not parts:
            return Dir(['ccw', 'scsi'])
        if parts[0] == 'ccw':
            return self._ccw(parts[1:])
        if parts[0] == 'scsi':
            return self._scsi_bus(parts[1:])
        return None

    def _ccw(self, parts):
        if not parts:
            return Dir(['devices', 'drivers'])
        if parts[0] == 'devices':
            return self._ccw_devices(parts[1:])
        if parts[0] == 'drivers':
            if len(parts) == 1:
                return Dir(['zfcp'])
            if parts[1] == 'zfcp':
                return self._zfcp(parts[2:])
        return None

    def _devno(self, name):
        if not name.startswith('0.0.'):
            return None
        try:
            devno = formats.norm_devno(name)
        except ValueError:
            return None
        if formats.busid(devno) != name or not self.k.visible(devno):
            return None
        return devno

    def _ccw_devices(self, parts):
        if not parts:
            return Dir([formats.busid(d) for d in self.k.visible_devices()])
        devno = self._devno(parts[0])
        if devno is None:
            return None
        rest = parts[1:]
        host = self.k.scsi_host(devno)
        if not rest:
            names = ['online', 'uevent', 'cutype', 'devtype', 'availability']
            if host is not None:
                names.append('host%d' % host)
            return Dir(names)
        if rest == ['online']:
            return Attr(lambda: '1\n' if devno in self.k.online else '0\n',
                        lambda data: self._online_store(devno, data))
        if rest == ['uevent']:
            return Attr(lambda: 'DRIVER=zfcp\nCU_TYPE=1731\nDEV_TYPE=1732\n',
                        lambda data: self._uevent_store(devno, data))
        if rest == ['cutype']:
            return Attr(_const('1731/03\n'))
        if rest == ['devtype']:
            return Attr(_const('1732/03\n'))
        if rest == ['availability']:
            return Attr(_const('good\n'))
        if host is not None and rest == ['host%d' % host]:
            return Dir(['fc_host'])
        return None

    def _online_store(self, devno, data):
        value = data.strip()
        if value in ('1', 'force'):
            self.k.set_online(devno)
        elif value == '0':
            self.k.set_offline(devno)
        else:
            raise FsError(kmod.EINVAL)

    def _uevent_store(self, devno, data):
        action = data.strip()
        if action not in ('add', 'change', 'remove', 'move', 'online', 'offline'):
            raise FsError(kmod.EINVAL)
        self.uevent(devno, action)

    def _zfcp(self, parts):
        if not parts:
            return Dir([formats.busid(d) for d in self.k.visible_devices()])
        devno = self._devno(parts[0])
        if devno is None:
            return None
        rest = parts[1:]
        ports = self.k.ports.get(devno, []) if devno in self.k.online else []
        if not rest:
            return Dir(['online', 'port_rescan', 'port_remove'] + ['0x' + w for w in ports])
        if rest == ['online']:
            return self._ccw_devices([parts[0], 'online'])
        if rest == ['port_rescan']:
            return Attr(None, lambda data: self.k.port_rescan(devno))
        if rest == ['port_remove']:
            return Attr(None, lambda data: None)
        wwpn = rest[0][2:] if rest[0].startswith('0x') else None
        if wwpn not in ports:
            return None
        rest = rest[1:]
        luns = self.k.units.get(devno, {}).get(wwpn, [])
        if not rest:
            return Dir(['unit_add', 'unit_remove', 'failed', 'in_recovery'] +
                       ['0x' + lun for lun in luns])
        if rest == ['unit_add']:
            return Attr(None, lambda data: self.k.unit_add(devno, wwpn, data))
        if rest == ['unit_remove']:
            return Attr(None, lambda data: self.k.unit_remove(devno, wwpn, data))
        if rest in (['failed'], ['in_recovery']):
            return Attr(_const('0\n'))
        if rest[0].startswith('0x') and rest[0][2:] in luns:
            if len(rest) == 1:
                return Dir(['failed', 'in_recovery', 'status'])
            if len(rest) == 2 and rest[1] in ('failed', 'in_recovery'):
                return Attr(_const('0\n'))
            if len(rest) == 2 and rest[1] == 'status':
                return Attr(_const('0x54000000\n'))
        return None

    # -- SCSI devices ------------------------------------------------------

    def _disk_attrs(self, disk, rest):
        if not rest:
            return Dir(['delete', 'rescan', 'fcp_lun', 'hba_id', 'wwpn', 'state'])
        name = rest[0]
        if len(rest) != 1:
            return None
        if name == 'delete':
            return Attr(None, lambda data: self.k.delete_disk(disk.name))
        if name == 'rescan':
            # the size is read from the LUN's backing file on every access
            return Attr(None, lambda data: None)
        values = {'fcp_lun': '0x' + disk.lun, 'hba_id': formats.busid(disk.devno),
                  'wwpn': '0x' + disk.wwpn, 'state': 'running'}
        if name in values:
            return Attr(_const(values[name] + '\n'))
        return None

    def _block(self, parts):
        maps = self.guest.multipath.dm_devices()
        if not parts:
            return Dir([d.name for d in self.k.sorted_disks()] + list(maps))
        if parts[0] in maps:
            return self._dm(parts[0], maps[parts[0]], parts[1:])
        disk = self.k.disks.get(parts[0])
        if disk is None:
            return None
        holders = [dm for dm, (_, mp) in maps.items() if disk.name in mp['paths']]
        if len(parts) == 1:
            return Dir(['device', 'size', 'holders'])
        if parts[1] == 'device':
            return self._disk_attrs(disk, parts[2:])
        if parts[1:] == ['size']:
            return Attr(lambda: '%d\n' % (self.guest.disk_size(disk) // 512))
        if parts[1] == 'holders':
            if len(parts) == 2:
                return Dir(holders)
            if len(parts) == 3 and parts[2] in holders:
                return Dir([])
        return None

    def _dm(self, dm, entry, rest):
        name, mp = entry
        if not rest:
            return Dir(['dm', 'slaves', 'size'])
        if rest == ['dm']:
            return Dir(['name', 'uuid'])
        if rest == ['dm', 'name']:
            return Attr(_const(name + '\n'))
        if rest == ['dm', 'uuid']:
            return Attr(_const('mpath-%s\n' % mp['wwid']))
        if rest == ['slaves']:
            return Dir(mp['paths'])
        if len(rest) == 2 and rest[0] == 'slaves' and rest[1] in mp['paths']:
            return Dir([])
        if rest == ['size']:
            disks = [self.k.disks[p] for p in mp['paths'] if p in self.k.disks]
            size = self.guest.disk_size(disks[0]) if disks else 0
            return Attr(_const('%d\n' % (size // 512)))
        return None

    def _scsi_bus(self, parts):
        by_hctl = {self.k.hctl(d): d for d in self.k.disks.values()}
        if not parts:
            return Dir(['devices'])
        if parts[0] != 'devices':
            return None
        if len(parts) == 1:
            return Dir(by_hctl)
        disk = by_hctl.get(parts[1])
        if disk is None:
            return None
        return self._disk_attrs(disk, parts[2:])

    # -- /sys/class/fc_host ------------------------------------------------

    def _class(self, parts):
        hosts = {'host%d' % n: d for d, n in self.k.online.items()}
        if not parts:
            return Dir(['fc_host'])
        if parts[0] != 'fc_host':
            return None
        if len(parts) == 1:
            return Dir(hosts)
        devno = hosts.get(parts[1])
        if devno is None:
            return None
        if len(parts) == 2:
            return Dir(['port_name', 'node_name', 'port_state'])
        info = self.k.active().get(devno, {})
        wwpn = formats.norm_wwpn(info.get('wwpn', '0'))
        values = {'port_name': '0x' + wwpn, 'node_name': '0x' + wwpn,
                  'port_state': 'Online'}
        if len(parts) == 3 and parts[2] in values:
            return Attr(_const(values[parts[2]] + '\n'))
        return None
