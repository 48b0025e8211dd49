"""Write cinder.conf and nova.conf of the full-stack run (pure rendering).

The configuration is derived from the simulator topology, as an operator
would write it for those z/VM systems: one cinder backend section per
z/VM system (``volume_backend_name`` = the hypervisor node name), the
system's pools as ``zvm_scsi_pool``, its Cinder node guest for host-side
attach, and a nova-compute host for the first system.  The FCP devices of
a system are split between the Cinder node (the last online device of each
CHPID) and nova (the others), so the two never dedicate the same device.

Switching between our driver and cinder's fake driver is the ``driver``
setting only: ``zvm`` (cinder_zvm.driver.ZVMFCPDriver against the
simulator) or ``fake`` (cinder's FakeLoggingVolumeDriver, named per backend
by tools.fullstack.fake_backend).

Usage: python -m tools.fullstack.render --driver zvm|fake --workdir DIR \
    --api-port P --transport-url URL --api-paste-config F --db-url URL \
    --sim-url URL [--sim-ca F] OUTDIR     (writes OUTDIR/cinder.conf and OUTDIR/nova.conf)
"""

import argparse
import os
import sys

import yaml

DRIVERS = {
    'zvm': 'cinder_zvm.driver.ZVMFCPDriver',
    'fake': 'tools.fullstack.fake_backend.NamedFakeDriver',
}
DEFAULT_TOPOLOGY = os.path.join(
    os.path.dirname(__file__), '..', '..', 'zvm_sim', 'core',
    'topologies', 'default.yaml')
COMPUTE_HOST = 'compute1'


def load_topology(path=None):
    with open(path or DEFAULT_TOPOLOGY, encoding='utf-8') as f:
        return yaml.safe_load(f)


def split_fcps(system):
    """(cinder node FCPs, nova FCPs) of one system, each sorted.

    Offline devices go to nobody. The Cinder node gets the last online
    device of every CHPID (a path per CHPID for its host attach).
    """
    by_chpid = {}
    for dev in system.get('fcp_devices', []):
        if dev.get('status', 'free') == 'offline':
            continue
        by_chpid.setdefault(str(dev['chpid']), []).append(str(dev['devno']).lower())
    cinder, nova = [], []
    for chpid in sorted(by_chpid):
        devs = sorted(by_chpid[chpid])
        cinder.append(devs[-1])
        nova.extend(devs[:-1])
    return sorted(cinder), sorted(nova)


def cinder_node(system):
    for guest in system.get('guests', []):
        if guest.get('cinder_node'):
            return guest['node']
    return None


def backends(topology):
    """[(section name, system)] in topology order."""
    return [(s['hypervisor'], s) for s in topology['systems']]


def _ini(sections):
    out = []
    for name, values in sections:
        out.append('[%s]' % name)
        out.extend('%s = %s' % (k, v) for k, v in values.items() if v is not None)
        out.append('')
    return '\n'.join(out)


def sim_user(topology):
    """(user, password) of the simulator: the topology's first user."""
    return next(iter(topology['users'].items()))


def xcat_values(p, topology):
    user, password = sim_user(topology)
    return {'zvm_xcat_server': p['sim_url'],
            'zvm_xcat_username': p.get('sim_username') or user,
            'zvm_xcat_password': p.get('sim_password') or password,
            'zvm_xcat_ca_file': p.get('sim_ca_file'),
            'zvm_xcat_read_timeout': 120,
            'zvm_xcat_retries': 2}


def coordination_url(p):
    """The tooz backend both cinder-volume and nova-compute lock pools on."""
    return p.get('coordination_url') or 'file://%s' % os.path.join(
        p['workdir'], 'coordination')


