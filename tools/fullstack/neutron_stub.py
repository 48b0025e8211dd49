"""A neutron that has no ports: the network endpoint nova-compute asks.

Servers of the full stack are created with ``--nic none``, yet nova-compute
still asks neutron for the server's ports on start and on delete
(nova/compute/manager.py _deallocate_network, nova/network/neutron.py
deallocate_for_instance: ``list_ports(device_id=...)``). Networking is
outside cinder-zvm, so instead of neutron this WSGI app answers the reads
with empty lists and refuses anything else. Tempest's servers are created
without any network argument (API 2.1): nova-api then checks the project's
port quota first (nova/network/neutron.py validate_networks,
``show_quota``), answered here as unlimited, and nova-compute finds no
network to allocate from, so the server boots without NICs. Served by
gunicorn:
``gunicorn tools.fullstack.neutron_stub:application``.
"""

import json
import re

EMPTY = re.compile(r'^/v2\.0/(ports|networks|subnets|floatingips|security-groups'
                   r'|extensions|segments|trunks)(\.json)?$')
QUOTA = re.compile(r'^/v2\.0/quotas/[0-9a-f-]+(\.json)?$')
# neutron's quota resources, -1 = unlimited
UNLIMITED = {name: -1 for name in ('port', 'network', 'subnet', 'router',
                                   'floatingip', 'security_group',
                                   'security_group_rule')}


def application(environ, start_response):
    path = environ.get('PATH_INFO', '')
    method = environ.get('REQUEST_METHOD')
    match = EMPTY.match(path)
    if path in ('', '/'):
        status, body = '200 OK', {'versions': [{'id': 'v2.0', 'status': 'CURRENT'}]}
    elif method == 'GET' and match:
        kind = match.group(1).replace('-', '_')
        status, body = '200 OK', {kind: []}
    elif method == 'GET' and QUOTA.match(path):
        status, body = '200 OK', {'quota': UNLIMITED}
    else:
        status, body = '404 Not Found', {'NeutronError': {
            'type': 'NotFound', 'message': 'the neutron stub has no %s %s' % (method, path),
            'detail': ''}}
    data = json.dumps(body).encode()
    start_response(status, [('Content-Type', 'application/json'),
                            ('Content-Length', str(len(data)))])
    return [data]
