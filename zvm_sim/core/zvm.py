"""The z/VM side of the simulator: FCP devices, guests' directory and active configuration.

What SMAPI does for the calls xCAT makes (zvm.pm changeVM / powerVM), kept small:

- Directory (Image_Device_Dedicate_DM / _Undedicate_DM) always changes.
- Active configuration (Image_Device_Dedicate / _Undedicate) exists only while
  the guest is logged on; xCAT calls it only when ``rpower stat`` says on.
- Logon (Image_Activate) builds the active configuration from the directory
  (a device already attached to another logged-on guest is left out, as CP
  does), then the guest's Linux boots and processes its reader (class X
  files punched by ``--aemod``/``--punchfile``), as the activation engine does.
- System_WWPN_Query reports an FCP device ``Active`` while a logged-on guest
  has it attached, ``Offline`` when the topology says so, else ``Free``.

SMAPI return/reason codes used in messages follow the SMAPI reference where
known (404/4 "already defined", 404/8 "does not exist", 200/8 "already
active", 200/12 "already logged off"); the device-busy case uses 204/8.

Guests come and go too (``System.define_guest`` / ``delete_guest``, what
Image_Create_DM and the Cloud Connector's deletevm do): a new guest has a
directory entry and minidisks from the system's disk pool but no operating
system (``linux`` is None) until an image is deployed on it; deleting one
logs it off (its dedicated FCP devices leave the active configuration) and
removes its directory entry, minidisks and all.  The zHCP pool files are not
touched: SMAPI knows nothing of them.
"""

import re

from zvm_sim.core import guestlink


def _smapi_fail(action, rc, rs, desc):
    return '%s... Failed\n  Return Code: %d\n  Reason Code: %d\n  Description: %s' % (
        action, rc, rs, desc)


