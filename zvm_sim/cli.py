"""zvm-sim: serve the simulated xCAT v1 API (and /_sim controls) over HTTP(S).

For tests and demos only: the /_sim test controls on the same port can
rewrite everything the simulator holds. Listening beyond the loopback
interface needs --admin-token.

Prints one JSON line ``{"url": ..., "ca_file": ...}`` once it listens, then
serves until interrupted.  State persists in --state-dir across restarts.
"""

import argparse
import json
import signal
import sys

from zvm_sim import admin
from zvm_sim.core import model as core
from zvm_sim import server
from zvm_sim import tls


def build_parser():
    p = argparse.ArgumentParser(
        prog='zvm-sim', description=__doc__.splitlines()[0] + ' Test and demo '
        'only: never point a production cloud at it.')
    p.add_argument('--state-dir', required=True, help='directory holding the state')
    p.add_argument('--topology', help='YAML/JSON topology (default: the built-in one)')
    p.add_argument('--host', default='127.0.0.1',
                   help='address to listen on; anything but a loopback '
                        'address needs --admin-token')
    p.add_argument('--port', type=int, default=0, help='0 picks a free port')
    p.add_argument('--tls', action='store_true', help='serve HTTPS')
    p.add_argument('--cert', help='server certificate (PEM); generated when omitted')
    p.add_argument('--key', help='server private key (PEM)')
    p.add_argument('--ca-file', help='CA file to report when --cert is given')
    p.add_argument('--admin-token',
                   help='require X-Sim-Token: <token> on /_sim (test and '
                        'demo only controls); required off loopback')
    p.add_argument('--reset', action='store_true', help='start from the topology')
    p.add_argument('--cloud-connector', metavar='HYPERVISOR',
                   help="also serve this z/VM system's Cloud Connector (sdkserver "
                        "REST API) on its own port")
    p.add_argument('--cloud-connector-port', type=int, default=0)
    p.add_argument('--cloud-connector-token',
                   help="the Cloud Connector's admin token (token auth on)")
    p.add_argument('--real-xcat', action='store_true',
                   help="run xCAT's own zvm.pm (../shared/xcat-core) for the pool, FCP "
                        'and dedicate commands; see zvm_sim/realxcat')
    return p


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        admin.check_exposure(args.host, args.admin_token)
    except ValueError as e:
        parser.error(str(e))
    sim = core.Simulator(args.state_dir, args.topology)
    if args.reset:
        sim.reset()
    cert = key = ca_file = None
    if args.tls:
        if args.cert:
            cert, key, ca_file = args.cert, args.key, args.ca_file
        else:
            paths = tls.generate(args.state_dir, args.host)
            cert, key, ca_file = paths['cert_file'], paths['key_file'], paths['ca_file']
    srv = server.SimulatorServer(sim, args.host, args.port, cert, key, args.admin_token,
                                 cloud_connector=args.cloud_connector,
                                 cloud_connector_port=args.cloud_connector_port,
                                 cloud_connector_token=args.cloud_connector_token,
                                 real_xcat=args.real_xcat)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    print(json.dumps({'url': srv.url, 'ca_file': ca_file,
                      'cloud_connector_url': srv.cloud_connector_url}), flush=True)
    try:
        srv.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        srv.httpd.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
