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
"""Backend options of the host-side attach (the Cinder node's own FCP)."""

from oslo_config import cfg

hostattach_opts = [
    cfg.StrOpt('zvm_cinder_node',
               help='xCAT node name of the z/VM Linux guest this '
                    'cinder-volume runs in. Data operations (image to '
                    'volume, wipe on delete, clone, snapshot) attach pool '
                    'LUNs to it; its FCP devices are dedicated to it '
                    'through xCAT (chvm --dedicatedevice) when missing.'),
    cfg.ListOpt('zvm_cinder_node_fcp',
                default=[],
                help='FCP device numbers of the Cinder node used for '
                     'host-side attach, e.g. 1f00,2f00. Use devices on '
                     'different CHPIDs for multipath. They must be zoned '
                     'and LUN-masked to see the pool LUNs. Never list the '
                     'FCP of the node\'s own boot disk.'),
    cfg.StrOpt('zvm_cinder_node_sysfs_root',
               default='/sys',
               help='Where the Cinder node\'s sysfs is mounted. Only '
                    'changed for tests that run against a mirrored tree.'),
    cfg.StrOpt('zvm_cinder_node_dev_root',
               default='/dev',
               help='Where the Cinder node\'s /dev is. Only changed for '
                    'tests that run against a mirrored tree.'),
    cfg.IntOpt('zvm_cinder_node_device_timeout',
               default=60, min=1,
               help='Seconds to wait for an FCP device to come online and '
                    'for a LUN\'s disk to appear (or go away) on the '
                    'Cinder node before the operation is rolled back.'),
    cfg.IntOpt('zvm_cinder_node_min_paths',
               default=0, min=0,
               help='With use_multipath_for_image_xfer: the fewest working '
                    'FC paths (FCP device x target port pairs that give a '
                    'disk) a host attach needs, else it fails and is rolled '
                    'back. 0 means one working path on every device of '
                    'zvm_cinder_node_fcp, so that on a dual-fabric SAN '
                    'both fabrics carry the LUN. Without multipath one '
                    'path is used.'),
    cfg.IntOpt('zvm_wipe_retry_interval',
               default=600, min=0,
               help='Seconds between automatic retries of the wipe of '
                    'quarantined LUNs (reserved, owner wipe-<id>: a deleted '
                    'volume or snapshot whose wipe failed). 0 disables the '
                    'retries; cinder-zvm-quarantine clean retries by hand.'),
]


def list_opts():
    return [('backend', hostattach_opts)]
