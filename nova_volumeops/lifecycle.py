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
"""Volumes at the end of a server's life: destroy, cleanup, a vanished guest.

nova never calls detach_volume when it deletes a server:
ComputeManager._shutdown_instance (nova 34 nova/compute/manager.py 3191)
hands the volumes to ``driver.destroy(..., block_device_info)`` and then
deletes the attachments in cinder ("actual driver detach done in
driver.destroy", 3288; destroy called at 3240). So:

- ``disconnect_all`` (destroy and cleanup): every volume listed in
  block_device_info is detached as detach_volume would (guest script, pool
  entry back to ``reserved``, last FCP undedicated), in order and best
  effort, before the guest goes. A listed volume we have no record of is
  only cleaned when xCAT's pool says the guest uses its LUN; otherwise it
  is reported and left alone (it is not ours to touch). A connection of
  another z/VM system is refused the same way.
- ``reclaim_gone``: a guest that no longer exists (deleted through the z/VM
  Cloud Connector, by nova while a detach failed, by an operator, or while
  nova-compute was down) cannot run ``chvm`` any more, and the Cloud
  Connector does not edit xCAT's pool files: its pool entries stay ``used``
  by it, which cinder refuses to delete. Each one is taken out of the pool
  and put back ``reserved`` without owner (the state a detach leaves;
  cinder's terminate_connection or delete takes it from there), the row
  saved in the state file first so that a crash between the two requests
  is finished by the next reconcile. Then the server is forgotten and its
  FCPs are free for others.

Functions take a VolumeOps (duck-typed: no import of volumeops here).
"""

import logging

from nova_volumeops import connection
from nova_volumeops import validate
from zvm_xcat import exception as xexc
from zvm_xcat import validate as xvalidate
from zvm_xcat import zfcp

LOG = logging.getLogger(__name__)


def check_hypervisor(connection_info, hv):
    """Refuse a connection made for another z/VM system (nothing touched)."""
    data = (connection_info or {}).get('data') or {}
    other = data.get('zvm_hypervisor')
    if other is not None and str(other).lower() != hv:
        raise validate.InvalidInput(
            'zvm_hypervisor', other,
            'the z/VM system of this compute host (%s)' % hv)


def disconnect_all(ops, guest, block_device_mapping):
    """Detach every listed volume, in order, best effort.

    ``block_device_mapping`` is nova's list of DriverVolumeBlockDevice (or
    dicts) with ``connection_info`` and ``mount_device``. Returns a report
    ``{'detached': [...], 'skipped': [...], 'failed': [...]}`` of volume
    ids; nothing raises.
    """
    report = {'detached': [], 'skipped': [], 'failed': []}
    for bdm in block_device_mapping or []:
        info = bdm.get('connection_info')
        mountpoint = bdm.get('mount_device')
        try:
            target = connection.parse_connection_info(info)
            check_hypervisor(info, ops.hv)
        except validate.InvalidInput as e:
            LOG.error('Volume of %s (%s) not disconnected: %s', guest.node,
                      mountpoint, e)
            report['skipped'].append(_volume_id(info))
            continue
        recorded = target.volume_id in _instance(ops, guest).get('volumes', {})
        try:
            if not recorded and not _used_by(ops, target, guest.node):
                LOG.warning('Volume %s is not attached to %s (no record, and '
                            'xCAT does not show its LUN %s in use by it): '
                            'nothing to disconnect', target.volume_id,
                            guest.node, target.lun)
                report['skipped'].append(target.volume_id)
                continue
            ops.detach(guest, info, mountpoint)
            report['detached'].append(target.volume_id)
        except Exception as e:   # best effort: the next volume, then reclaim
            LOG.error('Volume %s of %s not disconnected: %s', target.volume_id,
                      guest.node, e)
            report['failed'].append(target.volume_id)
    with ops.store.transaction() as st:
        inst = st['instances'].get(guest.uuid)
        if inst is not None and not inst['volumes'] and not inst['ops'] \
                and not inst['dedicated']:
            # Only a reservation from get_volume_connector is left.
            del st['instances'][guest.uuid]
    LOG.info('Volumes of %s disconnected: %s', guest.node, report)
    return report


