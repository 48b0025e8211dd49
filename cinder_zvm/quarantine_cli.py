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
"""``cinder-zvm-quarantine``: list and clean quarantined LUNs.

::

    cinder-zvm-quarantine --config-file /etc/cinder/cinder.conf \\
        --backend zvm1 list
    cinder-zvm-quarantine --config-file /etc/cinder/cinder.conf \\
        --backend zvm1 clean [--id <volume or snapshot id> ...]

A quarantined LUN (``reserved``, owner ``wipe-<id>``) held data of a
deleted volume or snapshot whose wipe failed; it is never handed out.
``clean`` retries the wipe over a host attach on this Cinder node (run it
where cinder-volume of that backend runs, with the same privileges) and
frees each LUN whose wipe succeeds. Exit status: 0 when nothing is left
quarantined by the command, 1 otherwise, 2 on a usage or setup error.
"""

import argparse
import sys

from oslo_config import cfg
from oslo_log import log as logging

LOG = logging.getLogger(__name__)


def _parser():
    parser = argparse.ArgumentParser(
        prog='cinder-zvm-quarantine',
        description='List or wipe-and-free the quarantined LUNs (reserved, '
                    'owner wipe-<id>) of a z/VM FCP backend.')
    parser.add_argument('--config-file', action='append', required=True,
                        help='cinder configuration file (repeatable)')
    parser.add_argument('--backend', required=True,
                        help='backend section of the z/VM FCP driver, as '
                             'listed in enabled_backends')
    sub = parser.add_subparsers(dest='action', required=True)
    sub.add_parser('list', help='show the quarantined LUNs')
    clean = sub.add_parser('clean', help='wipe and free quarantined LUNs')
    clean.add_argument('--id', action='append', dest='ids', default=None,
                       help='only the LUN of this volume/snapshot id '
                            '(repeatable)')
    return parser


def load(config_files, backend):
    """(ZVMFCPBackend, ZVMDataPath) of one backend section, set up."""
    # cinder's modules register their options on import.
    from cinder.common import config  # noqa: F401
    from cinder import coordination
    from cinder.volume import configuration
    from cinder.volume import driver as base_driver

    from cinder_zvm import common
    from cinder_zvm import datapath
    from cinder_zvm.hostattach import conf as hostattach_conf
    from cinder_zvm import opts

    cfg.CONF([], project='cinder', default_config_files=config_files)
    logging.setup(cfg.CONF, 'cinder-zvm-quarantine')
    if backend not in cfg.CONF.list_all_sections():
        raise SystemExit('cinder-zvm-quarantine: no section [%s] in %s'
                         % (backend, ', '.join(config_files)))
    conf = configuration.Configuration(
        base_driver.volume_opts + base_driver.image_opts,
        config_group=backend)
    conf.append_config_values(opts.driver_opts())
    conf.append_config_values(hostattach_conf.hostattach_opts)
    zvm = common.ZVMFCPBackend(conf)
    zvm.setup()
    # The per-LUN wipe lock is cinder's coordination lock, shared with
    # cinder-volume: a LUN it is wiping right now is skipped here.
    coordination.COORDINATOR.start()
    return zvm, datapath.ZVMDataPath(zvm)


def format_rows(items):
    header = ('POOL', 'WWPN', 'LUN', 'SIZE', 'DELETED ID')
    lines = ['%-12s %-35s %-18s %8s  %s' % header]
    for item in items:
        size = item.entry.size_bytes
        lines.append('%-12s %-35s %-18s %8s  %s' % (
            item.location.pool, item.entry.wwpn, item.location.lun,
            '%dM' % (size >> 20) if size else '?', item.object_id or '?'))
    return lines


def main(argv=None, out=sys.stdout):
    args = _parser().parse_args(argv)
    try:
        zvm, data = load(args.config_file, args.backend)
    except Exception as exc:
        print('cinder-zvm-quarantine: cannot set up backend %s: %s'
              % (args.backend, exc), file=sys.stderr)
        return 2
    try:
        if args.action == 'list':
            items = data.list_quarantined()
            for line in format_rows(items):
                print(line, file=out)
            print('%d quarantined LUN(s)' % len(items), file=out)
            return 0
        results = data.clean_quarantined(args.ids)
        for item, freed in results:
            print('%s %s:%s %s' % ('freed      ' if freed else 'QUARANTINED',
                                   item.location.pool, item.location.lun,
                                   item.object_id or '?'), file=out)
        left = sum(1 for _item, freed in results if not freed)
        print('%d freed, %d still quarantined' % (len(results) - left, left),
              file=out)
        return 1 if left else 0
    finally:
        from cinder import coordination
        coordination.COORDINATOR.stop()


if __name__ == '__main__':
    sys.exit(main())
