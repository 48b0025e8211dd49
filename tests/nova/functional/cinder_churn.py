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
"""cinder-volume's pool writes in their own process, for test_pool_lock.

cinder and nova cannot share a process. This builds
cinder_zvm.driver.ZVMFCPDriver against the simulator, with cinder's
coordination started on the tooz backend the test gives, and reads one
JSON request per stdin line, answering one JSON line each:

- ``{"op": "connect", "connectors": [...]}``: per connector, create a
  volume and initialize_connection -> ``{"infos": [...]}``;
- ``{"op": "churn", "threads": T, "rounds": R}``: T threads, each R rounds
  of two creates and one delete -> ``{"created": {id: lun}, "deleted":
  [id...], "errors": [...]}``.

Deletes free the LUN (volume_clear = none): the data path is not
configured here.
"""

import json
import sys
import threading
import uuid


def build(req):
    from cinder import objects
    objects.register_all()      # before the manager module is imported

    from cinder import context
    from cinder import coordination
    from cinder.volume import configuration
    from cinder.volume import driver as volume_driver
    from cinder.volume import manager as vol_manager
    from oslo_config import cfg

    from cinder_zvm import driver

    conf = cfg.CONF
    conf([], project='cinder')
    conf.set_override('backend_url', req['backend_url'], group='coordination')
    coordination.COORDINATOR.start()
    backend = 'zvm1'
    for opts in (vol_manager.volume_backend_opts, volume_driver.volume_opts):
        configuration.Configuration(opts, config_group=backend)
    config = configuration.Configuration(driver.opts.driver_opts(),
                                         config_group=backend)
    for key, value in {'zvm_xcat_server': req['url'],
                       'zvm_xcat_username': req['username'],
                       'zvm_xcat_password': req['password'],
                       'zvm_host': 'zvm1', 'zvm_scsi_pool': ['gold'],
                       'volume_clear': 'none'}.items():
        conf.set_override(key, value, group=backend)
    drv = driver.ZVMFCPDriver(configuration=config, host='cinder@zvm1')
    drv.do_setup(context.get_admin_context())
    return drv


def volume(vid, location=None):
    from cinder import context
    from cinder.tests.unit import fake_volume
    return fake_volume.fake_volume_obj(
        context.get_admin_context(), id=vid, size=1,
        host='cinder@zvm1#gold', provider_location=location)


def connect(drv, connectors):
    infos = []
    for connector in connectors:
        vol = volume(str(uuid.uuid4()))
        vol.provider_location = drv.create_volume(vol)['provider_location']
        infos.append(drv.initialize_connection(vol, connector))
    return {'infos': infos}


def churn(drv, threads, rounds):
    created, deleted, errors = {}, [], []
    guard = threading.Lock()

    def work():
        for _ in range(rounds):
            vols = []
            for _ in range(2):
                vol = volume(str(uuid.uuid4()))
                try:
                    model = drv.create_volume(vol)
                except Exception as exc:      # reported to the test
                    with guard:
                        errors.append('create %s: %s' % (vol.id, exc))
                    continue
                vol.provider_location = model['provider_location']
                with guard:
                    created[vol.id] = model['provider_id']
                vols.append(vol)
            if vols:
                try:
                    drv.delete_volume(vols[0])
                    with guard:
                        deleted.append(vols[0].id)
                except Exception as exc:      # reported to the test
                    with guard:
                        errors.append('delete %s: %s' % (vols[0].id, exc))

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return {'created': created, 'deleted': deleted, 'errors': errors}


def main(argv):
    from cinder import coordination
    drv = build(json.loads(argv[1]))
    print(json.dumps({'ready': True}), flush=True)
    try:
        for line in sys.stdin:
            req = json.loads(line)
            if req['op'] == 'connect':
                out = connect(drv, req['connectors'])
            elif req['op'] == 'churn':
                out = churn(drv, req['threads'], req['rounds'])
            else:
                raise ValueError('unknown op %r' % req['op'])
            print(json.dumps(out), flush=True)
    finally:
        coordination.COORDINATOR.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
