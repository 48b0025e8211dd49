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
"""Host-side FCP attach of a pool LUN to the Cinder node.

An os-brick style connector (``get_connector_properties``,
``connect_volume(connection_properties) -> device_info``,
``disconnect_volume(connection_properties, device_info, force,
ignore_errors)``, commands through ``execute`` with the root helper), written
for z/VM instead of reusing os-brick's FibreChannelConnectorS390X because
that one (7.1.1 and master) cannot be used here:

- its connect/disconnect crash: ``_get_possible_devices`` yields 4-tuples
  and the s390x code unpacks 3 (ValueError, reproduced in
  tests/cinder/unit/test_hostattach_osbrick.py);
- it truncates LUNs to 32 bits, while pool LUNs are full 64-bit FCP LUNs;
- it hard-codes /sys and /dev, ignores unit_add failures (only a
  warning), and never flushes or deletes the SCSI device on detach;
- it cannot bring the node's own FCP devices into use (dedicate, online).
Fixing all of that in a subclass would override every method it has.

Attach: FCP device dedicated and online (fcp.CinderNodeFcp), target port
visible (``port_rescan`` when its directory is missing), ``unit_add
0x<16 hex>``, wait for the disk (a unit without one is a LUN masked away
from that initiator and is removed), check that the disk reads. With
multipath, enough working paths (zvm_xcat.fcpaths, option
``zvm_cinder_node_min_paths``) or the attach fails naming each pair.
Detach: flush the multipath map holding the disk (``multipath -f``),
``blockdev --flushbufs``, ``echo 1 > /sys/block/sdX/device/delete``,
``unit_remove``, wait for the link to go. A failed attach undoes every step
it took, in reverse order, before the error is re-raised.
"""

import socket
import threading

from cinder.i18n import _
from oslo_concurrency import lockutils
from oslo_concurrency import processutils
from oslo_log import log as logging
from oslo_utils import excutils

from cinder_zvm.hostattach import errors
from cinder_zvm.hostattach import fcp as fcp_mod
from cinder_zvm.hostattach import sysfs as sysfs_mod
from cinder_zvm.hostattach import waiting
from zvm_xcat import fcpaths

LOG = logging.getLogger(__name__)

# zfcp's port scan is quick; a port still missing after this is not zoned
# to that FCP device, and the path is skipped rather than awaited.
PORT_SCAN_WAIT = 10
# A unit whose SCSI scan found nothing stays without a disk; after this a
# path is taken as masked away (the disk of a presented LUN appears well
# within it).
LUN_SCAN_WAIT = 10


def connection_properties(wwpns, lun):
    """os-brick FC connection properties for a pool LUN.

    ``target_lun`` is the Linux SCSI LUN number (what os-brick expects);
    ``zvm_fcp_lun`` carries the exact 64-bit FCP LUN, which is what the
    connector uses.
    """
    if isinstance(wwpns, str):
        wwpns = [wwpns]
    wwpns = [sysfs_mod.normalize_wwpn(w) for w in wwpns]
    lun = sysfs_mod.normalize_lun(lun)
    return {'target_discovered': False,
            'target_wwn': wwpns if len(wwpns) > 1 else wwpns[0],
            'target_lun': sysfs_mod.fcp_lun_to_scsi_lun(lun),
            'zvm_fcp_lun': lun}


def _targets(props):
    """(wwpns tuple, 16-hex lun) from connection properties."""
    wwns = props.get('target_wwns') or props.get('target_wwn') or []
    if isinstance(wwns, str):
        wwns = [wwns]
    wwpns = tuple(sysfs_mod.normalize_wwpn(w) for w in wwns)
    if not wwpns:
        raise errors.HostAttachError(reason=_('no target_wwn in the '
                                              'connection properties'))
    if props.get('zvm_fcp_lun'):
        lun = sysfs_mod.normalize_lun(props['zvm_fcp_lun'])
    elif props.get('target_lun') is not None:
        lun = sysfs_mod.scsi_lun_to_fcp_lun(props['target_lun'])
    else:
        raise errors.HostAttachError(reason=_('no LUN in the connection '
                                              'properties'))
    return wwpns, lun


