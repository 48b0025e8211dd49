"""cinder-zvm demo: a volume's life on a simulated z/VM, end to end.

Run by tools/demo.sh (which prepares the virtualenv).  Steps:

1. start the xCAT + z/VM simulator (``zvm-sim``, default topology:
   two z/VM systems) in its own process;
2. write a cinder.conf with two backends, one per z/VM system, on sqlite;
   ``cinder-manage db sync``;
3. start a real ``cinder-volume`` process: it checks both backends and
   reports their pools (seen in the simulator's call log);
4. with ``transport_url = fake://`` RPC only works inside one process, so
   the volume operations run through a VolumeManager in this process, on
   the same database and backend options -- the code path cinder-volume
   runs for each RPC (a RabbitMQ broker would let cinder-api/scheduler
   drive the process instead; not needed to show the driver);
5. create a 3 GiB volume on zvm1#gold, attach it to guest vm1 (the nova side,
   nova_volumeops, runs in a separate process: connector, then the guest
   attach through xCAT with the connection_info cinder returned), detach,
   delete; the pool is printed before and after.

``--cleanup`` removes the working directory (cinder.conf, database, logs,
simulator state) at the end; by default it is kept and printed.

Nothing here is simulator-specific except where the simulator is started
and inspected (its /_sim admin API).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

# tools/cinder_volume.py: tools/ is this script's directory
import cinder_volume

BIN = os.path.dirname(sys.executable)
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUEST = {'uuid': 'demo-instance-vm1', 'node': 'vm1', 'userid': 'VM1',
         'distro': 'rhel', 'version': '9.2'}

CINDER_CONF = """[DEFAULT]
host = demohost
enabled_backends = zvm1,zvm2
transport_url = fake://
state_path = %(tmp)s
lock_path = %(tmp)s/locks
log_file = %(tmp)s/cinder-volume.log
# The cinder-volume process is there to show that setup and stats work in a
# real service; after its start it must not write to the shared sqlite file
# while this process does (sqlite fails one of two concurrent writers at
# once): its heartbeat and periodic tasks come after the demo is over.
report_interval = 600
periodic_interval = 600
# volume_clear = zero (cinder's default): a deleted volume's LUN is wiped
# through the Cinder node (cinder1/cinder2, z/VM guests with FCP devices of
# their own) before it is free again.

[oslo_concurrency]
lock_path = %(tmp)s/locks

[database]
connection = sqlite:///%(tmp)s/cinder.db

[coordination]
backend_url = file://%(tmp)s/locks

[backend_defaults]
zvm_xcat_server = %(url)s
zvm_xcat_username = admin
zvm_xcat_password = passw0rd

[zvm1]
volume_driver = cinder_zvm.driver.ZVMFCPDriver
volume_backend_name = zvm1
zvm_host = zvm1
zvm_scsi_pool = gold,silver
zvm_cinder_node = cinder1
zvm_cinder_node_fcp = 1f03,2f02
# The simulated Cinder node's sysfs and /dev (on a real one: /sys and /dev)
zvm_cinder_node_sysfs_root = %(root1)s/sys
zvm_cinder_node_dev_root = %(root1)s/dev

