#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.
"""The cinder side of the cross-side test, run as its own process.

cinder and nova cannot share a process, so test_cross_side.py runs this
script with the venv's python. It builds cinder_zvm.driver.ZVMFCPDriver
against the simulator and does one action; input and output are JSON:

  python cinder_side.py '{"action": "create+initialize", "url": ...,
                          "volume_id": ..., "connector": {...}}'
  -> {"provider_location": ..., "connection_info": {...}}
  ... "terminate" (with "connector", "provider_location") -> {}
  ... "manage" (with "lun", "wwpns", "pool"): the LUN reserved for the
      volume by WWPN/LUN, as manage does (small LUNs keep wipes short)
  ... "delete" (with "provider_location"; "cinder_node", "cinder_node_fcp",
      "guest_root" enable the data path, which wipes through the Cinder
      node before the LUN is freed)

(cinder takes seconds to import: one process per side of the attach.)
"""

import json
import sys


def main(argv):
    req = json.loads(argv[1])
    from cinder import context
    from cinder import coordination
    from cinder import objects
    from cinder.tests.unit import fake_volume
    from cinder.volume import configuration
    from cinder.volume import manager as vol_manager
    from oslo_config import cfg

    from cinder_zvm import driver
    from cinder_zvm.hostattach import conf as hostattach_conf
    from cinder_zvm import location
    from cinder_zvm import ownership
    from zvm_xcat import zfcp

    conf = cfg.CONF
    conf([], project='cinder')
    objects.register_all()
    conf.set_override('backend_url', 'file://%s' % req['lock_dir'],
                      group='coordination')
    conf.set_override('lock_path', req['lock_dir'], group='oslo_concurrency')
    coordination.COORDINATOR.start()
    backend = 'zvm1'
    configuration.Configuration(vol_manager.volume_backend_opts,
                                config_group=backend)
    config = configuration.Configuration(driver.opts.driver_opts(),
                                         config_group=backend)
    config.append_config_values(hostattach_conf.hostattach_opts)
    values = {'zvm_xcat_server': req['url'],
              'zvm_xcat_username': req['username'],
              'zvm_xcat_password': req['password'],
              'zvm_host': 'zvm1', 'zvm_scsi_pool': ['gold']}
    if req.get('cinder_node'):
        root = req['guest_root']
        values.update(zvm_cinder_node=req['cinder_node'],
                      zvm_cinder_node_fcp=req['cinder_node_fcp'],
                      zvm_cinder_node_sysfs_root=root + '/sys',
                      zvm_cinder_node_dev_root=root + '/dev',
                      zvm_cinder_node_device_timeout=10,
                      zvm_wipe_retry_interval=0)
    for key, value in values.items():
        conf.set_override(key, value, group=backend)
    drv = driver.ZVMFCPDriver(configuration=config, host='cinder@zvm1')
    drv.do_setup(context.get_admin_context())
    volume = fake_volume.fake_volume_obj(
        context.get_admin_context(), id=req['volume_id'], size=req['size'],
        host='cinder@zvm1#gold',
        provider_location=req.get('provider_location'))
    out = {}
    try:
        for action in req['action'].split('+'):
            if action == 'create':
                out.update(drv.create_volume(volume) or {})
                volume.provider_location = out['provider_location']
            elif action == 'initialize':
                out['connection_info'] = drv.initialize_connection(
                    volume, req['connector'])
            elif action == 'terminate':
                drv.terminate_connection(volume, req['connector'])
            elif action == 'manage':
                zfcp.reserve(drv.backend.client, 'zvm1', req['pool'],
                             'reserved', ownership.volume_owner(volume.id),
                             'auto', wwpns=req['wwpns'], lun=req['lun'])
                out['provider_location'] = location.LunLocation(
                    'zvm1', req['pool'], tuple(req['wwpns']),
                    req['lun']).encode()
                volume.provider_location = out['provider_location']
            elif action == 'delete':
                drv.delete_volume(volume)
            else:
                raise ValueError('unknown action %r' % action)
    finally:
        coordination.COORDINATOR.stop()
    print(json.dumps(out))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
