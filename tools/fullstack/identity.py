"""Register the stack's services in keystone, as an operator does after bootstrap.

``keystone-manage bootstrap`` made the admin user, project and roles and the
identity endpoint. This adds project ``service``, one user per service
(password = its name, roles admin and service there), and the catalog:
volumev3 (cinder), image (glance), placement, compute (nova) and network
(the neutron stub). One process with openstacksdk instead of some forty
``openstack`` commands, each of which would load the CLI for seconds.

Usage: python -m tools.fullstack.identity --auth-url URL --password PW --ports JSON
"""

import argparse
import json
import sys

import openstack

from tools.fullstack import render_openstack

CATALOG = (
    # (service name, type, port key, path)
    ('cinderv3', 'volumev3', 'cinder', '/v3/$(project_id)s'),
    ('glance', 'image', 'glance', ''),
    ('placement', 'placement', 'placement', ''),
    ('nova', 'compute', 'nova', '/v2.1'),
    ('neutron', 'network', 'neutron', ''),
)


def register(conn, ports):
    ident = conn.identity
    domain = ident.find_domain('default')
    project = ident.find_project('service', domain_id=domain.id) or ident.create_project(
        name='service', domain_id=domain.id, description='the services\' own project')
    roles = {}
    for name in ('admin', 'service'):
        roles[name] = ident.find_role(name) or ident.create_role(name=name)
    for name in render_openstack.SERVICE_USERS:
        user = ident.find_user(name, domain_id=domain.id) or ident.create_user(
            name=name, password=name, domain_id=domain.id, default_project_id=project.id)
        for role in roles.values():
            ident.assign_project_role_to_user(project, user, role)
    for name, type_, port_key, path in CATALOG:
        service = ident.find_service(name) or ident.create_service(name=name, type=type_)
        url = 'http://127.0.0.1:%s%s' % (ports[port_key], path)
        for interface in ('public', 'internal', 'admin'):
            ident.create_endpoint(service_id=service.id, interface=interface, url=url,
                                  region_id=render_openstack.REGION)
    return [s.type for s in ident.services()]


def main(argv=None):
    ap = argparse.ArgumentParser(prog='identity')
    ap.add_argument('--auth-url', required=True)
    ap.add_argument('--password', required=True)
    ap.add_argument('--ports', required=True)
    args = ap.parse_args(argv)
    conn = openstack.connect(auth_url=args.auth_url, username='admin',
                             password=args.password, project_name='admin',
                             user_domain_name='Default', project_domain_name='Default',
                             region_name=render_openstack.REGION)
    print('catalog: %s' % ', '.join(sorted(register(conn, json.loads(args.ports)))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
