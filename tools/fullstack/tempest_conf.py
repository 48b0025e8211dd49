"""tempest.conf for the whole stack of ``tools/fullstack.sh --tempest``.

``prepare`` creates, as the admin of ``keystone-manage bootstrap``, what
tempest needs to exist already (the image and flavor nova's z/VM driver
boots, the volume type of the one z/VM backend) and writes tempest.conf.
``counts`` reads tempest's closing "Totals" block. Runs in the test venv
(openstacksdk); tempest itself runs in its own (.venv-tempest).

Every option that switches a test group off says why next to it: a
service this stack does not run, or a feature the driver does not offer
(doc/source/reference/support-matrix.rst).

Usage: python -m tools.fullstack.tempest_conf prepare --auth-url URL \
           --password PW --backend NAME --workdir DIR TEMPEST_CONF
       python -m tools.fullstack.tempest_conf counts TEMPEST_OUTPUT COUNTS_FILE
"""

import argparse
import os
import re
import sys

from tools.fullstack import render_openstack

# What nova's z/VM driver boots (as tools/fullstack/os_scenario.py does): a
# raw image with the os_distro property the driver requires, 1 MiB.
IMAGE_NAME = 'tempest-zvm-image'
IMAGE_DISTRO = 'rhel9.2'
IMAGE_BYTES = 1024 * 1024
FLAVOR_NAME = 'tempest-zvm-flavor'
# Seconds tempest waits for a volume, snapshot or server to settle. A copy
# (snapshot, clone, volume from snapshot) moves 1-2 GiB through the Cinder
# node with dd on a busy 2-core machine; a server boot goes through the
# Cloud Connector's image import.
BUILD_TIMEOUT = 300


def _find_or_create_image(conn, workdir):
    image = conn.image.find_image(IMAGE_NAME)
    if image is not None:
        return image
    path = os.path.join(workdir, 'tempest-image.raw')
    with open(path, 'wb') as f:
        f.write(b'\0' * IMAGE_BYTES)
    # Public: tempest's tests run in projects of their own.
    return conn.create_image(IMAGE_NAME, filename=path, disk_format='raw',
                             container_format='bare', wait=True,
                             visibility='public', meta={'os_distro': IMAGE_DISTRO})


def create_resources(conn, backend, workdir):
    """(image id, flavor id, volume type name) tempest's tests use."""
    image = _find_or_create_image(conn, workdir)
    flavor = conn.compute.find_flavor(FLAVOR_NAME) or conn.compute.create_flavor(
        name=FLAVOR_NAME, ram=1024, disk=5, vcpus=1)
    vtype = conn.block_storage.find_type(backend)
    if vtype is None:
        vtype = conn.block_storage.create_type(
            name=backend, extra_specs={'volume_backend_name': backend})
    return image.id, flavor.id, vtype.name


def sections(p):
    """[(section, [(option, value, why or None)])] of tempest.conf."""
    auth_url = p['auth_url']
    return [
        ('DEFAULT', [
            ('log_file', os.path.join(p['workdir'], 'logs', 'tempest.log'), None),
            ('debug', 'true', None),
        ]),
        ('oslo_concurrency', [
            ('lock_path', os.path.join(p['workdir'], 'tempest', 'locks'), None),
        ]),
        ('auth', [
            # keystone-manage bootstrap's admin; each test class gets its
            # own project and users (dynamic credentials).
            ('admin_username', 'admin', None),
            ('admin_password', p['password'], None),
            ('admin_project_name', 'admin', None),
            ('admin_domain_name', 'Default', None),
            ('use_dynamic_credentials', 'true', None),
            ('create_isolated_networks', 'false',
             'no neutron: the network stub creates nothing, so the dynamic '
             'projects get no network (servers boot without NICs)'),
        ]),
        ('identity', [
            ('uri_v3', auth_url, None),
            ('auth_version', 'v3', None),
            ('region', render_openstack.REGION, None),
            ('v3_endpoint_type', 'public', None),
        ]),
        ('identity-feature-enabled', [
            ('api_v2', 'false', 'keystone has no v2 API any more'),
        ]),
        ('service_available', [
            ('cinder', 'true', None),
            ('nova', 'true', None),
            ('glance', 'true', None),
            # neutron itself is not run: a stub answers reads with empty
            # lists (tools/fullstack/neutron_stub.py). Said available so
            # that tempest runs its classes with servers (volume attach,
            # snapshots and extend of attached volumes: create_default_network
            # classes are skipped without neutron); with no isolated network
            # (auth.create_isolated_networks) and no fixed_network_name,
            # servers are created without networks and boot without NICs.
            ('neutron', 'true', None),
            ('swift', 'false', 'not run (no object store in this stack)'),
            ('heat', 'false', 'not run'),
            ('barbican', 'false', 'not run: no key manager, so the encrypted '
             'volume tests stay off'),
        ]),
        ('compute', [
            ('image_ref', p['image'], None),
            ('image_ref_alt', p['image'], None),
            ('flavor_ref', p['flavor'], None),
            ('flavor_ref_alt', p['flavor'], None),
            ('build_timeout', BUILD_TIMEOUT, None),
            ('region', render_openstack.REGION, None),
            ('min_microversion', '2.1', None),
            ('max_microversion', 'latest', None),
        ]),
        ('compute-feature-enabled', [
            ('volume_multiattach', 'false', 'the driver offers no multiattach: '
             'an xCAT pool row has one owner (support matrix)'),
            ('attach_encrypted_volume', 'false', 'no key manager (barbican)'),
            ('console_output', 'false', 'the z/VM driver has no console log '
             'of the simulated guests'),
        ]),
        ('validation', [
            ('run_validation', 'false', 'no network: guests cannot be reached '
             'over SSH (the simulated guests have no network either)'),
        ]),
        ('image', [
            ('region', render_openstack.REGION, None),
            ('container_formats', 'bare', None),
            ('disk_formats', 'raw', None),
        ]),
        ('volume', [
            ('catalog_type', 'volumev3', None),
            ('region', render_openstack.REGION, None),
            ('build_timeout', BUILD_TIMEOUT, None),
            ('build_interval', 2, None),
            # The type of the z/VM backend, used for every volume a test
            # creates without naming a type.
            ('volume_type', p['volume_type'], None),
            ('backend_names', p['backend'], None),
            ('storage_protocol', 'FC', None),
            ('vendor_name', 'IBM', None),
            ('disk_format', 'raw', None),
            ('volume_size', 1, None),
            ('min_microversion', '3.0', None),
            ('max_microversion', 'latest', None),
        ]),
        ('volume-feature-enabled', [
            ('multi_backend', 'false',
             'one backend is one z/VM system; moving a volume between '
             'systems is refused (their FCP devices and SAN masking differ). '
             'Pool-to-pool migration within a system is tested by our own '
             'functional tests'),
            # cinder-backup runs on the Cinder node with the POSIX driver
            # (tools/fullstack/openstack.sh start_cinder_backup); it attaches
            # through the driver's local connection, not os-brick's s390x
            # FC connector (doc/source/admin/datapath.rst).
            ('backup', 'true', None),
            ('snapshot', 'true', None),
            ('clone', 'true', None),
            ('manage_volume', 'false',
             'supported, but a reference names the LUN ("<wwpn>:<lun>"); '
             'tempest builds it from the volume id (manage_volume_ref '
             '"volume-%s"), which names no LUN'),
            ('manage_snapshot', 'false', 'the driver does not manage '
             'snapshots (no manage_existing_snapshot)'),
            ('replication', 'false', 'the driver offers no replication: xCAT '
             'pools know nothing of the storage\'s replication'),
            ('extend_attached_volume', 'true', None),
            ('extend_attached_encrypted_volume', 'false', 'no key manager'),
            ('extend_volume_with_snapshot', 'true', None),
            ('enable_volume_image_dep_tests', 'true', None),
            ('api_extensions', 'all', None),
            # cinder-tempest-plugin's options
            ('volume_revert', 'true', None),
            ('consistency_group', 'false', 'the driver offers no consistency '
             'groups (snapshots are full copies, one at a time, support '
             'matrix); generic groups (tempest.api.volume.admin.test_groups) '
             'need no driver support and run'),
            ('concurrency_tests', 'false', 'they create volumes in bursts '
             'built for a 8-core gate; the 2-core machine runs tempest at '
             '--concurrency 2 instead'),
        ]),
    ]


