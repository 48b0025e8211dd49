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
"""Driver-assisted migration and retype within one z/VM system.

A volume moves to another xCAT pool of the same z/VM system (the same
xCAT server and hypervisor node, whichever backend section lists the
pool): a LUN of the target pool is reserved for the volume, filled over
the Cinder node's host attach, and the old LUN goes through quarantine and
wipe. Every backend reports ``location_info`` so that the source can tell
such a target from any other.

Not here, and why: a target on another z/VM system. Cinder's generic
migration attaches both volumes to the source's cinder-volume host through
os-brick's FC connector (not through the driver), and that connector is
broken on s390x; and a LUN of another z/VM system is reached through that
system's FCP devices, not the source Cinder node's. Such a migration is
refused with an error that says so, instead of failing half-way in cinder's
generic code.

Crash safety: the volume's provider_location is saved pointing at the new
LUN *before* the old one is touched. A crash during the copy leaves a
second LUN owned by ``volume-<id>`` that is not its provider_location (a
leak an operator sees in the pool, never a loss); a crash after the save
leaves the old LUN owned by the volume or quarantined, and quarantined
LUNs are wiped by the retries of the data path.
"""

from cinder import exception
from cinder.i18n import _
from cinder.volume import volume_utils
from oslo_log import log as logging

from cinder_zvm import copies
from cinder_zvm import ownership
from cinder_zvm import quarantine

LOG = logging.getLogger(__name__)

LOCATION_PREFIX = 'ZVMFCPDriver:'


def location_info(server_url, hypervisor):
    """``ZVMFCPDriver:<hypervisor>@<xCAT server URL>`` (node names have no @)."""
    return '%s%s@%s' % (LOCATION_PREFIX, hypervisor, server_url)


def target_pool(ours, host):
    """The pool of ``host`` when it is on the z/VM system of ``ours``, else None.

    ``host`` is what cinder's scheduler hands to migrate_volume/retype:
    ``{'host': 'node@backend#pool', 'capabilities': {...}}``.
    """
    caps = host.get('capabilities') or {}
    if caps.get('location_info') != ours:
        return None
    return volume_utils.extract_host(host.get('host') or '', 'pool')


def describe_target(host):
    caps = host.get('capabilities') or {}
    info = caps.get('location_info') or ''
    if info.startswith(LOCATION_PREFIX):
        return 'z/VM system %s' % info[len(LOCATION_PREFIX):]
    return 'a backend of another driver (%s)' % (info or 'no location_info')


def migrate_volume(backend, datapath, volume, host):
    """Move ``volume`` to the pool of ``host``; cinder's (moved, model_update)."""
    ours = location_info(backend.client.server_url, backend.hypervisor)
    pool = target_pool(ours, host)
    if pool is None:
        raise exception.VolumeMigrationFailed(
            reason=_('volume %(id)s is on z/VM system %(hv)s; %(host)s is '
                     '%(target)s. Only moves between pools of one z/VM system '
                     'are possible: the Cinder node cannot reach LUNs of '
                     'another z/VM system through its FCP devices') % {
                         'id': volume.id, 'hv': backend.hypervisor,
                         'host': host.get('host'),
                         'target': describe_target(host)})
    src = copies.volume_location(backend, volume)
    if pool == src.pool:
        LOG.info('Volume %(id)s stays on LUN %(lun)s: pool %(pool)s is its '
                 'own', {'id': volume.id, 'lun': src.source_name,
                         'pool': pool})
        return True, None
    stamp = ownership.stamp_id(volume)
    owner = ownership.volume_owner(stamp)
    dst = copies.reserve_lun(backend, pool, owner, volume.size)
    # On failure the target goes through wipe before it is free again.
    copies.fill_lun(backend, datapath, src, dst, volume.size, owner, stamp)
    model = {'provider_location': dst.encode(), 'provider_id': dst.source_name}
    # Saved before the old LUN is released: cinder saves the model only when
    # this returns, and a crash in between must not leave the volume
    # pointing at a LUN that is being wiped.
    volume.update(model)
    volume.save()
    LOG.info('Volume %(id)s moved from LUN %(src)s (pool %(sp)s) to LUN '
             '%(dst)s (pool %(dp)s)', {'id': volume.id,
                                       'src': src.source_name, 'sp': src.pool,
                                       'dst': dst.source_name, 'dp': pool})
    try:
        quarantine.retire(backend, datapath, src, owner, stamp)
    except Exception:
        # The volume has moved; what is left is the old LUN's cleanup.
        LOG.exception('Volume %(id)s moved, but its old LUN %(lun)s of pool '
                      '%(pool)s could not be quarantined for its wipe: it is '
                      'still owned by %(owner)s; release it with '
                      'cinder-zvm-quarantine once it is wiped',
                      {'id': volume.id, 'lun': src.source_name,
                       'pool': src.pool, 'owner': owner})
    return True, model


def retype(backend, volume, host):
    """True when the volume may keep its LUN under the new type.

    Our LUNs have no type-specific properties, so a retype that keeps the
    volume in its pool changes nothing on xCAT; any other pool is a
    migration (cinder then calls migrate_volume).
    """
    loc = backend.location_of(volume)
    pool = volume_utils.extract_host(host.get('host') or '', 'pool')
    return loc is not None and pool == loc.pool
