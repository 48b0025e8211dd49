# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.
"""The zfcp sysfs and /dev layout of the Cinder node, in one place.

Everything that knows a path below ``/sys`` or ``/dev`` lives here, like
os-brick's ``linuxfc``/``linuxscsi``, but with both roots configurable
(``zvm_cinder_node_sysfs_root``, ``zvm_cinder_node_dev_root``) so that the
same code runs against a real kernel or against a mirrored tree.

The module has two halves:

- pure helpers (format checks, LUN conversions, path building), tested
  directly and free of I/O;
- ``ZfcpSysfs``: the few reads (exists, readlink, small attribute files)
  and writes (through the ``execute`` callable with the root helper, as
  os-brick does with ``tee -a``) that touch the tree.
"""

import dataclasses
import os
import re

from oslo_concurrency import processutils
from oslo_log import log as logging

LOG = logging.getLogger(__name__)

_DEVNO_RE = re.compile(r'^(?:0\.0\.)?([0-9a-f]{1,4})$')
_WWPN_RE = re.compile(r'^(?:0x)?([0-9a-f]{16})$')
_LUN_RE = re.compile(r'^(?:0x)?([0-9a-f]{16})$')
# Names the kernel gives SCSI disks and device-mapper nodes. A name read
# from a symlink is checked against these before it is used in a path.
_SD_NAME_RE = re.compile(r'^sd[a-z]{1,4}$')
_DM_NAME_RE = re.compile(r'^dm-[0-9]{1,6}$')


# --------------------------------------------------------------------------
# Pure helpers
# --------------------------------------------------------------------------

def normalize_devno(value):
    """'0.0.1F00', '1f00' or 'f00' -> '1f00' (4 hex digits, lower case)."""
    match = _DEVNO_RE.match(str(value).strip().lower())
    if not match:
        raise ValueError('invalid FCP device number %r: expected 1-4 hex '
                         'digits with an optional 0.0. prefix' % (value,))
    return match.group(1).zfill(4)


def normalize_wwpn(value):
    """A WWPN as 16 lower-case hex digits without 0x."""
    match = _WWPN_RE.match(str(value).strip().lower())
    if not match:
        raise ValueError('invalid WWPN %r: expected 16 hex digits' % (value,))
    return match.group(1)


def normalize_lun(value):
    """A full 64-bit FCP LUN as 16 lower-case hex digits without 0x.

    Never truncated: '4001400500000000' stays as it is. An int is taken as
    the 64-bit FCP LUN value itself (not as a Linux SCSI LUN number).
    """
    if isinstance(value, int):
        if not 0 <= value < 1 << 64:
            raise ValueError('FCP LUN %r out of the 64-bit range' % (value,))
        return '%016x' % value
    match = _LUN_RE.match(str(value).strip().lower())
    if not match:
        raise ValueError('invalid FCP LUN %r: expected 16 hex digits '
                         '(the full 64-bit LUN)' % (value,))
    return match.group(1)


def bus_id(devno):
    """The ccw bus id of an FCP device: '0.0.1f00'."""
    return '0.0.' + normalize_devno(devno)


def sysfs_lun(lun):
    """The string zfcp's unit_add/unit_remove take: '0x' + 16 hex digits."""
    return '0x' + normalize_lun(lun)


def sysfs_wwpn(wwpn):
    return '0x' + normalize_wwpn(wwpn)


def fcp_lun_to_scsi_lun(lun):
    """The Linux SCSI LUN number of a 64-bit FCP LUN (scsilun_to_int).

    The kernel reads the 8 bytes as four 16-bit addressing levels and puts
    level n at bits 16n..16n+15, so '4001400500000000' -> 0x40054001.
    This is the number in ``H:C:T:L`` and in udev's ``-lun-<n>`` names.
    """
    raw = bytes.fromhex(normalize_lun(lun))
    value = 0
    for level in range(4):
        word = (raw[2 * level] << 8) | raw[2 * level + 1]
        value |= word << (16 * level)
    return value


def scsi_lun_to_fcp_lun(value):
    """Inverse of fcp_lun_to_scsi_lun (int_to_scsilun): exact for 64 bits."""
    value = int(value)
    if not 0 <= value < 1 << 64:
        raise ValueError('SCSI LUN %r out of the 64-bit range' % (value,))
    words = [(value >> (16 * level)) & 0xffff for level in range(4)]
    return ''.join('%04x' % word for word in words)