class Guest:
    """A z/VM user (guest) and the Linux inside it."""

    def __init__(self, system, spec, linux_state=None):
        self.system = system
        self.node = spec['node']
        self.userid = spec['userid']
        self.distro = spec['distro']
        self.version = spec['version']
        self.cinder_node = spec.get('cinder_node', False)
        self.reachable_when_on = spec.get('reachable', True)
        self.power = spec.get('power', 'off')
        self.directory = dict(spec.get('directory') or
                              {d: {'raddr': d, 'mode': '0'} for d in spec.get('dedicated', [])})
        self.active = dict(spec.get('active') or {})
        if self.power == 'on' and spec.get('active') is None:
            self.active = {v: d['raddr'] for v, d in self.directory.items()}
        self.reader = list(spec.get('reader') or [])
        self.loaddev = dict(spec.get('loaddev') or {})
        self.boot_results = list(spec.get('boot_results') or [])
        # Minidisks {vdev: {'size_bytes', 'pool'}} and the CPU/memory of
        # guests defined at run time (topology guests have none).
        self.mdisks = dict(spec.get('mdisks') or {})
        self.memory_mb = spec.get('memory_mb')
        self.vcpus = spec.get('vcpus')
        self.paused = bool(spec.get('paused', False))
        self.linux = guestlink.make_linux(self, linux_state)

    @property
    def reachable(self):
        return self.power == 'on' and self.reachable_when_on and \
            self.linux is not None and not self.paused

    def to_dict(self):
        return {'node': self.node, 'userid': self.userid, 'distro': self.distro,
                'version': self.version, 'cinder_node': self.cinder_node,
                'reachable': self.reachable_when_on, 'power': self.power,
                'directory': self.directory, 'active': self.active,
                'reader': self.reader, 'loaddev': self.loaddev,
                'boot_results': self.boot_results,
                'mdisks': self.mdisks, 'memory_mb': self.memory_mb,
                'vcpus': self.vcpus, 'paused': self.paused,
                'linux': guestlink.linux_to_dict(self.linux)}

    def view(self):
        """Read-back for tests: to_dict() plus the Linux model's state view."""
        data = self.to_dict()
        data['linux_state'] = guestlink.linux_state(self.linux)
        return data

    # --- host interface for the guest model (internals.rst) ---

    def active_fcp_devices(self):
        out = {}
        for vaddr, raddr in self.active.items():
            dev = self.system.fcp_devices.get(raddr)
            if dev is not None:
                out[vaddr] = {'chpid': dev['chpid'],
                              'wwpn': dev['npiv_wwpn'] or dev['physical_wwpn']}
        return out

    def initiator_wwpn(self, devno):
        """WWPN the FCP device at ``devno`` logs in with, None if not attached."""
        devno = devno.lower()[-4:].zfill(4)
        dev = self.system.fcp_devices.get(self.active.get(devno))
        if dev is None:
            return None
        return dev['npiv_wwpn'] or dev['physical_wwpn']

    def remote_ports(self, devno):
        initiator = self.initiator_wwpn(devno)
        if initiator is None:
            return []
        return self.system.san.remote_ports(initiator)

    def lun_exists(self, wwpn, lun):
        return self.system.luns.find(wwpn, lun) is not None

    def lun_reachable(self, devno, wwpn, lun):
        initiator = self.initiator_wwpn(devno)
        if initiator is None:
            return False
        return self.system.san.lun_reachable(initiator, wwpn, lun)

    def lun_wwid(self, wwpn, lun):
        return self.system.luns.wwid(wwpn, lun)

    def lun_backing_path(self, wwpn, lun):
        return self.system.luns.backing_path(wwpn, lun)

    def lun_device_path(self, wwpn, lun):
        """The block device a Cinder node's tree shows for the LUN (blockdev.py)."""
        return self.system.luns.device_path(wwpn, lun, holder=self.node)

    def keep_lun_devices(self, wwpn_luns):
        self.system.luns.keep_devices(self.node, wwpn_luns)

    def guest_root(self):
        return self.system.guest_root(self.node)

    # --- SMAPI ---

    def dedicate_dm(self, vaddr, raddr, mode):
        """Image_Device_Dedicate_DM."""
        vaddr, raddr = vaddr.lower().zfill(4), raddr.lower().zfill(4)
        if vaddr in self.directory:
            return False, _smapi_fail("Dedicating device %s to %s's directory entry"
                                      % (raddr.upper(), self.userid), 404, 4,
                                      'Image device already defined')
        if raddr not in self.system.fcp_devices:
            return False, _smapi_fail("Dedicating device %s to %s's directory entry"
                                      % (raddr.upper(), self.userid), 404, 12,
                                      'Image device does not exist')
        self.directory[vaddr] = {'raddr': raddr, 'mode': mode}
        return True, "Dedicating device %s to %s's directory entry... Done" % (
            raddr.upper(), self.userid)

    def dedicate_active(self, vaddr, raddr, mode):
        """Image_Device_Dedicate (guest logged on)."""
        vaddr, raddr = vaddr.lower().zfill(4), raddr.lower().zfill(4)
        action = "Dedicating device %s to %s's active configuration" % (
            raddr.upper(), self.userid)
        holder = self.system.active_holder(raddr)
        if vaddr in self.active or (holder and holder is not self):
            return _smapi_fail(action, 204, 8, 'Image device already in use')
        if raddr not in self.system.fcp_devices:
            return _smapi_fail(action, 204, 12, 'Image device does not exist')
        self.active[vaddr] = raddr
        return action + '... Done'

    def undedicate_dm(self, vaddr):
        vaddr = vaddr.lower().zfill(4)
        action = "Removing device %s from %s's directory entry" % (vaddr.upper(), self.userid)
        if self.directory.pop(vaddr, None) is None:
            return _smapi_fail(action, 404, 8, 'Image device does not exist')
        return action + '... Done'

    def undedicate_active(self, vaddr):
        vaddr = vaddr.lower().zfill(4)
        action = "Removing device %s from %s's active configuration" % (
            vaddr.upper(), self.userid)
        if self.active.pop(vaddr, None) is None:
            return _smapi_fail(action, 204, 8, 'Image device not defined')
        return action + '... Done'

    def activate(self):
        """Image_Activate: logon, active config from the directory, boot with the reader."""
        if self.power == 'on':
            return _smapi_fail('Activating %s' % self.userid, 200, 8, 'Image already active')
        self.power = 'on'
        self.active = {}
        for vaddr, d in sorted(self.directory.items()):
            if self.system.active_holder(d['raddr']) is None:
                self.active[vaddr] = d['raddr']
        reader, self.reader = self.reader, []
        self.boot_results = list(guestlink.boot(self.linux, reader))
        return 'Activating %s... Done' % self.userid

    def directory_statements(self):
        """The directory entry as Image_Query_DM lists it (without *DVHOPT)."""
        lines = ['USER %s NOLOG 2G 4G G' % self.userid]
        lines += ['DEDICATE %s %s' % (vaddr.upper(), d['raddr'].upper())
                  for vaddr, d in sorted(self.directory.items())]
        if self.loaddev:
            lines.append('LOADDEV PORTNAME %s' % self.loaddev.get('wwpn', '').upper())
            lines.append('LOADDEV LUN %s' % self.loaddev.get('lun', '').upper())
        return lines

    def deactivate(self):
        """Image_Deactivate -f IMMED."""
        if self.power == 'off':
            return '%s already logged off.' % self.userid
        guestlink.shutdown(self.linux)
        self.power = 'off'
        self.paused = False
        self.active = {}
        return 'Deactivating %s... Done' % self.userid

    def reboot_linux(self):
        """shutdown -r inside the guest: the user stays logged on.

        The active configuration stays; Linux loses its volatile state and
        boots again, processing the reader as at a logon.
        """
        guestlink.shutdown(self.linux)
        reader, self.reader = self.reader, []
        self.boot_results = list(guestlink.boot(self.linux, reader))

    def install(self, distro, version):
        """An image deployed on the root minidisk: Linux exists from now on."""
        self.distro, self.version = distro, str(version)
        self.linux = guestlink.make_linux(self)

    def punch(self, reader_file):
        """Spool a file to the guest's reader (processed at the next logon)."""
        self.reader.append(reader_file)


