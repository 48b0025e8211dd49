"""Cinder volume driver for FCP/SCSI LUNs of IBM z/VM, through xCAT.

``volume_driver = cinder_zvm.driver.ZVMFCPDriver``, one backend section per
z/VM system.  A volume is one LUN of an xCAT zFCP pool, taken best-fit by
size by xCAT itself; nova's z/VM side attaches it to a guest with the
connection_info this driver returns.  This class only speaks cinder's
driver protocol; the control path (pools, attach data) is in
:mod:`cinder_zvm.common`, the data path (wipe, images, snapshots, clones
over a host attach on the Cinder node) in :mod:`cinder_zvm.datapath`,
enabled when ``zvm_cinder_node`` is set.
"""

from cinder.common import constants
from cinder import exception
from cinder.i18n import _
from cinder import interface
from cinder import objects
from cinder.objects import fields
from cinder.volume import driver
from cinder.volume import volume_utils
from oslo_log import log as logging
from oslo_utils import excutils

from cinder_zvm import common
from cinder_zvm import datapath
from cinder_zvm import local_connection
from cinder_zvm import migration
from cinder_zvm import opts
from cinder_zvm import pool_guard
from cinder_zvm import quarantine

LOG = logging.getLogger(__name__)


@interface.volumedriver
class ZVMFCPDriver(driver.VolumeDriver):
    """z/VM zFCP pool LUNs as cinder volumes.

    Version history:

    .. code-block:: none

        1.0.0 - create/delete (best fit by xCAT, quarantine until wipe),
                attach data, stats per pool, extend within the LUN,
                manage/unmanage, active/active with coordination locks
    """

    VERSION = '1.0.0'
    CI_WIKI_NAME = 'cinder-zvm'
    # Safe because every pool mutation holds a coordination lock per
    # (xCAT server, hypervisor, pool); proven by the two-process test in
    # tests/cinder/functional/test_active_active.py.
    SUPPORTS_ACTIVE_ACTIVE = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.configuration.append_config_values(opts.driver_opts())
        self.backend = common.ZVMFCPBackend(self.configuration)
        self.datapath = None        # set by do_setup when configured
        # cinder-backup and other os-brick users on this host
        self.local = local_connection.LocalConnections(self._data_path)

    @staticmethod
    def get_driver_options():
        return opts.driver_opts()

    # -- setup ----------------------------------------------------------

    def do_setup(self, context):
        self.backend.setup()
        # every pool read takes back LUNs xCAT freed under a live volume
        self.backend.live_objects = pool_guard.LiveObjects(
            lambda: pool_guard.live_objects(self.host, self.cluster_name))
        if self.configuration.safe_get('zvm_cinder_node'):
            self.datapath = datapath.ZVMDataPath(self.backend)
            # detach LUNs a crashed process left, start wipe retries
            self.datapath.setup()

    def check_for_setup_error(self):
        self.backend.check_setup()
        if self.datapath is not None:
            self.datapath.check_setup()
        if self.configuration.safe_get('backup_use_temp_snapshot'):
            LOG.warning('Backend %s: backup_use_temp_snapshot is ignored: '
                        'backups of in-use volumes read a temporary clone',
                        self.configuration.config_group)
        # Said at every start: these settings hand data to the next tenant.
        for warning in quarantine.clear_policy_warnings(self.configuration):
            LOG.warning('Backend %(backend)s: %(warning)s',
                        {'backend': self.configuration.config_group,
                         'warning': warning})

    def _data_path(self, what):
        """The data path, or a clear error naming what needs it."""
        if self.datapath is None:
            raise exception.VolumeDriverException(
                message=_('%s needs the host attach of the Cinder node: set '
                          'zvm_cinder_node and zvm_cinder_node_fcp in the '
                          'backend section') % what)
        return self.datapath

    # -- volumes --------------------------------------------------------

    def create_volume(self, volume):
        return self.backend.create_volume(volume)

    def delete_volume(self, volume):
        """Quarantine (or free) the LUN; with the data path, also wipe it."""
        if self.datapath is not None:
            self.local.release(volume)
            return self.datapath.delete_volume(volume)
        clear = (self.configuration.safe_get('volume_clear') or 'zero').lower()
        self.backend.delete_volume(volume, wipe=clear != 'none')

    def extend_volume(self, volume, new_size):
        self.backend.extend_volume(volume, new_size)

    # -- data operations (cinder_zvm.datapath) -----------------------

    def copy_image_to_volume(self, context, volume, image_service, image_id,
                             disable_sparse=False):
        self._data_path('copy_image_to_volume').copy_image_to_volume(
            context, volume, image_service, image_id,
            disable_sparse=disable_sparse)

    def copy_volume_to_image(self, context, volume, image_service,
                             image_meta):
        self._data_path('copy_volume_to_image').copy_volume_to_image(
            context, volume, image_service, image_meta)

    def create_snapshot(self, snapshot):
        return self._data_path('create_snapshot').create_snapshot(snapshot)

    def delete_snapshot(self, snapshot):
        self._data_path('delete_snapshot').delete_snapshot(snapshot)

    def create_cloned_volume(self, volume, src_vref):
        return self._data_path('create_cloned_volume').create_cloned_volume(
            volume, src_vref)

    def create_volume_from_snapshot(self, volume, snapshot):
        return self._data_path(
            'create_volume_from_snapshot').create_volume_from_snapshot(
                volume, snapshot)

    def revert_to_snapshot(self, context, volume, snapshot):
        self._data_path('revert_to_snapshot').revert_to_snapshot(
            context, volume, snapshot)

    def copy_image_to_encrypted_volume(self, context, volume, image_service,
                                       image_id, disable_sparse=False):
        self._data_path('copy_image_to_encrypted_volume') \
            .copy_image_to_encrypted_volume(context, volume, image_service,
                                            image_id, disable_sparse)

    # -- migration and retype (cinder_zvm.migration) -----------------

    def migrate_volume(self, context, volume, host):
        """Move to another pool of this z/VM system over the Cinder node."""
        return self._data_path('migrate_volume').migrate_volume(volume, host)

    def retype(self, context, volume, new_type, diff, host):
        """Keep the LUN when the volume stays in its pool; else migrate."""
        return migration.retype(self.backend, volume, host), None

    def _attach_volume(self, context, volume, properties, remote=False):
        """Host attach for cinder's generic data paths (backup, migrate).

        A volume of another backend (remote) is attached by that backend,
        through BaseVD's own code.
        """
        if remote:
            return super()._attach_volume(context, volume, properties,
                                          remote=remote)
        return self._data_path('attaching a volume to the Cinder node') \
            .attach_volume(context, volume, properties)

    def _detach_volume(self, context, attach_info, volume, properties,
                       force=False, remote=False, ignore_errors=False):
        if remote:
            return super()._detach_volume(context, attach_info, volume,
                                          properties, force=force,
                                          remote=remote,
                                          ignore_errors=ignore_errors)
        return self._data_path('detaching a volume from the Cinder node') \
            .detach_volume(context, attach_info, volume, properties,
                           force=force, ignore_errors=ignore_errors)

    # -- attach ---------------------------------------------------------

    def validate_connector(self, connector):
        """Refuse a connector without WWPNs, or of another z/VM system.

        os-brick's connector of this host or of another s390x host is
        left to initialize_connection (a local attach, or a refusal with
        its reason: cinder_zvm.local_connection).
        """
        if self.local.kind_of(connector) in (local_connection.LOCAL,
                                             local_connection.S390X_HOST):
            return
        self.backend.validate_connector(connector)

    def initialize_connection(self, volume, connector, **kwargs):
        kind = self.local.kind_of(connector)
        if kind == local_connection.LOCAL:
            return self.local.connect(volume)
        if kind == local_connection.S390X_HOST:
            LOG.error('Volume %(id)s: refusing a connection to s390x host '
                      '%(host)s (os-brick cannot attach there)',
                      {'id': volume.id, 'host': connector.get('host')})
            raise local_connection.refusal(connector, self.local.hostname)
        return self.backend.initialize_connection(volume, connector)

    def terminate_connection(self, volume, connector, **kwargs):
        kind = self.local.kind_of(connector)
        if kind == local_connection.LOCAL:
            # cinder-backup asks with force=True; the detach still stops
            # before removing a disk whose multipath map cannot be flushed
            # (a restore's data would be lost).
            if not self.local.disconnect(volume):
                LOG.info('Volume %s: no local connection to terminate',
                         volume.id)
            return
        if kind == local_connection.S390X_HOST:
            return      # refused by initialize_connection: nothing to undo
        self.backend.terminate_connection(volume, connector)

    def get_backup_device(self, context, backup):
        """cinder's backup device (a temporary clone when in use), or a failed backup.

        cinder 29 asks for it with a cast (cinder/volume/manager.py
        get_backup_device, ``async_call``): when the driver raises, nobody
        answers cinder-backup, and the backup stays ``creating`` and its
        volume ``backing-up`` until cinder-backup restarts. The clone fails
        that way when the pool has no free LUN. So the failure is recorded
        here as cinder-backup's own error path records it
        (cinder/backup/manager.py continue_backup): the volume back to its
        previous status, the backup ``error`` with the reason.
        """
        try:
            return super().get_backup_device(context, backup)
        except Exception as exc:
            with excutils.save_and_reraise_exception():
                if backup.snapshot_id:
                    snapshot = objects.Snapshot.get_by_id(context,
                                                          backup.snapshot_id)
                    snapshot.status = fields.SnapshotStatus.AVAILABLE
                    snapshot.save()
                else:
                    volume = objects.Volume.get_by_id(context,
                                                      backup.volume_id)
                    volume.update({'status': volume.previous_status,
                                   'previous_status': 'error_backing-up'})
                    volume.save()
                volume_utils.update_backup_error(backup, str(exc))

    def backup_use_temp_snapshot(self):
        """False: cinder-backup reads an in-use volume from a clone.

        A temporary snapshot would be attached with
        initialize_connection_snapshot, which this driver does not offer;
        the clone (cinder's default) is the same full copy.
        """
        return False

    def create_export(self, context, volume, connector):
        """Nothing to export.

        LUN masking is the storage admin's, done when the pool entry is
        added (its FCP range).
        """

    def ensure_export(self, context, volume):
        pass

    def remove_export(self, context, volume):
        pass

    # -- manage ---------------------------------------------------------

    def manage_existing(self, volume, existing_ref):
        return self.backend.manage_existing(volume, existing_ref)

    def manage_existing_get_size(self, volume, existing_ref):
        return self.backend.manage_existing_get_size(volume, existing_ref)

    def unmanage(self, volume):
        self.backend.unmanage(volume)

    def get_manageable_volumes(self, cinder_volumes, marker, limit, offset,
                               sort_keys, sort_dirs):
        return self.backend.get_manageable_volumes(
            cinder_volumes, marker, limit, offset, sort_keys, sort_dirs)

    # -- stats ----------------------------------------------------------

    def _update_volume_stats(self):
        """Re-read the pools (called by get_volume_stats(refresh=True)).

        The periodic task refreshes; get_volume_stats(refresh=False)
        returns this cache without an xCAT call.
        """
        backend_name = (self.configuration.safe_get('volume_backend_name') or
                        'zvm_fcp_%s' % self.backend.hypervisor)
        self._stats = {
            'volume_backend_name': backend_name,
            'vendor_name': 'IBM',
            'driver_version': self.VERSION,
            'storage_protocol': constants.FC,
            'zvm_host': self.backend.hypervisor,
            'location_info': self._location_info(),
            'pools': self.backend.pool_stats(),
        }
        # Per pool too: the scheduler hands a pool's capabilities to
        # migrate_volume and to DriverFilter.
        for pool in self._stats['pools']:
            pool['location_info'] = self._stats['location_info']
            pool['filter_function'] = self.get_filter_function()
            pool['goodness_function'] = self.get_goodness_function()

    def get_default_filter_function(self):
        """A pool is a candidate only if one free LUN holds the volume.

        Evaluated by cinder's DriverFilter (when the scheduler enables it)
        against the pool's stats; ``free_capacity_gb`` is a sum over LUNs
        (cinder_zvm/stats.py). An operator's ``filter_function`` replaces it.
        """
        return 'volume.size <= capabilities.max_free_lun_gb'

    def _location_info(self):
        return migration.location_info(self.backend.client.server_url,
                                       self.backend.hypervisor)