def systemd_lun_name(lun):
    """The LUN part of systemd path_id's by-path name (format_lun_number).

    SCSI LUNs below 256 are ``lun-<n>``; any other is
    ``lun-0x<level 1><level 2>00000000``: levels 3 and 4 are dropped.
    """
    value = fcp_lun_to_scsi_lun(lun)
    if value < 256:
        return 'lun-%d' % value
    return 'lun-0x%04x%04x00000000' % (value & 0xffff, (value >> 16) & 0xffff)


@dataclasses.dataclass(frozen=True)
class Path:
    """One FC path of a LUN: Cinder-node FCP device, target port, LUN."""

    devno: str
    wwpn: str
    lun: str

    def __post_init__(self):
        object.__setattr__(self, 'devno', normalize_devno(self.devno))
        object.__setattr__(self, 'wwpn', normalize_wwpn(self.wwpn))
        object.__setattr__(self, 'lun', normalize_lun(self.lun))

    def __str__(self):
        return '%s/0x%s/0x%s' % (self.devno, self.wwpn, self.lun)


class ZfcpSysfs(object):
    """The zfcp/SCSI part of /sys and /dev below configurable roots."""

    def __init__(self, sysfs_root='/sys', dev_root='/dev', execute=None,
                 root_helper=None):
        self.sysfs_root = sysfs_root
        self.dev_root = dev_root
        self._execute = execute or processutils.execute
        self._root_helper = root_helper

    def set_execute(self, execute):
        self._execute = execute

    # ---- path building (pure) -------------------------------------------

    def ccw_device_dir(self, devno):
        return os.path.join(self.sysfs_root, 'bus', 'ccw', 'devices',
                            bus_id(devno))

    def online_attr(self, devno):
        return os.path.join(self.ccw_device_dir(devno), 'online')

    def zfcp_device_dir(self, devno):
        return os.path.join(self.sysfs_root, 'bus', 'ccw', 'drivers', 'zfcp',
                            bus_id(devno))

    def port_rescan_attr(self, devno):
        return os.path.join(self.zfcp_device_dir(devno), 'port_rescan')

    def port_dir(self, path):
        return os.path.join(self.zfcp_device_dir(path.devno),
                            sysfs_wwpn(path.wwpn))

    def unit_add_attr(self, path):
        return os.path.join(self.port_dir(path), 'unit_add')

    def unit_remove_attr(self, path):
        return os.path.join(self.port_dir(path), 'unit_remove')

    def unit_dir(self, path):
        return os.path.join(self.port_dir(path), sysfs_lun(path.lun))

    def by_path_links(self, path):
        """udev's by-path names for the path, most specific first.

        ``ccw-<bus id>-zfcp-0x<wwpn>:0x<lun>`` comes from the s390-tools
        rules of RHEL and SLES; ``ccw-<bus id>-fc-0x<wwpn>-<lun>`` is
        systemd path_id's form (the only one on Ubuntu), whose LUN part
        keeps only two addressing levels (see systemd_lun_name), so a disk
        found through it is checked against its fcp_lun attribute.
        """
        base = os.path.join(self.dev_root, 'disk', 'by-path')
        bid = bus_id(path.devno)
        return [
            os.path.join(base, 'ccw-%s-zfcp-%s:%s' % (
                bid, sysfs_wwpn(path.wwpn), sysfs_lun(path.lun))),
            os.path.join(base, 'ccw-%s-fc-%s-%s' % (
                bid, sysfs_wwpn(path.wwpn), systemd_lun_name(path.lun))),
        ]

    def block_dir(self, name):
        if not (_SD_NAME_RE.match(name) or _DM_NAME_RE.match(name)):
            raise ValueError('unexpected block device name %r' % (name,))
        return os.path.join(self.sysfs_root, 'block', name)

    def scsi_delete_attr(self, sd_name):
        return os.path.join(self.block_dir(sd_name), 'device', 'delete')

    def dev_node(self, name):
        self.block_dir(name)  # validates the name
        return os.path.join(self.dev_root, name)

    def fc_host_dir(self):
        return os.path.join(self.sysfs_root, 'class', 'fc_host')

    # ---- reads -----------------------------------------------------------

    def exists(self, path):
        return os.path.lexists(path)

    def read_attr(self, path, default=None):
        try:
            with open(path) as attr:
                return attr.read().strip()
        except OSError:
            return default

    def is_online(self, devno):
        return self.read_attr(self.online_attr(devno)) == '1'

    def scsi_name(self, path):
        """'sdX' of the disk of ``path``, or None while there is none.

        The kernel's own record decides: the disk whose zfcp attributes
        (hba_id, wwpn, fcp_lun) are this path, compared on all 64 bits.
        udev's by-path names cannot be trusted alone: systemd's ``-fc-``
        form drops LUN levels 3 and 4, so two LUNs can share a name. Only
        where the attributes cannot be read (not zfcp) is a by-path link
        taken, reading one level of it (``../../sdX``).
        """
        found = self._scsi_name_from_attrs(path)
        if found is not None:
            return found or None
        for link in self.by_path_links(path):
            try:
                name = os.path.basename(os.readlink(link))
            except OSError:
                continue
            if _SD_NAME_RE.match(name):
                return name
        return None

    def _scsi_name_from_attrs(self, path):
        """sdX, '' if the attributes exist but no disk matches, or None."""
        top = os.path.join(self.sysfs_root, 'block')
        try:
            names = sorted(n for n in os.listdir(top) if _SD_NAME_RE.match(n))
        except OSError:
            return None
        want = (bus_id(path.devno), sysfs_wwpn(path.wwpn),
                sysfs_lun(path.lun))
        readable = False
        for name in names:
            device = os.path.join(top, name, 'device')
            got = tuple((self.read_attr(os.path.join(device, attr)) or
                         '').lower()
                        for attr in ('hba_id', 'wwpn', 'fcp_lun'))
            if any(got):
                readable = True
            if got == want:
                return name
        return '' if readable or not names else None

    def device_path(self, path):
        """The node to open for ``path``, None while there is no disk.

        The ``-zfcp-`` by-path link when it leads to the disk (its name
        holds the whole LUN), else /dev/sdX: a systemd ``-fc-`` link may be
        moved to another LUN's disk while ours is still attached.
        """
        name = self.scsi_name(path)
        if name is None:
            return None
        link = self.by_path_links(path)[0]
        try:
            if os.path.basename(os.readlink(link)) == name:
                return link
        except OSError:
            pass
        return self.dev_node(name)

    def multipath_map(self, sd_name):
        """(dm name, map name) holding ``sd_name``, or (None, None)."""
        holders = os.path.join(self.block_dir(sd_name), 'holders')
        try:
            entries = sorted(os.listdir(holders))
        except OSError:
            return None, None
        for dm_name in entries:
            if not _DM_NAME_RE.match(dm_name):
                continue
            map_name = self.read_attr(
                os.path.join(self.block_dir(dm_name), 'dm', 'name'))
            if map_name and '/' not in map_name:
                return dm_name, map_name
        return None, None

    def size_bytes(self, sd_name):
        """Size of a SCSI disk from sysfs (512-byte sectors), or None."""
        sectors = self.read_attr(os.path.join(self.block_dir(sd_name),
                                              'size'))
        try:
            return int(sectors) * 512
        except (TypeError, ValueError):
            return None

    def units(self, devno):
        """Paths of the LUN units currently configured on an FCP device."""
        found = []
        top = self.zfcp_device_dir(devno)
        try:
            ports = os.listdir(top)
        except OSError:
            return found
        for port in ports:
            if not _WWPN_RE.match(port) or not port.startswith('0x'):
                continue
            try:
                luns = os.listdir(os.path.join(top, port))
            except OSError:
                continue
            for lun in luns:
                if lun.startswith('0x') and _LUN_RE.match(lun):
                    found.append(Path(devno, port, lun))
        return found

    def fc_host_wwpns(self):
        """{devno: wwpn} of the online FCP devices (from fc_host)."""
        found = {}
        top = self.fc_host_dir()
        try:
            hosts = sorted(os.listdir(top))
        except OSError:
            return found
        for host in hosts:
            host_dir = os.path.join(top, host)
            port_name = self.read_attr(os.path.join(host_dir, 'port_name'))
            try:
                # .../0.0.1f00/host0/fc_host/host0: the ccw bus id is the
                # path element in front of hostN, as os-brick reads it.
                real = os.path.realpath(host_dir).split(os.sep)
                devno = normalize_devno(real[real.index(host) - 1])
                found[devno] = normalize_wwpn(port_name or '')
            except (ValueError, IndexError):
                continue
        return found

    # ---- writes (through execute + root helper) --------------------------

    def write(self, attr, value):
        """Write ``value`` to a sysfs attribute as root (``tee -a``).

        Raises processutils.ProcessExecutionError when the kernel refuses
        the write (tee exits non-zero).
        """
        LOG.debug('Writing %(value)s to %(attr)s',
                  {'value': value, 'attr': attr})
        self._execute('tee', '-a', attr, process_input=value + '\n',
                      run_as_root=True, root_helper=self._root_helper)
