"""Configs of the whole OpenStack stack of ``tools/fullstack.sh --openstack``.

Writes, next to the cinder.conf and nova.conf of tools.fullstack.render:
  keystone/keystone.conf        keystone (fernet tokens, MariaDB)
  glance/glance-api.conf        glance-api (file store) + its paste file
  placement/placement.conf      placement
  nova/nova.conf                nova-api, -conductor, -scheduler and
                                nova-compute with ZVMVolumeDriver (the
                                [zvm_volumeops] group of render's nova.conf
                                plus [zvm] cloud_connector_url)
and turns cinder.conf over to keystone (auth_strategy, [keystone_authtoken],
[nova] for the volume-extended event, [service_user]).

Every service authenticates through keystone as its own user in project
``service`` (password = the user name: a test stack on 127.0.0.1).

Usage: python -m tools.fullstack.render_openstack --workdir DIR --venv DIR \
    --ports JSON --transport-url URL --db-base URL --cloud-connector-url URL ETCDIR
"""

import argparse
import configparser
import json
import os
import shutil
import sys

REGION = 'RegionOne'
SERVICE_USERS = ('cinder', 'glance', 'placement', 'nova', 'neutron')


def keystone_auth(ports, user):
    """The options of a keystoneauth password plugin for ``user``."""
    return {'auth_url': 'http://127.0.0.1:%s/v3' % ports['keystone'],
            'auth_type': 'password', 'project_domain_name': 'Default',
            'user_domain_name': 'Default', 'project_name': 'service',
            'username': user, 'password': user, 'region_name': REGION}


def authtoken(ports, user):
    values = {'www_authenticate_uri': 'http://127.0.0.1:%s/v3' % ports['keystone'],
              # cinder 29 accepts an attachment delete of a connected volume
              # only with a service token (bug 2004555): keep its roles.
              'service_token_roles_required': 'true'}
    values.update(keystone_auth(ports, user))
    return values


def write_ini(path, sections, mode=0o600):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    cp = configparser.RawConfigParser()
    cp.optionxform = str
    if os.path.exists(path):
        cp.read(path, encoding='utf-8')
    for name, values in sections:
        if name != 'DEFAULT' and not cp.has_section(name):
            cp.add_section(name)
        for k, v in values.items():
            if v is None:
                cp.remove_option(name, k)
            else:
                cp.set(name, k, str(v))
    # The files hold passwords: owner only.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, 'w', encoding='utf-8') as f:
        cp.write(f)


def db(base, name):
    return '%s/%s?charset=utf8mb4' % (base, name)


def keystone(p):
    k = os.path.join(p['workdir'], 'keystone')
    return [('DEFAULT', {'debug': 'true'}),
            ('database', {'connection': db(p['db_base'], 'keystone')}),
            ('token', {'provider': 'fernet'}),
            # bcrypt's fewest rounds: every service and CLI call logs in, and
            # the default (12) costs a quarter second of CPU each time.
            ('identity', {'password_hash_rounds': 4}),
            ('fernet_tokens', {'key_repository': os.path.join(k, 'fernet-keys')}),
            ('credential', {'key_repository': os.path.join(k, 'credential-keys')})]


def glance(p):
    g = os.path.join(p['workdir'], 'glance')
    return [('DEFAULT', {'debug': 'true', 'enabled_backends': 'file:file',
                         'image_cache_dir': os.path.join(g, 'cache')}),
            ('database', {'connection': db(p['db_base'], 'glance')}),
            ('glance_store', {'default_backend': 'file'}),
            ('file', {'filesystem_store_datadir': os.path.join(g, 'images')}),
            ('os_glance_staging_store', {
                'filesystem_store_datadir': os.path.join(g, 'staging')}),
            ('os_glance_tasks_store', {
                'filesystem_store_datadir': os.path.join(g, 'tasks')}),
            ('keystone_authtoken', authtoken(p['ports'], 'glance')),
            ('paste_deploy', {'flavor': 'keystone', 'config_file': os.path.join(
                p['etc'], 'glance', 'glance-api-paste.ini')}),
            ('oslo_concurrency', {'lock_path': os.path.join(p['workdir'], 'locks')})]


def placement(p):
    return [('DEFAULT', {'debug': 'true'}),
            ('placement_database', {'connection': db(p['db_base'], 'placement')}),
            ('api', {'auth_strategy': 'keystone'}),
            ('keystone_authtoken', authtoken(p['ports'], 'placement'))]