def reclaim_gone(ops, guest):
    """The guest is gone: return its pool entries, forget the server.

    Returns the volume ids whose entries were put back. Raises an
    XCATError (state kept, the next reconcile retries) when xCAT cannot
    be read or written.
    """
    inst = _instance(ops, guest)
    if not inst:
        return []
    volumes = dict(inst.get('volumes', {}))
    for vid, op in inst.get('ops', {}).items():
        volumes.setdefault(vid, op['volume'])
    reclaimed = []
    for vid, vol in sorted(volumes.items()):
        target = connection.Target(vid, tuple(vol['wwpns']), vol['lun'],
                                   vol['pool'], vol['size'], tuple(vol['fcps']))
        if _reclaim_entry(ops, guest, target, vol.get('reclaim_row')):
            reclaimed.append(vid)
    with ops.store.transaction() as st:
        st['instances'].pop(guest.uuid, None)
    LOG.warning('Guest %s (%s) no longer exists: pool entries of volumes %s '
                'returned to reserved, FCP state dropped', guest.node,
                guest.uuid, reclaimed)
    return reclaimed


def _reclaim_entry(ops, guest, target, saved_row):
    # remove + add is a read-modify-write of the pool file like any other:
    # under the pool lock cinder and nova share (pool_lock.py)
    with ops.runner.pool_lock(target.pool):
        return _reclaim_locked(ops, guest, target, saved_row)


def _reclaim_locked(ops, guest, target, saved_row):
    entry = _entry(ops, target)
    if entry is None and saved_row:
        # Crash between the remove and the add: finish the add.
        _readd(ops, target, saved_row)
        return True
    if entry is None or entry.status != 'used' or entry.owner != guest.node:
        return False
    row = {'size': entry.line.split(',')[3] or '0M', 'range': entry.range}
    _add_args(target, row)      # refused before anything changes
    with ops.store.transaction() as st:
        vols = st['instances'][guest.uuid]['volumes']
        if target.volume_id in vols:
            vols[target.volume_id]['reclaim_row'] = row
        else:
            op = st['instances'][guest.uuid]['ops'][target.volume_id]
            op['volume']['reclaim_row'] = row
    zfcp.remove_from_pool(ops.client, ops.hv, target.pool, target.wwpns,
                          [target.lun])
    _readd(ops, target, row)
    return True


def _add_args(target, row):
    """--addzfcp2pool of the row as it was, reserved and without owner.

    The range goes as xCAT wrote it (one wire argument; the client checks
    it is one): it is the storage admin's LUN masking, not ours to
    reinterpret.
    """
    size = row['size'] if row['size'] not in ('M', '') else '0M'
    args = zfcp.build_add_to_pool(target.pool, 'reserved', target.wwpns,
                                  target.lun, size)
    if row['range']:
        args.append(xvalidate.wire_arg(row['range'], 'range'))
    return args


def _readd(ops, target, row):
    ops.client.chhypervisor(ops.hv, *_add_args(target, row))
    LOG.info('LUN %s back in pool %s as reserved (its guest is gone)',
             target.lun, target.pool)


def _entry(ops, target):
    for entry in zfcp.list_pool(ops.client, ops.hv, target.pool):
        if entry.lun == target.lun and set(entry.wwpns) == set(target.wwpns):
            return entry
    return None


def _used_by(ops, target, node):
    try:
        entry = _entry(ops, target)
    except xexc.XCATError as e:
        LOG.warning('Cannot read pool %s: %s', target.pool, e)
        return False
    return entry is not None and entry.status == 'used' and entry.owner == node


def _instance(ops, guest):
    return ops.store.read()['instances'].get(guest.uuid) or {}


def _volume_id(connection_info):
    data = (connection_info or {}).get('data') or {}
    return data.get('volume_id') or (connection_info or {}).get('serial')