def cinder_conf(p, topology):
    """cinder.conf text. ``p`` holds workdir, ports, URLs (see fullstack.sh)."""
    work = p['workdir']
    names = [name for name, _s in backends(topology)]
    sections = [('DEFAULT', {
        'host': p.get('cinder_host', 'fullstack'),
        'my_ip': '127.0.0.1',
        'debug': 'true',
        'auth_strategy': 'noauth',
        'transport_url': p['transport_url'],
        'osapi_volume_listen': '127.0.0.1',
        'osapi_volume_listen_port': p['api_port'],
        'osapi_volume_workers': 1,
        'api_paste_config': p['api_paste_config'],
        # The list filters cinder-api allows (name, status, metadata, ...):
        # cinder's wheel ships the file next to api-paste.ini; without it
        # every filter of a volume list is ignored.
        'resource_query_filters_file': os.path.join(
            os.path.dirname(p['api_paste_config']), 'resource_filters.json'),
        'state_path': os.path.join(work, 'cinder-state'),
        'enabled_backends': ','.join(names),
        # Stats reach the scheduler at start; refresh them often so the
        # scenario sees capacity changes without waiting a minute.
        'backend_stats_polling_interval': 10,
        'periodic_interval': 10,
        'scheduler_driver_init_wait_time': 5,
        # As doc/source/admin/cinder-driver.rst recommends: DriverFilter
        # runs the driver's filter_function (a pool needs one free LUN that
        # holds the volume; free_capacity_gb is a sum over LUNs).
        'scheduler_default_filters': 'AvailabilityZoneFilter,CapacityFilter,'
                                     'CapabilitiesFilter,DriverFilter',
        'service_down_time': 60,
        # aa scenario: every cinder-volume host serves the backends in
        # one cluster (active/active).
        'cluster': p.get('cluster'),
    }), ('database', {
        'connection': p['db_url'],
    }), ('oslo_concurrency', {
        'lock_path': os.path.join(work, 'locks'),
    }), ('coordination', {
        'backend_url': coordination_url(p),
    })]
    for name, system in backends(topology):
        values = {'volume_driver': DRIVERS[p['driver']],
                  'volume_backend_name': name,
                  'volume_clear_size': p.get('volume_clear_size')}
        if p['driver'] == 'zvm':
            values.update(xcat_values(p, topology))
            cinder_fcps, _nova = split_fcps(system)
            node = cinder_node(system)
            root = (p.get('guest_roots') or {}).get(node)
            values.update({
                'zvm_host': system['hypervisor'],
                'zvm_scsi_pool': ','.join(sorted(system.get('pools', {}))),
                'zvm_cinder_node': node,
                'zvm_cinder_node_fcp': ','.join(cinder_fcps),
                'zvm_cinder_node_sysfs_root': root and os.path.join(root, 'sys'),
                'zvm_cinder_node_dev_root': root and os.path.join(root, 'dev'),
                'zvm_cinder_node_device_timeout': 30,
            })
        sections.append((name, values))
    return _ini(sections)


def nova_conf(p, topology):
    """nova.conf of the nova-compute stand-in for the first z/VM system."""
    system = topology['systems'][0]
    _cinder, nova_fcps = split_fcps(system)
    group = {'zvm_hypervisor': system['hypervisor'],
             'fcp_list': ';'.join(nova_fcps),
             'paths_per_instance': 2,
             'state_file': os.path.join(p['workdir'], 'nova', 'fcp_state.json'),
             'guest_script_timeout': 120}
    group.update(xcat_values(p, topology))
    return _ini([
        ('DEFAULT', {'host': COMPUTE_HOST,
                     'state_path': os.path.join(p['workdir'], 'nova'),
                     'debug': 'true',
                     # Every nova-side process appends here.
                     'log_file': os.path.join(p['workdir'], 'logs', 'nova-compute.log')}),
        ('oslo_concurrency', {'lock_path': os.path.join(p['workdir'], 'locks')}),
        # cinder-volume's value: nova's pool writes hold cinder's lock.
        ('coordination', {'backend_url': coordination_url(p)}),
        ('zvm_volumeops', group),
    ])


def guest_roots(sim_url, ca_file, topology):
    """{Cinder node: its mirrored sysfs/dev tree} from the simulator."""
    from zvm_sim.admin_client import AdminClient
    admin = AdminClient(sim_url, ca_file=ca_file or None)
    try:
        return {node: admin.guest_root(node)
                for node in filter(None, map(cinder_node, topology['systems']))}
    finally:
        admin.close()


def build_parser():
    p = argparse.ArgumentParser(prog='render', description=__doc__.splitlines()[0])
    p.add_argument('--driver', choices=sorted(DRIVERS), required=True)
    p.add_argument('--workdir', required=True)
    p.add_argument('--api-port', type=int, required=True)
    p.add_argument('--transport-url', required=True)
    p.add_argument('--api-paste-config', required=True)
    p.add_argument('--db-url', required=True, help='SQLAlchemy URL of cinder\'s database')
    p.add_argument('--sim-url', required=True)
    p.add_argument('--sim-ca', default='')
    p.add_argument('--topology', help='default: the simulator\'s default topology')
    p.add_argument('--coordination-url', help='tooz backend of cinder and '
                   'nova (default: file:// in the work dir)')
    p.add_argument('--cluster', help='cinder-volume cluster name')
    p.add_argument('--volume-clear-size', type=int,
                   help='MiB wiped on delete (default: the whole LUN)')
    p.add_argument('outdir')
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    topology = load_topology(args.topology)
    params = {'workdir': args.workdir, 'driver': args.driver, 'api_port': args.api_port,
              'transport_url': args.transport_url,
              'api_paste_config': args.api_paste_config, 'db_url': args.db_url,
              'sim_url': args.sim_url, 'sim_ca_file': args.sim_ca or None,
              'coordination_url': args.coordination_url,
              'cluster': args.cluster,
              'volume_clear_size': args.volume_clear_size}
    if args.driver == 'zvm':
        params['guest_roots'] = guest_roots(args.sim_url, args.sim_ca, topology)
    os.makedirs(args.outdir, exist_ok=True)
    for name, text in (('cinder.conf', cinder_conf(params, topology)),
                       ('nova.conf', nova_conf(params, topology))):
        path = os.path.join(args.outdir, name)
        # The files hold the simulator's password: owner only.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