def nova(p):
    """nova.conf of every nova service; nova-compute runs ZVMVolumeDriver."""
    work, ports = p['workdir'], p['ports']
    svc = {k: v for k, v in keystone_auth(ports, 'nova').items()}
    return [
        ('DEFAULT', {
            'debug': 'true', 'host': 'compute1', 'my_ip': '127.0.0.1',
            'transport_url': p['transport_url'],
            'compute_driver': 'zvm_volumeops.ZVMVolumeDriver',
            'state_path': os.path.join(work, 'nova'),
            'instances_path': os.path.join(work, 'nova', 'instances'),
            # z/VM user ids are at most 8 characters (nova.virt.zvm
            # checks the instance name against that).
            'instance_name_template': 'osp%05d',
            # No neutron in this stack beyond the stub: no cache healing.
            'heal_instance_info_cache_interval': -1,
            'log_file': None,
        }),
        ('api', {'auth_strategy': 'keystone'}),
        ('wsgi', {'api_paste_config': os.path.join(p['etc'], 'nova', 'api-paste.ini')}),
        ('api_database', {'connection': db(p['db_base'], 'nova_api')}),
        ('database', {'connection': db(p['db_base'], 'nova')}),
        ('keystone_authtoken', authtoken(ports, 'nova')),
        ('placement', svc),
        ('cinder', dict(svc, os_region_name=REGION)),
        ('neutron', dict(keystone_auth(ports, 'neutron'))),
        ('service_user', dict(svc, send_service_user_token='true')),
        ('glance', {'region_name': REGION}),
        ('scheduler', {'discover_hosts_in_cells_interval': 5}),
        ('vnc', {'enabled': 'false'}),
        ('oslo_concurrency', {'lock_path': os.path.join(work, 'locks')}),
        ('nova_sys_admin', {'helper_command': privsep_helper(p)}),
        ('zvm', {'cloud_connector_url': p['cloud_connector_url'],
                 'image_tmp_path': os.path.join(work, 'nova', 'images')}),
    ]


def privsep_helper(p):
    return os.path.join(p['venv'], 'bin', 'privsep-helper')


def cinder(p):
    ports = p['ports']
    return [('DEFAULT', {'auth_strategy': 'keystone'}),
            ('keystone_authtoken', authtoken(ports, 'cinder')),
            ('nova', dict(keystone_auth(ports, 'cinder'), interface='public')),
            ('service_user', dict(keystone_auth(ports, 'cinder'),
                                  send_service_user_token='true')),
            # Image checks (qemu-img info) run in cinder's privsep daemon:
            # started directly, the stack runs as root (no sudo/rootwrap).
            ('cinder_sys_admin', {'helper_command': privsep_helper(p)})]


def main(argv=None):
    ap = argparse.ArgumentParser(prog='render_openstack')
    ap.add_argument('--workdir', required=True)
    ap.add_argument('--venv', required=True)
    ap.add_argument('--ports', required=True, help='JSON {service: port}')
    ap.add_argument('--transport-url', required=True)
    ap.add_argument('--db-base', required=True, help='mysql+pymysql://user:pw@host:port')
    ap.add_argument('--cloud-connector-url', required=True)
    ap.add_argument('etc')
    args = ap.parse_args(argv)
    p = {'workdir': args.workdir, 'venv': args.venv, 'etc': args.etc,
         'ports': json.loads(args.ports),
         'transport_url': args.transport_url, 'db_base': args.db_base,
         'cloud_connector_url': args.cloud_connector_url}
    venv_etc = os.path.join(args.venv, 'etc')
    os.makedirs(os.path.join(args.etc, 'glance'), exist_ok=True)
    os.makedirs(os.path.join(args.etc, 'nova'), exist_ok=True)
    shutil.copy(os.path.join(venv_etc, 'glance', 'glance-api-paste.ini'),
                os.path.join(args.etc, 'glance'))
    shutil.copy(os.path.join(venv_etc, 'nova', 'api-paste.ini'),
                os.path.join(args.etc, 'nova'))
    write_ini(os.path.join(args.etc, 'keystone', 'keystone.conf'), keystone(p))
    write_ini(os.path.join(args.etc, 'glance', 'glance-api.conf'), glance(p))
    write_ini(os.path.join(args.etc, 'placement', 'placement.conf'), placement(p))
    # The [zvm_volumeops] group render.py wrote for the nova side.
    nova_conf = os.path.join(args.etc, 'nova', 'nova.conf')
    shutil.copy(os.path.join(args.etc, 'nova.conf'), nova_conf)
    write_ini(nova_conf, nova(p))
    write_ini(os.path.join(args.etc, 'cinder.conf'), cinder(p))
    for d in ('keystone/fernet-keys', 'keystone/credential-keys', 'glance/images',
              'glance/staging', 'glance/tasks', 'nova/instances', 'nova/images'):
        os.makedirs(os.path.join(args.workdir, d), exist_ok=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
