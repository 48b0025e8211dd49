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
"""Options of the nova side, in the ``[zvm_volumeops]`` group.

The group also carries the xCAT connection options of ``zvm_xcat.conf``
(``zvm_xcat_server`` ...), so that ``XCATClient.from_config(CONF.zvm_volumeops)``
builds the client of this compute host.  ``[coordination] backend_url`` is
cinder's option of the same name and meaning (nova has no such group): the
tooz backend whose pool-file locks both sides hold (pool_lock.py).
"""

from oslo_config import cfg

GROUP = 'zvm_volumeops'

volumeops_opts = [
    cfg.StrOpt('zvm_hypervisor',
               help='xCAT node name of the z/VM hypervisor this nova-compute '
                    'manages (the node whose rinv lists FCP devices and '
                    'whose chhypervisor edits the zFCP pools).'),
    cfg.StrOpt('fcp_list',
               default='',
               help='FCP devices of the z/VM system that this compute host '
                    'may dedicate to its guests for volumes: ranges and '
                    'single devices separated by ";" or ",", for example '
                    '"1f00-1f0f;2f00-2f0f". Details (CHPID, WWPNs, state) '
                    'come from xCAT; a device in this list that xCAT does '
                    'not report is never used.'),
    cfg.IntOpt('paths_per_instance',
               default=2, min=1, max=8,
               help='FCP devices (paths) given to each instance, each on a '
                    'different CHPID. When fewer CHPIDs have a free device, '
                    'the instance gets one path per available CHPID.'),
    cfg.IntOpt('min_paths_per_instance',
               default=1, min=1, max=8,
               help='Fewest paths an instance may get: when fewer FCP '
                    'devices on distinct CHPIDs are free, '
                    'get_volume_connector fails and nothing is reserved.'),
    cfg.IntOpt('min_volume_paths',
               default=0, min=0, max=64,
               help='Fewest working FC paths (FCP device x target port '
                    'pairs on which the guest sees the LUN as a SCSI disk) '
                    'an attach needs; fewer fail it, naming every pair and '
                    'why it failed, and it is rolled back. 0 means one '
                    'working path on every FCP device of the instance, so '
                    'that on a dual-fabric SAN each fabric carries the '
                    'volume. Pairs whose port is not zoned to the device, '
                    'or whose LUN is not masked to its WWPN, are not '
                    'paths.'),
    cfg.IntOpt('reservation_expiry',
               default=600, min=10,
               help='Seconds an FCP reservation made by '
                    'get_volume_connector is kept for an instance that has '
                    'no volume attached yet. Expired reservations are given '
                    'to other instances.'),
    cfg.StrOpt('state_file',
               help='JSON file holding the FCP state of this compute host '
                    '(instance -> FCP devices, volumes, in-flight '
                    'operations). Default: <state_path>/zvm_volumeops/'
                    'fcp_state.json.'),
    cfg.IntOpt('pool_lock_timeout',
               default=300, min=1,
               help='Seconds an attach or detach waits for the pool file\'s '
                    'lock (shared with cinder-volume through [coordination] '
                    'backend_url) before it fails, naming the lock, and is '
                    'rolled back. Bounds the wait when the tooz backend is '
                    'lost or a holder hangs; set it to cinder\'s '
                    'zvm_pool_lock_timeout.'),
    cfg.IntOpt('guest_script_timeout',
               default=600, min=10,
               help='Seconds xdsh waits for a volume script in the guest.'),
]

COORDINATION_GROUP = 'coordination'

coordination_opts = [
    cfg.StrOpt('backend_url',
               secret=True,
               help='tooz backend URL of the pool-file locks, the same value '
                    'as cinder-volume\'s [coordination] backend_url, for '
                    'example "etcd3+http://etcd1:2379" or, with cinder on '
                    'this host, "file:///var/lib/cinder/locks" readable by '
                    'both services. nova-compute then holds the lock cinder '
                    'holds while it marks a pool entry used (attach) or '
                    'returns it (detach). Unset: the lock is only local to '
                    'this process and overlapping pool edits of nova and '
                    'cinder can lose one of them.'),
]


def register_opts(conf):
    """Register our options and the xCAT client options in GROUP."""
    from zvm_xcat import conf as xcat_conf
    conf.register_opts(volumeops_opts, group=GROUP)
    conf.register_opts(_xcat_opts(xcat_conf), group=GROUP)
    conf.register_opts(coordination_opts, group=COORDINATION_GROUP)


def _xcat_opts(xcat_conf):
    return list(getattr(xcat_conf, 'xcat_opts'))


def list_opts():
    """oslo.config.opts entry point (see etc/nova/*-generator.conf)."""
    from zvm_xcat import conf as xcat_conf
    return [(GROUP, volumeops_opts + _xcat_opts(xcat_conf)),
            (COORDINATION_GROUP, coordination_opts)]
