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

    conf = cfg.CONF
    conf([], project='cinder')
    objects.register_all()
    conf.set_override('backend_url', 'file://%s' % req['lock_dir'],
                      group='coordination')
    coordination.COORDINATOR.start()
    backend = 'zvm1'
    configuration.Configuration(vol_manager.volume_backend_opts,
                                config_group=backend)
    config = configuration.Configuration(driver.opts.driver_opts(),
                                         config_group=backend)
    for key, value in {'zvm_xcat_server': req['url'],
                       'zvm_xcat_username': req['username'],
                       'zvm_xcat_password': req['password'],
                       'zvm_host': 'zvm1', 'zvm_scsi_pool': ['gold']}.items():
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
            else:
                raise ValueError('unknown action %r' % action)
    finally:
        coordination.COORDINATOR.stop()
    print(json.dumps(out))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
