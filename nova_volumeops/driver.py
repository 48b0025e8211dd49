#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.
"""nova integration: volume methods for the in-tree z/VM compute driver.

``ZVMVolumeMixin`` implements ComputeDriver's attach_volume, detach_volume,
get_volume_connector and extend_volume (nova 34 signatures) on top of
``VolumeOps`` (xCAT), and confirms stopped-guest attaches after power_on.
It also does what nova expects of a driver with volumes at the ends of a
server's life (lifecycle.py): ``spawn`` connects the volumes nova lists in
block_device_info, ``destroy`` and ``cleanup`` disconnect them (nova never
calls detach_volume when it deletes a server), and ``init_host`` returns
the pool entries of guests that disappeared.
``ZVMVolumeDriver`` is nova's ``nova.virt.zvm.driver.ZVMDriver`` with the
mixin: everything else (spawn, power, console...) stays with the z/VM Cloud
Connector, the volume path never touches it.

Loading: nova 34 imports ``'nova.virt.' + compute_driver``, so a class
outside the nova.virt package cannot be named directly; see
nova_volumeops.cmd and doc/source/admin/nova-volumeops.rst.
"""

import os

from oslo_config import cfg
from oslo_log import log as logging

from nova.compute import power_state
from nova.compute import utils as compute_utils
from nova import exception
from nova.i18n import _
from nova.virt import driver as nova_driver
from nova.virt.zvm import driver as zvm_driver

from nova_volumeops import conf as vconf
from nova_volumeops import connection
from nova_volumeops import fcp_alloc
from nova_volumeops import fcp_state
from nova_volumeops import lifecycle
from nova_volumeops import pool_lock
from nova_volumeops import scripts
from nova_volumeops import validate
from nova_volumeops import volumeops
from zvm_xcat import exception as xexc

LOG = logging.getLogger(__name__)
CONF = cfg.CONF
vconf.register_opts(CONF)

_INPUT_ERRORS = (validate.InvalidInput, scripts.UnsupportedDistro)
# What a volume method turns into nova's error for the operation. xCAT
# errors that escape VolumeOps happened before anything was changed (e.g.
# the power state query); everything later is wrapped in VolumeOpsError.
_OP_ERRORS = _INPUT_ERRORS + (volumeops.VolumeOpsError, xexc.XCATError)


def user_reason(error):
    """What the user sees of a failed volume operation (instance faults).

    xCAT's own output names internal hosts and quotes ssh command lines,
    and a guest script's output is the guest's: both stay in the
    nova-compute log (logged here); the user gets what failed and xCAT's
    summary. Validation errors are about the caller's own values: shown.
    """
    if isinstance(error, _INPUT_ERRORS) or (
            isinstance(error, volumeops.VolumeOpsError) and
            error.__cause__ is None):
        return str(error)      # our own text about our own state
    LOG.error('Volume operation failed: %s', error)
    cause = error
    while cause is not None and not isinstance(cause, xexc.XCATError):
        cause = cause.__cause__
    what = cause.summary if cause is not None else 'a guest script failed'
    if isinstance(error, volumeops.VolumeOpsError):
        what = 'the volume operation failed: ' + what
    return '%s (details in the nova-compute log)' % what


def guest_of(instance):
    """connection.Guest of a nova instance (z/VM user id = instance name).

    Distro and version: the image properties os_distro and os_version, as
    nova copies them into system_metadata (``image_os_distro``,
    ``image_os_version``); image_meta.properties.os_distro as a fallback.
    """
    sysmeta = getattr(instance, 'system_metadata', None) or {}
    distro = sysmeta.get('image_os_distro')
    if not distro:
        try:
            props = instance.image_meta.properties
            if props.obj_attr_is_set('os_distro'):
                distro = props.os_distro
        except Exception as e:   # no image metadata: distro stays unknown
            LOG.debug('No image metadata for %s: %s', instance.uuid, e)
    # nova keeps power_state current on start/stop and by its periodic
    # power-state sync; a hint only (VolumeOps.attach checks a miss).
    # Unset on the object (or a plain stand-in without it): no hint.
    is_set = getattr(instance, 'obj_attr_is_set',
                     lambda name: hasattr(instance, name))
    running = is_set('power_state') and \
        instance.power_state == power_state.RUNNING
    return connection.Guest(uuid=instance.uuid,
                            node=validate.node_name(instance.name.lower()),
                            userid=validate.userid(instance.name),
                            os_distro=distro,
                            os_version=sysmeta.get('image_os_version'),
                            nova_running=running)