class ZVMHostConnector(object):
    """Attach pool LUNs to the Cinder node through its own FCP devices."""

    # LUNs this process has attached, per sysfs root: {key: [count, info]}.
    # A second attach of the same LUN (two clones of one source at once)
    # reuses the first one's disk, and only the last detach removes it.
    _attached = {}
    _registry_lock = threading.Lock()

    def __init__(self, client, node, fcp_devices, sysfs_root='/sys',
                 dev_root='/dev', execute=None, root_helper=None,
                 use_multipath=False, device_timeout=60, waiter=None,
                 min_paths=0):
        if not node:
            raise errors.HostAttachConfigError(
                reason=_('zvm_cinder_node is not set'))
        if not fcp_devices:
            raise errors.HostAttachConfigError(
                reason=_('zvm_cinder_node_fcp lists no FCP device'))
        try:
            self.fcp_devices = [sysfs_mod.normalize_devno(d)
                                for d in fcp_devices]
        except ValueError as exc:
            raise errors.HostAttachConfigError(
                reason=_('zvm_cinder_node_fcp: %s') % exc)
        self.node = node
        self.use_multipath = use_multipath
        self.min_paths = min_paths
        self._execute = execute or processutils.execute
        self._root_helper = root_helper
        self.sysfs = sysfs_mod.ZfcpSysfs(sysfs_root, dev_root,
                                         self._execute, root_helper)
        self.waiter = waiter or waiting.Waiter(device_timeout)
        self.fcp = fcp_mod.CinderNodeFcp(client, node, self.sysfs,
                                         self.waiter, self._execute,
                                         root_helper, in_use=self._fcp_busy)

    @classmethod
    def from_config(cls, configuration, client, execute=None,
                    root_helper=None):
        """Build from a cinder backend Configuration.

        Reads hostattach_opts and cinder's use_multipath_for_image_xfer.
        """
        return cls(client, configuration.zvm_cinder_node,
                   configuration.zvm_cinder_node_fcp,
                   sysfs_root=configuration.zvm_cinder_node_sysfs_root,
                   dev_root=configuration.zvm_cinder_node_dev_root,
                   execute=execute, root_helper=root_helper,
                   use_multipath=configuration.safe_get(
                       'use_multipath_for_image_xfer') or False,
                   device_timeout=(
                       configuration.zvm_cinder_node_device_timeout),
                   min_paths=configuration.zvm_cinder_node_min_paths)

    # ---- os-brick connector interface --------------------------------------

    def get_connector_properties(self):
        """The Cinder node as an initiator (same keys as nova_volumeops)."""
        local = self.sysfs.fc_host_wwpns()
        return {'platform': 's390x', 'os_type': 'linux2',
                'multipath': self.use_multipath,
                'host': socket.gethostname(),
                'zvm_fcp': list(self.fcp_devices),
                'wwpns': [local[d] for d in self.fcp_devices if d in local],
                'zvm_node': self.node}

    def connect_volume(self, connection_properties):
        """Attach the LUN; returns os-brick style device_info.

        device_info: {'type': 'block', 'path': <device to read/write>,
        'paths': [sysfs.Path...], 'devices': ['sdX'...],
        'multipath_id': <map name or None>}.
        """
        wwpns, lun = _targets(connection_properties)
        key = (self.sysfs.sysfs_root, wwpns, lun)
        with self._node_lock():
            with self._registry_lock:
                entry = self._attached.get(key)
                if entry:
                    entry[0] += 1
                    LOG.debug('LUN %s already attached here; reusing %s',
                              lun, entry[1]['path'])
                    return dict(entry[1])
            undo = waiting.UndoList()
            try:
                info = self._connect(wwpns, lun, undo)
            except Exception:
                with excutils.save_and_reraise_exception():
                    LOG.error('Attaching LUN %(lun)s (target %(wwpns)s) to '
                              'the Cinder node failed; rolling back %(n)d '
                              'step(s)', {'lun': lun,
                                          'wwpns': ','.join(wwpns),
                                          'n': len(undo)})
                    undo.run()
            with self._registry_lock:
                self._attached[key] = [1, info]
            return dict(info)

    def disconnect_volume(self, connection_properties, device_info,
                          force=False, ignore_errors=False):
        """Detach the LUN (the last user's call removes the disk).

        With ``device_info`` None the paths are found from sysfs, which is
        how a LUN left over by a crash is removed.
        """
        wwpns, lun = _targets(connection_properties)
        key = (self.sysfs.sysfs_root, wwpns, lun)
        with self._node_lock():
            with self._registry_lock:
                entry = self._attached.get(key)
                if entry and entry[0] > 1:
                    entry[0] -= 1
                    return
            if device_info and device_info.get('paths'):
                paths = list(device_info['paths'])
            else:
                paths = self._present_paths(wwpns, lun)
            failures = self._remove_paths(paths, force)
            with self._registry_lock:
                self._attached.pop(key, None)
        if failures and not ignore_errors:
            raise errors.HostDetachError(
                lun=lun, reason='; '.join(failures))

    # ---- attach steps ------------------------------------------------------

    def _connect(self, wwpns, lun, undo):
        paths, failed = self._add_units(wwpns, lun, undo)
        pairs = [(p.devno, p.wwpn) for p in paths]
        if not paths:
            raise errors.NoUsablePath(fcp=','.join(self.fcp_devices),
                                      lun=lun, wwpns=','.join(wwpns),
                                      reason=fcpaths.describe([], failed))
        if self.use_multipath:
            why = fcpaths.shortfall(self.fcp_devices, pairs, self.min_paths)
            if why:
                raise errors.TooFewPaths(
                    lun=lun, why=why,
                    paths=fcpaths.describe(pairs, failed))
        devices = [self.sysfs.scsi_name(p) for p in paths]
        path = self.sysfs.device_path(paths[0])
        multipath_id = None
        if self.use_multipath:
            dm_name, multipath_id = self.sysfs.multipath_map(devices[0])
            if multipath_id:
                path = self.sysfs.dev_node(dm_name)
        self._check_readable(path)
        LOG.info('LUN 0x%(lun)s attached to the Cinder node at %(path)s '
                 '(%(n)d path(s): %(paths)s)',
                 {'lun': lun, 'path': path, 'n': len(paths),
                  'paths': fcpaths.describe(pairs, failed)})
        return {'type': 'block', 'path': path, 'paths': paths,
                'devices': devices, 'multipath_id': multipath_id}

    def _add_units(self, wwpns, lun, undo):
        """Working paths: unit_add on each visible pair, keep those with a disk.

        Without multipath the first working path is enough; with it every
        (device, port) pair the SAN makes visible is tried. A port that
        stays invisible after a port scan is not zoned to that device (on a
        dual-fabric SAN: the other fabric's port); a unit that gets no SCSI
        device is a LUN the storage does not present to that initiator
        (LUN masking) and is removed at once. An FCP device that cannot be
        brought into use (xCAT refuses the dedicate, it never appears or
        comes online) is rolled back at once and the next one is tried.
        Returns (paths, {(devno, wwpn): why a pair failed}).
        """
        paths, failed = [], {}
        for devno in self.fcp_devices:
            device_undo = waiting.UndoList()
            try:
                self.fcp.prepare(devno, device_undo)
            except Exception as exc:
                LOG.warning('FCP device %(dev)s of the Cinder node cannot be '
                            'used: %(exc)s', {'dev': devno, 'exc': exc})
                device_undo.run()
                for wwpn in wwpns:
                    failed[(devno, wwpn)] = 'FCP %s: %s' % (devno, exc)
                continue
            undo.extend(device_undo)
            visible = self._visible_ports(devno, wwpns)
            added = []
            for wwpn in wwpns:
                if wwpn not in visible:
                    failed[(devno, wwpn)] = ('port 0x%s not visible through '
                                             'FCP %s (not zoned)'
                                             % (wwpn, devno))
                    continue
                path = sysfs_mod.Path(devno, wwpn, lun)
                self._unit_add(path, undo)
                added.append(path)
            for path in self._without_disk(added):
                failed[(path.devno, path.wwpn)] = (
                    'unit 0x%s added but no SCSI device: the LUN is not '
                    'masked to this initiator' % lun)
                self._remove_one(path, True)
                added.remove(path)
            paths.extend(added)
            if paths and not self.use_multipath:
                break
        return paths, failed

    def _without_disk(self, added):
        """The paths whose unit got no disk.

        zfcp's unit_add returns once the unit exists; the SCSI scan behind
        it finds a disk only if the storage presents the LUN to this
        initiator, and udev adds the node shortly after. So: wait for the
        units (a refused write shows here), then briefly for the disks.
        """
        if not added:
            return []
        self.waiter.until(
            lambda: all(self.sysfs.exists(self.sysfs.unit_dir(p))
                        for p in added),
            'LUN unit(s) %s to be configured'
            % ', '.join(str(p) for p in added))
        self.waiter.until(
            lambda: all(self.sysfs.scsi_name(p) for p in added),
            'LUN to appear as a disk on %s'
            % ', '.join(str(p) for p in added),
            timeout=min(LUN_SCAN_WAIT, self.waiter.timeout),
            raise_on_timeout=False)
        return [p for p in added if not self.sysfs.scsi_name(p)]

    def _visible_ports(self, devno, wwpns):
        def present():
            return {w for w in wwpns if self.sysfs.exists(
                self.sysfs.port_dir(sysfs_mod.Path(devno, w, '0' * 16)))}
        if len(present()) < len(wwpns):
            try:
                self.sysfs.write(self.sysfs.port_rescan_attr(devno), '1')
            except (processutils.ProcessExecutionError, OSError) as exc:
                LOG.warning('port_rescan on FCP %(dev)s failed: %(err)s',
                            {'dev': devno, 'err': exc})
            self.waiter.until(lambda: len(present()) == len(wwpns),
                              'target ports to appear on %s' % devno,
                              timeout=min(PORT_SCAN_WAIT,
                                          self.waiter.timeout),
                              raise_on_timeout=False)
        return present()

    def _unit_add(self, path, undo):
        if self.sysfs.exists(self.sysfs.unit_dir(path)):
            # Left by a crashed operation, or auto LUN scan: take it over;
            # it is removed with the rest on detach or rollback.
            LOG.info('LUN unit %s already configured on the Cinder node',
                     path)
        else:
            try:
                self.sysfs.write(self.sysfs.unit_add_attr(path),
                                 sysfs_mod.sysfs_lun(path.lun))
            except (processutils.ProcessExecutionError, OSError) as exc:
                raise errors.HostAttachError(
                    reason=_('unit_add of %(path)s refused: %(exc)s') % {
                        'path': path, 'exc': exc})
        undo.push('remove LUN path %s' % path, self._remove_one, path,
                  True)

    def _check_readable(self, path):
        """Read one block, as os-brick's check_valid_device does."""
        try:
            self._execute('dd', 'if=%s' % path, 'of=/dev/null', 'count=1',
                          run_as_root=True, root_helper=self._root_helper)
        except (processutils.ProcessExecutionError, OSError) as exc:
            raise errors.HostAttachError(
                reason=_('%(path)s appeared but cannot be read: %(exc)s') % {
                    'path': path, 'exc': exc})

    # ---- detach steps ------------------------------------------------------

    def _present_paths(self, wwpns, lun):
        found = []
        for devno in self.fcp_devices:
            for wwpn in wwpns:
                path = sysfs_mod.Path(devno, wwpn, lun)
                if (self.sysfs.exists(self.sysfs.unit_dir(path)) or
                        self.sysfs.scsi_name(path)):
                    found.append(path)
        return found

    def _remove_paths(self, paths, force):
        """Remove every path; returns a list of failure texts."""
        failures = []
        maps = set()
        for path in paths:
            sd_name = self.sysfs.scsi_name(path)
            if sd_name:
                maps.add(self.sysfs.multipath_map(sd_name)[1])
        maps.discard(None)
        for map_name in sorted(maps):
            try:
                self._execute('multipath', '-f', map_name, attempts=3,
                              interval=2, run_as_root=True,
                              root_helper=self._root_helper)
            except (processutils.ProcessExecutionError, OSError) as exc:
                failures.append('multipath -f %s: %s' % (map_name, exc))
                if not force:
                    # Removing the disks under a map that still holds
                    # unwritten data could lose it: stop here.
                    return failures
        for path in paths:
            try:
                self._remove_one(path, force)
            except Exception as exc:
                failures.append('%s: %s' % (path, exc))
        return failures

    def _remove_one(self, path, force):
        sd_name = self.sysfs.scsi_name(path)
        if sd_name:
            try:
                self._execute('blockdev', '--flushbufs',
                              self.sysfs.dev_node(sd_name), run_as_root=True,
                              root_helper=self._root_helper)
            except (processutils.ProcessExecutionError, OSError) as exc:
                # As os-brick: the data copies used O_DIRECT or fdatasync,
                # so a failed flush is reported but does not stop removal.
                LOG.warning('Flushing %(dev)s before removal failed: '
                            '%(err)s', {'dev': sd_name, 'err': exc})
            self.sysfs.write(self.sysfs.scsi_delete_attr(sd_name), '1')
        if self.sysfs.exists(self.sysfs.unit_dir(path)):
            self.sysfs.write(self.sysfs.unit_remove_attr(path),
                             sysfs_mod.sysfs_lun(path.lun))
        self.waiter.until(
            lambda: not (self.sysfs.scsi_name(path) or
                         self.sysfs.exists(self.sysfs.unit_dir(path))),
            'LUN path %s to go away' % path)
        LOG.debug('LUN path %s removed from the Cinder node', path)

    # ---- helpers -----------------------------------------------------------

    def device_size(self, connection_properties):
        """Size in bytes of an attached LUN from sysfs, or None."""
        wwpns, lun = _targets(connection_properties)
        for path in self._present_paths(wwpns, lun):
            name = self.sysfs.scsi_name(path)
            size = name and self.sysfs.size_bytes(name)
            if size:
                return size
        return None

    def attached_paths(self):
        """Every LUN path configured on the Cinder node's listed FCPs."""
        found = []
        for devno in self.fcp_devices:
            found.extend(self.sysfs.units(devno))
        return found

    def _fcp_busy(self, devno):
        with self._registry_lock:
            for (root, _w, _l), (_c, info) in self._attached.items():
                if root == self.sysfs.sysfs_root and any(
                        p.devno == devno for p in info['paths']):
                    return True
        return False

    def _node_lock(self):
        # Host-local kernel state: a file lock on this host is the right
        # scope (two backends of one cinder-volume host share the node).
        return lockutils.lock('hostattach-%s' % self.node,
                              lock_file_prefix='cinder-zvm-', external=True)
