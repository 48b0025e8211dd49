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
"""Data operations of the z/VM FCP driver, over a host-side attach.

Image to volume, volume to image, wipe and LUN-to-LUN copies all attach
the LUN(s) to the Cinder node (cinder_zvm.hostattach), run cinder's own
data tools on the device, and detach, whatever happens in between:

- images: ``cinder.image.image_utils.fetch_to_raw`` and
  ``cinder.volume.volume_utils.upload_volume``, as BaseVD does;
- wipe: ``volume_utils.clear_volume`` with the backend's ``volume_clear``,
  ``volume_clear_size`` and ``volume_clear_ionice``;
- copies: ``volume_utils.copy_volume`` with ``volume_dd_blocksize``.

Host attach itself needs no xCAT call once the Cinder node's FCP devices
are dedicated (the first operation dedicates a missing one, one call per
device). The driver also uses ``attach_volume``/``detach_volume`` for
BaseVD's generic ``_attach_volume``/``_detach_volume``, so cinder's generic
code paths (encrypted image copy, backup, host-assisted copies) attach
local volumes the same way; a volume of another backend (``remote``) is
attached by that backend, through BaseVD's own code.

The pool-state side (quarantine until wiped, snapshots as full copies)
is in cinder_zvm.quarantine and cinder_zvm.copies; ``ZVMDataPath`` is the
one object the driver holds and delegates to.
"""

import contextlib

from cinder import exception
from cinder.i18n import _
from cinder.image import image_utils
from cinder import utils as cinder_utils
from cinder.volume import volume_utils
from oslo_log import log as logging
from oslo_service import loopingcall
from oslo_utils import excutils
from oslo_utils import units

from cinder_zvm import copies
from cinder_zvm.hostattach import conf as hostattach_conf
from cinder_zvm.hostattach import connector as connector_mod
from cinder_zvm.hostattach import errors
from cinder_zvm import migration
from cinder_zvm import quarantine

LOG = logging.getLogger(__name__)