[zvm2]
volume_driver = cinder_zvm.driver.ZVMFCPDriver
volume_backend_name = zvm2
zvm_host = zvm2
zvm_scsi_pool = fast,slow
zvm_cinder_node = cinder2
zvm_cinder_node_fcp = 1c03,3c03
zvm_cinder_node_sysfs_root = %(root2)s/sys
zvm_cinder_node_dev_root = %(root2)s/dev
"""


def say(text=''):
    print(text, flush=True)


def show_pool(admin, hv, pool):
    say('  %s / %s' % (hv, pool))
    say('    %-9s %-34s %-17s %-6s %s' % ('status', 'wwpn', 'lun', 'size',
                                          'owner'))
    for row in admin.pool(hv, pool):
        say('    %-9s %-34s %-17s %-6s %s' % (row['status'], row['wwpn'],
                                              row['lun'], row['size'],
                                              row['owner']))


# -- the nova side, in its own process ---------------------------------------

def nova_side(request):
    """connector / attach / detach for guest vm1, as nova-compute would."""
    from nova_volumeops import connection
    from nova_volumeops import fcp_state
    from nova_volumeops import volumeops
    from zvm_xcat import client as xclient

    client = xclient.XCATClient(request['url'], 'admin', 'passw0rd')
    ops = volumeops.VolumeOps(client, fcp_state.FcpStateStore(request['state']),
                              'zvm1', '1f00-1f02;2f00-2f01', 'compute1')
    guest = connection.Guest(GUEST['uuid'], GUEST['node'], GUEST['userid'],
                             GUEST['distro'], GUEST['version'])
    action = request['action']
    if action == 'connector':
        return ops.get_connector(guest)
    if action == 'attach':
        return ops.attach(guest, request['connection_info'], '/dev/vdb')
    ops.detach(guest, request['connection_info'], '/dev/vdb')
    return 'detached'


def run_nova_side(tmp, url, action, **kwargs):
    request = dict(action=action, url=url, state=os.path.join(tmp, 'nova.json'),
                   **kwargs)
    proc = subprocess.run([sys.executable, __file__, 'nova-side',
                           json.dumps(request)], capture_output=True,
                          text=True, timeout=600, cwd=TOP)
    if proc.returncode != 0:
        raise RuntimeError('nova side failed: %s' % proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- the demo ----------------------------------------------------------------

def _head(path, size=30):
    with open(path, 'rb') as f:
        return f.read(size)


def start_simulator(tmp):
    sim = subprocess.Popen([os.path.join(BIN, 'zvm-sim'), '--state-dir',
                            os.path.join(tmp, 'sim'), '--port', '0'],
                           stdout=subprocess.PIPE, text=True)
    info = json.loads(sim.stdout.readline())
    return sim, info['url']


def start_cinder_volume(tmp, conf, admin):
    mode = cinder_volume.db_sync(conf, os.path.join(tmp, 'cinder.db'))
    if mode != 'wal':
        raise RuntimeError('sqlite journal mode %s, not wal' % mode)
    proc = cinder_volume.CinderVolume(conf,
                                      os.path.join(tmp, 'cinder-volume.log'))
    want = {('zvm1', 'gold'), ('zvm1', 'silver'), ('zvm2', 'fast'),
            ('zvm2', 'slow')}

    def pools_reported():
        return want <= {(c['node'], c['args'][1]) for c in admin.calls()
                        if c['option'] == '--zfcppool'}
    if proc.wait(pools_reported, 180, on_restart=admin.clear_calls):
        if proc.restarted:
            say('   (sqlite refused a write of a starting backend: '
                'cinder-volume was started again)')
        return proc
    proc.stop()
    raise RuntimeError('cinder-volume did not report its pools; see %s'
                       % proc.log_path)


def in_process_manager(conf):
    from cinder import context
    from cinder import coordination
    from cinder import objects
    objects.register_all()
    from cinder import rpc
    from cinder.volume import manager
    from oslo_config import cfg

    cfg.CONF([], project='cinder', default_config_files=[conf])
    rpc.init(cfg.CONF)
    coordination.COORDINATOR.start()
    mgr = manager.VolumeManager(volume_driver=None, service_name='zvm1',
                                host='demohost@zvm1')
    mgr.init_host(added_to_cluster=None, service_id=None)
    return context.get_admin_context(), mgr


def demo(tmp):
    from zvm_sim import admin_client

    sim, url = start_simulator(tmp)
    admin = admin_client.AdminClient(url)
    volume_service = None
    try:
        say('== 1. simulator up at %s (two z/VM systems: zvm1, zvm2)' % url)
        conf = os.path.join(tmp, 'cinder.conf')
        with open(conf, 'w') as f:
            f.write(CINDER_CONF % {'tmp': tmp, 'url': url,
                                   'root1': admin.guest_root('cinder1'),
                                   'root2': admin.guest_root('cinder2')})
        say('== 2. %s: backends zvm1 (pools gold, silver) and zvm2 (fast, '
            'slow); cinder-manage db sync' % conf)
        volume_service = start_cinder_volume(tmp, conf, admin)
        say('== 3. cinder-volume (pid %d) passed setup for both backends and '
            'reported their pools; its xCAT calls:' % volume_service.pid)
        seen = []
        for c in admin.calls():
            line = '%s %s %s' % (c['method'], c['path'], ' '.join(c['args']))
            if line not in seen:
                seen.append(line)
                say('     ' + line)
        say('\n== pool state before')
        show_pool(admin, 'zvm1', 'gold')

        ctxt, mgr = in_process_manager(conf)
        from cinder import objects
        from cinder.volume import volume_types
        vtype = volume_types.get_default_volume_type(ctxt)
        vol = objects.Volume(ctxt, size=3, host='demohost@zvm1#gold',
                             status='creating', attach_status='detached',
                             volume_type_id=vtype['id'],
                             user_id=ctxt.user_id or 'demo',
                             project_id=ctxt.project_id or 'demo',
                             display_name='demo')
        vol.create()
        admin.clear_calls()
        mgr.create_volume(ctxt, vol, allow_reschedule=False)
        vol.refresh()
        say('\n== 4. create_volume 3 GiB on demohost@zvm1#gold -> %s'
            % vol.status)
        say('     provider_location %s' % vol.provider_location)
        say('     xCAT calls: %s' % [' '.join(c['args'])
                                     for c in admin.calls()])

        connector = run_nova_side(tmp, url, 'connector')
        say('\n== 5. nova side (separate process) connector for vm1:')
        say('     ' + json.dumps(connector))
        admin.clear_calls()
        info = mgr.initialize_connection(ctxt, vol, connector)
        say('     cinder initialize_connection (xCAT calls: %d):'
            % len(admin.calls()))
        say('     ' + json.dumps(info['data'], sort_keys=True))
        state = run_nova_side(tmp, url, 'attach', connection_info=info)
        say('     nova attach -> %s; pool entry now:' % state)
        show_pool(admin, 'zvm1', 'gold')
        guest = admin.guest('vm1')
        units = guest['linux']['kernel']['units']
        say('     guest vm1: FCP devices in its directory %s; zfcp units in '
            'its kernel:' % sorted(guest['directory']))
        for fcp, ports in sorted(units.items()):
            for wwpn, luns in sorted(ports.items()):
                say('       0.0.%s -> 0x%s : %s' % (fcp, wwpn, ', '.join(
                    '0x' + lun for lun in luns)))
        link = (guest['linux']['files']['links'].get('/dev/vdb') or
                guest['linux']['udev'].get('/dev/vdb'))
        say('     /dev/vdb -> %s' % link)
        wwpn, lun = info['data']['target_wwn'][0], info['data']['zvm_fcp_lun']
        lun_file = admin.lun_path(wwpn, lun)
        with open(lun_file, 'r+b') as f:
            f.write(b'tenant data of the demo volume')
        say('     the guest writes data to the LUN: %r'
            % _head(lun_file))

        run_nova_side(tmp, url, 'detach', connection_info=info)
        mgr.terminate_connection(ctxt, vol.id, connector)
        say('\n== 6. nova detach + cinder terminate_connection: owner '
            're-stamped')
        show_pool(admin, 'zvm1', 'gold')

        vol.refresh()
        vol.status = 'deleting'
        vol.save()
        admin.clear_calls()
        started = time.monotonic()
        mgr.delete_volume(ctxt, vol)
        say('\n== 7. delete_volume (volume_clear=zero) in %.1f s: the LUN '
            'was attached to the Cinder node cinder1, zeroed and detached '
            'before it went back to free; xCAT calls:'
            % (time.monotonic() - started))
        for c in admin.calls():
            say('     %s %s %s' % (c['method'], c['node'], ' '.join(c['args'])))
        say('     first bytes of the LUN now: %r' % _head(lun_file))
        cinder1 = admin.guest('cinder1')['linux']['kernel']['units']
        say('     zfcp units left on cinder1: %s'
            % (sum(len(luns) for ports in cinder1.values()
                   for luns in ports.values()) or 'none'))
        say('\n== pool state after')
        show_pool(admin, 'zvm1', 'gold')
        stats = mgr.driver.get_volume_stats(refresh=True)
        gold = [p for p in stats['pools'] if p['pool_name'] == 'gold'][0]
        say('\n     stats gold: free_capacity_gb (what the free LUNs hold) %s, '
            'max_free_lun_gb %s, quarantined_capacity_gb %s'
            % (gold['free_capacity_gb'], gold['max_free_lun_gb'],
               gold['quarantined_capacity_gb']))
        say('\ndemo complete; files in %s' % tmp)
        return 0
    finally:
        if volume_service is not None:
            volume_service.stop()
        admin.close()
        sim.terminate()
        sim.wait(30)


def main(argv):
    if argv[:1] == ['nova-side']:
        print(json.dumps(nova_side(json.loads(argv[1]))))
        return 0
    tmp = tempfile.mkdtemp(prefix='cinder-zvm-demo-')
    try:
        return demo(tmp)
    finally:
        if '--cleanup' in argv:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