def build_volumeops(conf=CONF):
    group = conf[vconf.GROUP]
    from zvm_xcat import client as xclient
    state_file = group.state_file or os.path.join(
        conf.state_path, 'zvm_volumeops', 'fcp_state.json')
    if not group.zvm_hypervisor:
        raise exception.ZVMDriverException(
            error=_('[%s] zvm_hypervisor must be set for volume support') %
            vconf.GROUP)
    try:
        client = xclient.XCATClient.from_config(group)
        locks = pool_lock.PoolLocks(
            conf[vconf.COORDINATION_GROUP].backend_url, client.server_url,
            validate.node_name(group.zvm_hypervisor, 'zvm_hypervisor'),
            timeout=group.pool_lock_timeout)
        ops = volumeops.VolumeOps(
            client, fcp_state.FcpStateStore(state_file), group.zvm_hypervisor,
            group.fcp_list, conf.host, paths=group.paths_per_instance,
            min_paths=group.min_paths_per_instance,
            reservation_expiry=group.reservation_expiry,
            script_timeout=group.guest_script_timeout,
            min_volume_paths=group.min_volume_paths, pool_lock=locks)
        locks.start()
        return ops
    except validate.InvalidInput as e:
        raise exception.ZVMDriverException(
            error=_('[%(group)s] %(error)s') % {
                'group': vconf.GROUP, 'error': e})


