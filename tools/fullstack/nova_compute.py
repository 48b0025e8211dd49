"""The nova-compute side of the scenario, one operation per process.

Runs what nova-compute runs for a volume attach/detach, with our nova
driver mixin (nova_volumeops.driver.ZVMVolumeMixin) configured from
nova.conf, and nothing else of nova-compute (no RPC, no database): each
call is a fresh process that reads the FCP state file as a restarted
nova-compute would.

  python -m tools.fullstack.nova_compute --config-file nova.conf \
      --instance UUID --name VM1 --distro rhel --version 9.2 \
      connector | attach CONN_INFO.json MOUNTPOINT | detach CONN_INFO.json MOUNTPOINT

Prints one JSON object on stdout (the connector, or {"ok": true});
exits 1 with the error on stderr when the driver raised.
"""

import argparse
import json
import sys
import types


def _instance(args):
    # What guest_of() reads of a nova Instance: uuid, name (the z/VM user
    # id, as the z/VM driver's instance_name_template makes it), and the
    # image's os_distro / os_version from system_metadata.
    return types.SimpleNamespace(
        uuid=args.instance, name=args.name, image_meta=None,
        system_metadata={'image_os_distro': args.distro,
                         'image_os_version': args.version})


def build_parser():
    p = argparse.ArgumentParser(prog='nova_compute')
    p.add_argument('--config-file', required=True)
    p.add_argument('--instance', required=True, help='instance uuid')
    p.add_argument('--name', required=True, help='instance name = z/VM user id')
    p.add_argument('--distro', required=True)
    p.add_argument('--version', required=True)
    p.add_argument('op', choices=('connector', 'attach', 'detach'))
    p.add_argument('connection_info', nargs='?')
    p.add_argument('mountpoint', nargs='?')
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    from oslo_config import cfg
    from oslo_log import log as logging

    from nova_volumeops import driver

    conf = cfg.CONF
    logging.register_options(conf)
    conf(['--config-file', args.config_file], project='nova')
    logging.setup(conf, 'nova')

    class Compute(driver.ZVMVolumeMixin):
        """The volume half of ZVMVolumeDriver, without the Cloud Connector."""

    compute = Compute()
    instance = _instance(args)
    try:
        if args.op == 'connector':
            result = compute.get_volume_connector(instance)
        else:
            with open(args.connection_info, encoding='utf-8') as f:
                connection_info = json.load(f)
            method = (compute.attach_volume if args.op == 'attach'
                      else compute.detach_volume)
            method(None, connection_info, instance, args.mountpoint)
            result = {'ok': True}
    except Exception as e:   # reported to the scenario, which fails the step
        print('%s: %s' % (type(e).__name__, e), file=sys.stderr)
        return 1
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == '__main__':
    sys.exit(main())