def render(p):
    out = ['# Written by tools/fullstack/tempest_conf.py for the stack of',
           '# tools/fullstack.sh --tempest (doc/source/contributor/tempest.rst).', '']
    for name, options in sections(p):
        out.append('[%s]' % name)
        for option, value, why in options:
            if why:
                out.append('# %s' % why)
            out.append('%s = %s' % (option, value))
        out.append('')
    return '\n'.join(out)


TOTALS = {'passed': re.compile(r'^\s*- Passed: (\d+)', re.M),
          'failed': re.compile(r'^\s*- Failed: (\d+)', re.M),
          'skipped': re.compile(r'^\s*- Skipped: (\d+)', re.M)}


def totals(text):
    """(passed, failed, skipped) of tempest run's "Totals" block, or None."""
    text = text[text.rfind('Totals'):] if 'Totals' in text else ''
    found = [pattern.search(text) for pattern in TOTALS.values()]
    if not all(found):
        return None
    return tuple(int(m.group(1)) for m in found)


def main(argv=None):
    ap = argparse.ArgumentParser(prog='tempest_conf')
    sub = ap.add_subparsers(dest='cmd', required=True)
    prep = sub.add_parser('prepare')
    prep.add_argument('--auth-url', required=True)
    prep.add_argument('--password', required=True)
    prep.add_argument('--backend', required=True)
    prep.add_argument('--workdir', required=True)
    prep.add_argument('conf')
    cnt = sub.add_parser('counts')
    cnt.add_argument('output')
    cnt.add_argument('counts')
    args = ap.parse_args(argv)
    if args.cmd == 'counts':
        with open(args.output, encoding='utf-8', errors='replace') as f:
            got = totals(f.read())
        # No totals: tempest did not get to run its tests; one failure.
        passed, failed, skipped = got or (0, 1, 0)
        with open(args.counts, 'w', encoding='utf-8') as f:
            f.write('%d %d %d\n' % (passed, failed, skipped))
        print('tempest: %d passed, %d failed, %d skipped' % (passed, failed, skipped))
        return 0 if got and not failed else 1
    import openstack
    conn = openstack.connect(auth_url=args.auth_url, username='admin',
                             password=args.password, project_name='admin',
                             user_domain_name='Default', project_domain_name='Default',
                             region_name=render_openstack.REGION)
    image, flavor, vtype = create_resources(conn, args.backend, args.workdir)
    params = {'auth_url': args.auth_url, 'password': args.password,
              'workdir': args.workdir, 'image': image, 'flavor': flavor,
              'volume_type': vtype, 'backend': args.backend}
    os.makedirs(os.path.dirname(os.path.abspath(args.conf)), exist_ok=True)
    # It holds the admin password: owner only.
    fd = os.open(args.conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w', encoding='utf-8') as f:
        f.write(render(params))
    print('tempest.conf: image %s, flavor %s, volume type %s' % (image, flavor, vtype))
    return 0


if __name__ == '__main__':
    sys.exit(main())