class ZVMVolumeMixin(object):
    """FCP volume support through xCAT for a z/VM ComputeDriver."""

    _volumeops = None

    @property
    def volumeops(self):
        if self._volumeops is None:
            self._volumeops = build_volumeops()
        return self._volumeops

    def init_host(self, host):
        super().init_host(host)
        try:
            report = self.volumeops.reconcile()
        except xexc.XCATError as e:
            # nova-compute still starts; the journal stays in the state
            # file and is reconciled at the next start.
            LOG.error('Could not reconcile z/VM volume state with xCAT: %s',
                      e)
            return
        LOG.info('z/VM volume state after restart: %s', report)

    def get_device_name_for_instance(self, instance, bdms, block_device_obj):
        """The device name nova reports is the one the guest gets.

        nova's default (compute_utils, used when a driver does not define
        this: nova 34 manager.py _get_device_name_for_instance) names
        volumes after the root device, ``/dev/sdb``...; the guest links a
        volume at validate.guest_mountpoint's name, ``/dev/vdb`` (sd* belong
        to the guest kernel). Without this, ``openstack server volume
        list`` showed /dev/sdb for a LUN the guest has at /dev/vdb.
        """
        name = compute_utils.get_device_name_for_instance(
            instance, bdms, block_device_obj.get('device_name'))
        return validate.guest_mountpoint(name)

    def list_instance_uuids(self):
        """The instances this compute host holds volume state for.

        nova-compute calls it at its first start (nova/compute/manager.py
        _sanity_check_new_host, nova 34) and nova.virt.zvm does not define
        it (nova/virt/driver.py raises NotImplementedError), so nova-compute
        with the in-tree z/VM driver cannot start on a new host. z/VM guests
        do not carry nova's instance uuid; the uuids this host knows are
        those of its volume state file.
        """
        return sorted(self.volumeops.store.read()['instances'])

    def get_volume_connector(self, instance):
        try:
            return self.volumeops.get_connector(guest_of(instance))
        except (fcp_alloc.NoFreeFcp, volumeops.VolumeOpsError,
                validate.InvalidInput, xexc.XCATError) as e:
            raise exception.ZVMDriverException(
                error=_('no volume connector for instance %(uuid)s: '
                        '%(error)s') % {'uuid': instance.uuid, 'error': e})

    def attach_volume(self, context, connection_info, instance, mountpoint,
                      disk_bus=None, device_type=None, encryption=None):
        volume_id = _volume_id(connection_info)
        if encryption:
            raise exception.VolumeEncryptionNotSupported(
                volume_type='zvm fibre_channel', volume_id=volume_id)
        try:
            state = self.volumeops.attach(guest_of(instance), connection_info,
                                          mountpoint)
        except _OP_ERRORS as e:
            raise exception.VolumeAttachFailed(volume_id=volume_id,
                                               reason=user_reason(e))
        if state != fcp_state.ATTACHED:
            LOG.warning('Volume %s is configured in the directory of stopped '
                        'instance %s; the guest applies it at its next boot '
                        '(state %s)', volume_id, instance.uuid, state,
                        instance=instance)

    def detach_volume(self, context, connection_info, instance, mountpoint,
                      encryption=None):
        volume_id = _volume_id(connection_info)
        try:
            self.volumeops.detach(guest_of(instance), connection_info,
                                  mountpoint)
        except _OP_ERRORS as e:
            raise exception.VolumeDetachFailed(volume_id=volume_id,
                                               reason=user_reason(e))

    def extend_volume(self, context, connection_info, instance,
                      requested_size):
        volume_id = _volume_id(connection_info)
        try:
            return self.volumeops.extend(guest_of(instance), connection_info,
                                         requested_size)
        except volumeops.VolumeNotAttached:
            raise exception.VolumeNotFound(volume_id=volume_id)
        except _OP_ERRORS as e:
            raise exception.InvalidVolume(
                reason=_('extend of %(id)s failed: %(error)s') % {
                    'id': volume_id, 'error': user_reason(e)})

    # -- the server's life with volumes ---------------------------------------

    def spawn(self, context, instance, image_meta, injected_files,
              admin_password, allocations, network_info=None,
              block_device_info=None, power_on=True, accel_info=None):
        """Create the guest (Cloud Connector), then connect its volumes.

        nova attaches boot-time volumes in cinder but leaves connecting
        them to spawn (nova 34 nova/virt/block_device.py 578:
        DriverVolumeBlockDevice.attach, do_driver_attach=False); nova's
        z/VM driver ignores them. A
        volume that cannot be connected fails the spawn: nova then calls
        destroy with the same block_device_info, which disconnects the
        ones that were.
        """
        super().spawn(context, instance, image_meta, injected_files,
                      admin_password, allocations, network_info=network_info,
                      block_device_info=block_device_info, power_on=power_on,
                      accel_info=accel_info)
        for bdm in nova_driver.block_device_info_get_mapping(block_device_info):
            self.attach_volume(context, bdm['connection_info'], instance,
                               bdm['mount_device'])

    def destroy(self, context, instance, network_info, block_device_info=None,
                destroy_disks=True, destroy_secrets=True):
        """Disconnect the listed volumes, delete the guest, return leftovers.

        nova 34 ComputeManager._shutdown_instance relies on destroy for the
        driver side of every volume ("actual driver detach done in
        driver.destroy") and then deletes the attachments in cinder.
        """
        guest = guest_of(instance)
        ops = self._disconnect(guest, block_device_info)
        super().destroy(context, instance, network_info,
                        block_device_info=block_device_info,
                        destroy_disks=destroy_disks)
        if ops is not None:
            self._reclaim_after(ops, guest)

    def cleanup(self, context, instance, network_info, block_device_info=None,
                destroy_disks=True, migrate_data=None, destroy_vifs=True,
                destroy_secrets=True):
        """The volumes of a server destroyed on the hypervisor (nova's contract).

        Disconnects the listed volumes (a guest that is still there runs the
        detach; a guest that is gone has its pool entries returned) and
        forgets the server. The guest itself is destroy's business.
        """
        guest = guest_of(instance)
        ops = self._disconnect(guest, block_device_info)
        if ops is not None and not self._hypervisor.guest_exists(instance):
            self._reclaim_after(ops, guest)

    def _disconnect(self, guest, block_device_info):
        """disconnect_all; None when volume support is not configured.

        A server without volumes is deleted even then; one with volumes
        is not (its pool entries would stay used).
        """
        bdms = nova_driver.block_device_info_get_mapping(block_device_info)
        try:
            ops = self.volumeops
        except exception.ZVMDriverException as e:
            if bdms:
                raise
            LOG.debug('No volume support (%s); %s has no volumes', e,
                      guest.node)
            return None
        lifecycle.disconnect_all(ops, guest, bdms)
        return ops

    @staticmethod
    def _reclaim_after(ops, guest):
        """Volumes still recorded once the guest is gone (a failed detach)."""
        try:
            lifecycle.reclaim_gone(ops, guest)
        except xexc.XCATError as e:
            LOG.error('Pool entries of deleted guest %s not returned yet '
                      '(nova-compute start retries): %s', guest.node, e)

    def power_on(self, context, instance, network_info,
                 block_device_info=None, accel_info=None, share_info=None):
        super().power_on(context, instance, network_info,
                         block_device_info=block_device_info,
                         accel_info=accel_info, share_info=share_info)
        self.confirm_pending_volumes(instance)

    def confirm_pending_volumes(self, instance):
        """After boot: flip pending-boot volumes to attached (or failed)."""
        guest = guest_of(instance)
        if not self.volumeops.has_boot_work(guest):
            return {}
        try:
            return self.volumeops.verify(guest)
        except Exception as e:   # the guest may still be booting
            LOG.warning('Volumes of %s not confirmed yet: %s', instance.uuid,
                        e, instance=instance)
            return self.volumeops.volume_states(guest)


def _volume_id(connection_info):
    data = (connection_info or {}).get('data') or {}
    return data.get('volume_id') or (connection_info or {}).get('serial')


class ZVMVolumeDriver(ZVMVolumeMixin, zvm_driver.ZVMDriver):
    """nova's z/VM driver with FCP volume support through xCAT."""

    capabilities = dict(zvm_driver.ZVMDriver.capabilities,
                        supports_extend_volume=True)