class System:
    """One z/VM system: its hypervisor node, zHCP, FCP devices and guests."""

    def __init__(self, spec, luns, san, guest_root_fn, state=None):
        self.hypervisor = spec['hypervisor']
        self.zhcp = spec['zhcp']
        self.zhcp_userid = spec['zhcp_userid']
        self.fcp_devices = {k: dict(v) for k, v in spec['fcp_devices'].items()}
        self.disk_pool = dict(spec['disk_pool'])
        self.luns = luns
        self.san = san              # san.San: zoning and LUN masking
        self.guest_root = guest_root_fn
        self.pool_files = None      # storage.PoolFiles, set by the core
        self.guests = {}
        # Saved state is the truth once there is one: guests defined or
        # deleted at run time stay so across a restart.
        for g in (state['guests'] if state else spec['guests']):
            guest = Guest(self, g, g.get('linux') if state else None)
            self.guests[guest.node] = guest

    def active_holder(self, raddr):
        for g in self.guests.values():
            if g.power == 'on' and raddr in g.active.values():
                return g
        return None

    def fcp_status(self, devno):
        dev = self.fcp_devices[devno]
        if dev.get('offline'):
            return 'Offline'
        return 'Active' if self.active_holder(devno) else 'Free'

    def wwpn_query(self):
        """System_WWPN_Query output: 5 lines per FCP device."""
        lines = []
        for devno in sorted(self.fcp_devices):
            dev = self.fcp_devices[devno]
            lines += ['FCP device number: %s' % devno.upper(),
                      'Status: %s' % self.fcp_status(devno),
                      'NPIV world wide port number: %s' % (
                          dev['npiv_wwpn'] or 'NONE').upper(),
                      'Channel path ID: %s' % dev['chpid'].upper(),
                      'Physical world wide port number: %s' % dev['physical_wwpn'].upper()]
        return lines

    # --- host interface used by pools.select_fcp ---

    def owner_dedicates(self, owner):
        guest = self.guests.get(owner)
        if guest is None:
            return []
        return [d['raddr'] for _, d in sorted(guest.directory.items())]

    def used_channels(self):
        """zvmUtils.pm getUsedFcpDevices: channels of pool lines matching used|allocated."""
        used = set()
        for pool in self.pool_files.names():
            for line in (self.pool_files.read(pool) or '').split('\n'):
                if re.search('used|allocated', line, re.I):
                    fields = line.split(',')
                    if len(fields) > 6 and fields[6].strip():
                        used.add(fields[6].strip().upper())
        return used

    def fcp_query(self):
        return [(d.upper(), self.fcp_status(d)) for d in sorted(self.fcp_devices)]

    # --- guests defined and deleted at run time (SMAPI directory calls) ---

    def disk_pool_free(self):
        used = sum(d['size_bytes'] for g in self.guests.values()
                   for d in g.mdisks.values())
        return self.disk_pool['size_bytes'] - used

    def define_guest(self, userid, vcpus, memory_mb, disks):
        """Image_Create_DM, then one Image_Disk_Create_DM per disk.

        ``disks`` is a list of sizes in bytes (the first is the root disk,
        vdev 0100).  Returns (guest or None, error text or None): a user id
        in use is refused before anything is created; a disk the pool
        cannot hold fails after the directory entry exists, as SMAPI does
        (the caller deletes the guest).
        """
        userid = userid.upper()
        node = userid.lower()
        if node in self.guests or userid in {g.userid for g in self.guests.values()}:
            return None, _smapi_fail('Creating %s' % userid, 400, 8,
                                     'Image definition already exists')
        guest = Guest(self, {'node': node, 'userid': userid, 'distro': None,
                             'version': None, 'power': 'off',
                             'vcpus': vcpus, 'memory_mb': memory_mb})
        self.guests[node] = guest
        for i, size in enumerate(disks):
            vdev = '%04x' % (0x100 + i)
            if size > self.disk_pool_free():
                return guest, _smapi_fail(
                    'Adding minidisk %s to %s' % (vdev.upper(), userid), 596,
                    3609, 'not enough free space in disk pool %s'
                    % self.disk_pool['name'])
            guest.mdisks[vdev] = {'size_bytes': size,
                                  'pool': self.disk_pool['name']}
        return guest, None

    def delete_guest(self, node):
        """Logoff (Image_Deactivate) and Image_Delete_DM; True if it existed."""
        guest = self.guests.get(node)
        if guest is None:
            return False
        guest.deactivate()
        del self.guests[node]
        return True

    def to_dict(self):
        return {'hypervisor': self.hypervisor, 'zhcp': self.zhcp,
                'fcp_devices': self.fcp_devices,
                'guests': [g.to_dict() for g in self.guests.values()]}