def _mib(size_bytes):
    """Whole MiB covering ``size_bytes`` (dd counts in MiB here)."""
    return -(-int(size_bytes) // units.Mi)


class ZVMDataPath(object):
    """Host-attach based data operations for one backend.

    :param backend: the control-path object (cinder_zvm.common
        .ZVMFCPBackend): its ``configuration``, ``client`` (after setup),
        ``hypervisor``, ``location_of(volume)``, ``lock(pool)``,
        ``entry_of(loc)``, ``list_pool(pool)``, ``create_volume(volume)``
        and ``delete_volume(volume, wipe)`` are used.
    """

    def __init__(self, backend, execute=None, root_helper=None,
                 connector=None):
        self.backend = backend
        self.configuration = backend.configuration
        self.configuration.append_config_values(
            hostattach_conf.hostattach_opts)
        self._execute = execute or cinder_utils.execute
        self._root_helper = root_helper
        self._connector = connector
        self._retry_timer = None

    # ---- setup ---------------------------------------------------------

    def check_setup(self):
        """Raise InvalidConfigurationValue if host attach is unusable."""
        conf = self.configuration
        if not conf.safe_get('zvm_cinder_node'):
            raise exception.InvalidConfigurationValue(
                option='zvm_cinder_node', value='')
        if not conf.safe_get('zvm_cinder_node_fcp'):
            raise exception.InvalidConfigurationValue(
                option='zvm_cinder_node_fcp', value='')
        self.connector  # validates the device numbers

    @property
    def connector(self):
        """The host connector, built on first use (after backend.setup)."""
        if self._connector is None:
            try:
                self._connector = connector_mod.ZVMHostConnector.from_config(
                    self.configuration, self.backend.client,
                    execute=self._execute,
                    root_helper=(self._root_helper or
                                 cinder_utils.get_root_helper()))
            except errors.HostAttachConfigError as exc:
                raise exception.InvalidConfigurationValue(
                    option='zvm_cinder_node / zvm_cinder_node_fcp',
                    value=exc.msg)
        return self._connector

    def setup(self):
        """Start-up work, after backend.setup().

        Detaches LUNs a crashed process left on the Cinder node (no xCAT
        call on a clean node) and starts the periodic retry of failed
        wipes. Without zvm_cinder_node the data
        path is off: a warning says so and data operations will fail.
        """
        conf = self.configuration
        if not (conf.safe_get('zvm_cinder_node') and
                conf.safe_get('zvm_cinder_node_fcp')):
            LOG.warning('zvm_cinder_node / zvm_cinder_node_fcp are not set: '
                        'image copies, clones, snapshots and wipes cannot '
                        'run; deleted volumes stay quarantined')
            return
        try:
            self.detach_leftovers()
        except Exception:
            LOG.exception('Could not check the Cinder node for LUNs left '
                          'attached; continuing')
        interval = conf.safe_get('zvm_wipe_retry_interval') or 0
        if interval and self._retry_timer is None:
            self._retry_timer = loopingcall.FixedIntervalLoopingCall(
                self._retry_wipes)
            self._retry_timer.start(interval=interval,
                                    initial_delay=interval,
                                    stop_on_exception=False)

    def _retry_wipes(self):
        try:
            results = self.clean_quarantined()
        except Exception:
            LOG.exception('Retrying the wipe of quarantined LUNs failed')
            return
        if results:
            LOG.info('Wipe retry: %(freed)d of %(n)d quarantined LUN(s) '
                     'freed', {'freed': sum(1 for _i, ok in results if ok),
                               'n': len(results)})

    def detach_leftovers(self):
        """Remove this backend's LUNs left attached by a crashed process.

        Called at driver setup, before any operation runs. Costs no xCAT
        call unless the Cinder node has LUN units configured on its listed
        FCP devices; only LUNs of this backend's pools are touched (the
        node's other disks are not ours). Returns the LUNs detached.
        """
        paths = self.connector.attached_paths()
        if not paths:
            return []
        ours = {}
        for pool in self.backend.pools:
            for entry in self.backend.list_pool(pool):
                for wwpn in entry.wwpns:
                    ours[(wwpn, entry.lun)] = entry.wwpns
        done = []
        for wwpns, lun in sorted({(ours[(p.wwpn, p.lun)], p.lun)
                                  for p in paths if (p.wwpn, p.lun) in ours}):
            LOG.warning('LUN %(lun)s (target %(wwpns)s) was left attached to '
                        'the Cinder node (crashed operation?): detaching',
                        {'lun': lun, 'wwpns': ';'.join(wwpns)})
            self.connector.disconnect_volume(
                connector_mod.connection_properties(list(wwpns), lun), None,
                force=True, ignore_errors=True)
            done.append((wwpns, lun))
        return done

    # ---- attach --------------------------------------------------------

    @contextlib.contextmanager
    def attached(self, loc):
        """Attach LUN ``loc`` to the Cinder node; yields the device path.

        ``loc`` is a cinder_zvm.location.LunLocation.

        Detach always runs. After a failure inside the block it is forced
        (cleanup over data integrity, as BaseVD does); a failed detach
        after success is raised, since the LUN may still be attached.
        """
        props = connector_mod.connection_properties(loc.wwpns, loc.lun)
        device = self.connector.connect_volume(props)
        try:
            yield device['path']
        except Exception:
            with excutils.save_and_reraise_exception():
                try:
                    self.connector.disconnect_volume(props, device,
                                                     force=True)
                except Exception as exc:
                    LOG.error('Detaching LUN %(lun)s from the Cinder node '
                              'after a failure also failed: %(exc)s',
                              {'lun': loc.source_name, 'exc': exc})
        else:
            self.connector.disconnect_volume(props, device)

    def attach_volume(self, context, volume, properties, remote=False):
        """BaseVD._attach_volume for a local volume: (attach_info, volume).

        ``properties`` (the host connector from brick) is not needed: the
        Cinder node's FCP devices come from the configuration.
        """
        if remote:
            raise exception.VolumeDriverException(
                message=_('host attach of a volume of another backend is done '
                          'by that backend'))
        loc = self._location(volume)
        props = connector_mod.connection_properties(loc.wwpns, loc.lun)
        props['encrypted'] = bool(volume.encryption_key_id)
        device = self.connector.connect_volume(props)
        conn = {'driver_volume_type': 'fibre_channel', 'data': props}
        return {'conn': conn, 'device': device,
                'connector': self.connector}, volume

    def detach_volume(self, context, attach_info, volume, properties,
                      force=False, remote=False, ignore_errors=False):
        """BaseVD._detach_volume counterpart of attach_volume."""
        if not attach_info:
            return
        attach_info['connector'].disconnect_volume(
            attach_info['conn']['data'], attach_info['device'], force=force,
            ignore_errors=ignore_errors)

    def _location(self, volume):
        loc = self.backend.location_of(volume)
        if loc is None:
            raise exception.VolumeDriverException(
                message=_('volume %s has no LUN (no provider_location)') %
                volume.id)
        return loc

    # ---- images --------------------------------------------------------

    def copy_image_to_volume(self, context, volume, image_service, image_id,
                             disable_sparse=False):
        """Write an image to the volume's LUN (qemu-img converts to raw)."""
        loc = self._location(volume)
        with self.attached(loc) as path:
            try:
                image_utils.fetch_to_raw(
                    context, image_service, image_id, path,
                    self.configuration.volume_dd_blocksize,
                    size=volume.size, disable_sparse=disable_sparse)
            except exception.ImageTooBig:
                with excutils.save_and_reraise_exception():
                    LOG.exception('Copying image %(image)s to volume %(id)s '
                                  'failed: not enough space',
                                  {'image': image_id, 'id': volume.id})

    def copy_image_to_encrypted_volume(self, context, volume, image_service,
                                       image_id, disable_sparse=False):
        """Refused: cinder's LUKS layer needs a device symlink to replace.

        os-brick's encryptor points ``device_path`` at /dev/mapper/... with
        ``ln -sf``; on an Ubuntu Cinder node the only unambiguous node of a
        64-bit LUN is /dev/sdX, which it would overwrite.
        """
        raise exception.VolumeDriverException(
            message=_('volume %s: writing an image into an encrypted volume is '
                      'not supported by the z/VM FCP data path') % volume.id)

    def copy_volume_to_image(self, context, volume, image_service,
                             image_meta):
        """Upload the volume's LUN as an image (converted as requested)."""
        loc = self._location(volume)
        with self.attached(loc) as path:
            volume_utils.upload_volume(context, image_service, image_meta,
                                       path, volume, compress=True)

    # ---- wipe and copy -------------------------------------------------

    def wipe(self, loc, size_bytes=None):
        """Overwrite a LUN as volume_clear/volume_clear_size say.

        What is cleared is the device, at the size the Cinder node's kernel
        gives it (sysfs ``size``, as ``blockdev --getsize64``), not the
        size its pool entry claims: a guest sees, and may have written, all
        of it. ``size_bytes`` is the pool entry's size (None if it has
        none); when it differs from the device the entry is wrong, the
        next best fit would be wrong too, and nothing is wiped: an ERROR
        names both sizes and the LUN stays quarantined until an operator
        corrects the entry. Raises on any failure; the LUN is detached
        either way.
        """
        conf = self.configuration
        clear = (conf.safe_get('volume_clear') or 'zero').lower()
        if clear == 'none':
            # Only quarantined LUNs are wiped, and they were quarantined
            # because a wipe was wanted: volume_clear changed since.
            clear = 'zero'
        with self.attached(loc) as path:
            device_bytes = self._device_size(loc)
            if size_bytes and size_bytes != device_bytes:
                args = {'lun': loc.source_name, 'pool': loc.pool,
                        'row': size_bytes, 'dev': device_bytes}
                LOG.error('LUN %(lun)s: its entry in pool %(pool)s says '
                          '%(row)d bytes but the device on the Cinder node '
                          'has %(dev)d bytes. Not wiped and not freed: it '
                          'stays QUARANTINED until the entry states the real '
                          'size (see the admin guide, "Security")', args)
                raise exception.VolumeDriverException(
                    message=_('LUN %(lun)s: pool entry size %(row)d bytes, '
                              'device %(dev)d bytes') % args)
            LOG.info('Wiping LUN %(lun)s (%(mib)d MiB, volume_clear=%(how)s,'
                     ' volume_clear_size=%(part)s MiB)',
                     {'lun': loc.source_name, 'mib': _mib(device_bytes),
                      'how': clear,
                      'part': conf.safe_get('volume_clear_size') or 'all'})
            volume_utils.clear_volume(
                _mib(device_bytes), path, volume_clear=clear,
                volume_clear_size=conf.safe_get('volume_clear_size') or 0,
                volume_clear_ionice=conf.safe_get('volume_clear_ionice'))

    def _device_size(self, loc):
        size = self.connector.device_size(
            connector_mod.connection_properties(loc.wwpns, loc.lun))
        if size:
            return size
        raise exception.VolumeDriverException(
            message=_('size of LUN %s is unknown (none in sysfs on the Cinder '
                      'node): not wiped') % loc.source_name)

    def copy(self, src_loc, dst_loc, size_bytes):
        """Copy the first ``size_bytes`` of one LUN onto another.

        Both LUNs are attached at once; dd uses O_DIRECT when the device
        supports it (cinder's copy_volume), and never skips zero blocks: the
        target's old blocks must not show through.
        """
        with self.attached(src_loc) as src_path:
            with self.attached(dst_loc) as dst_path:
                volume_utils.copy_volume(
                    src_path, dst_path, _mib(size_bytes),
                    self.configuration.volume_dd_blocksize, sync=True,
                    execute=self._execute, sparse=False)

    # ---- driver hooks (one line each in the driver) ---------------------

    def delete_volume(self, volume):
        quarantine.delete_volume(self.backend, self, volume)

    def create_snapshot(self, snapshot):
        return copies.create_snapshot(self.backend, self, snapshot)

    def delete_snapshot(self, snapshot):
        copies.delete_snapshot(self.backend, self, snapshot)

    def create_cloned_volume(self, volume, src_vref):
        return copies.create_cloned_volume(self.backend, self, volume,
                                           src_vref)

    def create_volume_from_snapshot(self, volume, snapshot):
        return copies.create_volume_from_snapshot(self.backend, self, volume,
                                                  snapshot)

    def revert_to_snapshot(self, context, volume, snapshot):
        copies.revert_to_snapshot(self.backend, self, volume, snapshot)

    def migrate_volume(self, volume, host):
        return migration.migrate_volume(self.backend, self, volume, host)

    def list_quarantined(self):
        return quarantine.list_quarantined(self.backend)

    def clean_quarantined(self, object_ids=None):
        return quarantine.clean(self.backend, self, object_ids)
