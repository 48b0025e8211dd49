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
"""``cinder-zvm-rootwrap-filters``: rootwrap filters for this Cinder node.

::

    cinder-zvm-rootwrap-filters --config-file /etc/cinder/cinder.conf \\
        > /etc/cinder/rootwrap.d/cinder-zvm.filters

The host attach runs ``tee -a`` on sysfs attributes as root. Filters that
allow any device number would let whoever can run the root helper as
``cinder`` set any FCP device of the node online or offline (its boot
disk's too) and add or remove any LUN on it; the filters made here allow
only the FCP devices that ``zvm_cinder_node_fcp`` lists in the backend
sections of ``enabled_backends``. Two filters cannot be narrowed this way
and stay per disk name: ``/sys/block/sdX/device/delete`` and ``blockdev
--flushbufs /dev/sdX`` (the kernel names a disk when it appears; see the
admin guide, "Security"). Run it again whenever zvm_cinder_node_fcp
changes. Exit status 2 when no backend lists an FCP device.
"""

import argparse
import sys

from oslo_config import cfg

from cinder_zvm.hostattach import conf as hostattach_conf
from cinder_zvm.hostattach import sysfs

HEADER = """\
# cinder-rootwrap command filters of the z/VM FCP driver's host attach
# (cinder_zvm.hostattach), in addition to cinder's volume.filters (which
# already allows dd, qemu-img, multipath and ionice).
# Made by cinder-zvm-rootwrap-filters for the Cinder node's FCP devices
# %(devnos)s (zvm_cinder_node_fcp): make it again when that option changes.
# Install as /etc/cinder/rootwrap.d/cinder-zvm.filters on the Cinder node.
"""

ZFCP = r'/sys/bus/ccw/drivers/zfcp/0\.0\.%(re)s'
# (comment lines, filter name, command, its arguments); %(re)s: the devices
FILTERS = (
    (['', '[Filters]',
      '# sysfs writes, each limited to the listed FCP devices and to the one',
      '# attribute family it needs'],
     'zvm_tee_online', 'tee', '-a',
     r'/sys/bus/ccw/devices/0\.0\.%(re)s/online'),
    ([], 'zvm_tee_port_rescan', 'tee', '-a', ZFCP + '/port_rescan'),
    ([], 'zvm_tee_unit', 'tee', '-a',
     ZFCP + '/0x[0-9a-f]{16}/unit_(add|remove)'),
    (['# a SCSI disk\'s name is given by the kernel when it appears: any sdX'],
     'zvm_tee_scsi_delete', 'tee', '-a', '/sys/block/sd[a-z]+/device/delete'),
    (['', '# a newly dedicated FCP device off the cio_ignore list'],
     'zvm_cio_ignore', 'cio_ignore', '-r', r'0\.0\.%(re)s'),
    (['', '# flush a SCSI disk before it is removed'],
     'zvm_blockdev_flush', 'blockdev', '--flushbufs', '/dev/sd[a-z]+'),
)


def render(devnos):
    """The filters file for these FCP device numbers (pure)."""
    devnos = sorted({sysfs.normalize_devno(d) for d in devnos})
    if not devnos:
        raise ValueError('no FCP device number')
    values = {'re': '(%s)' % '|'.join(devnos)}
    lines = [(HEADER % {'devnos': ', '.join(devnos)}).rstrip('\n')]
    for comments, name, command, *args in FILTERS:
        lines += comments
        lines.append('%s: RegExpFilter, %s, root, %s' % (
            name, command, ', '.join([command] + [a % values for a in args])))
    return '\n'.join(lines) + '\n'


def configured_devnos(config_files):
    """Every zvm_cinder_node_fcp of the enabled backends in ``config_files``."""
    conf = cfg.ConfigOpts()
    conf.register_opt(cfg.ListOpt('enabled_backends', default=[]))
    conf([], project='cinder', default_config_files=config_files)
    devnos = set()
    for backend in conf.enabled_backends or []:
        conf.register_opts(hostattach_conf.hostattach_opts, group=backend)
        devnos.update(getattr(conf, backend).zvm_cinder_node_fcp or [])
    return devnos


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='cinder-zvm-rootwrap-filters',
        description='Print cinder-rootwrap filters allowing the host '
                    'attach only on the FCP devices of zvm_cinder_node_fcp.')
    parser.add_argument('--config-file', action='append', required=True,
                        help='cinder configuration file (repeatable)')
    args = parser.parse_args(argv)
    try:
        text = render(configured_devnos(args.config_file))
    except (ValueError, cfg.Error) as exc:
        print('cinder-zvm-rootwrap-filters: %s (zvm_cinder_node_fcp of the '
              'backends in enabled_backends)' % exc, file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
