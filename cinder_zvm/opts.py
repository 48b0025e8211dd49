"""Configuration options of the z/VM FCP volume driver.

Each backend section (one per z/VM system) carries the xCAT client options,
reused unchanged from ``zvm_xcat.conf`` so that cinder and nova spell them
the same way, plus the two options that say which storage this backend
hands out.  They are registered the cinder way: in the shared
``backend_defaults`` group here, and per backend through
``Configuration.append_config_values`` in the driver.
"""

import itertools

from oslo_config import cfg

from cinder_zvm.hostattach import conf as hostattach_conf
from zvm_xcat import conf as xcat_conf

zvm_fcp_opts = [
    cfg.StrOpt('zvm_host',
               help='xCAT node name of the z/VM hypervisor whose zFCP (SCSI) '
                    'pools this backend hands out, for example "zvm1". One '
                    'backend section per z/VM system.'),
    cfg.ListOpt('zvm_scsi_pool',
                default=[],
                help='xCAT zFCP pool name(s) on that hypervisor. Each pool '
                     'is reported to the scheduler as a cinder pool '
                     '(host@backend#pool). xCAT stores pool names in lower '
                     'case.'),
    cfg.IntOpt('zvm_pool_lock_timeout',
               default=300, min=1,
               help='Seconds a pool edit waits for the pool file\'s '
                    'coordination lock (shared with the other cinder-volume '
                    'services of the cluster and with nova-compute) before '
                    'it fails, naming the lock. Bounds the wait when the '
                    'tooz backend ([coordination] backend_url) is lost or a '
                    'holder hangs; set it to nova-compute\'s '
                    '[zvm_volumeops] pool_lock_timeout.'),
]


def driver_opts():
    """Every option a backend section of this driver reads.

    The host-attach options (``zvm_cinder_node``...) enable the data
    operations (wipe, images, snapshots, clones; doc admin/datapath.rst).
    """
    return list(itertools.chain(xcat_conf.xcat_opts, zvm_fcp_opts,
                                hostattach_conf.hostattach_opts))


def list_opts():
    """oslo.config.opts entry point (oslo-config-generator)."""
    return [('backend_defaults', driver_opts())]
