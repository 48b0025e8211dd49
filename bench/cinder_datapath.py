# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.
"""Data path over host attach (``python -m bench cinder_datapath``).

Against a simulator in its own process, with the Cinder node's sysfs/dev
tree of the simulator and LUN backing files on this machine's disk:

1. wipe and LUN-to-LUN copy throughput (MB/s) of 1 GiB LUNs, through the
   real host attach and cinder's dd helpers (best of ``--runs``);
2. image -> volume and volume -> image throughput of a raw image
   (needs qemu-img);
3. xCAT calls made by each data operation, from the simulator's call log,
   split into the control path's share and the data path's extra calls.

The figures are those of the simulator's backing files (a sparse file on
the local file system), not of a SAN: they show the overhead of attach,
polling and cinder's dd, not FCP bandwidth.

    python -m bench cinder_datapath [--runs N]
"""

import argparse
import io
import json
import logging
import os
import shutil
import tempfile
import time
import uuid

import yaml

from zvm_sim.fixture import SimulatorFixture

DESCRIPTION = ('host-attach data path: wipe/copy/image MB/s and extra xCAT '
               'calls per data operation')
W = '500507680b21bac6'
GIB_LUNS = ['40016%03x00000000' % i for i in range(8)]
TOPOLOGY = os.path.join(os.path.dirname(__file__), '..', 'zvm_sim',
                        'core', 'topologies', 'default.yaml')
MiB = 1 << 20


def _topology():
    with open(TOPOLOGY) as f:
        topo = yaml.safe_load(f)
    topo['systems'][0]['pools'] = {'gold': [
        {'status': 'free', 'wwpn': W, 'lun': lun, 'size': '1G',
         'range': '1f00-1f0f;2f00-2f0f'} for lun in GIB_LUNS]}
    return topo


class Bench(object):
    """A backend + data path of zvm1, set up as cinder-volume would."""

    def __init__(self, tmp, sim):
        from cinder.common import config  # noqa: F401
        from cinder import coordination
        from cinder import objects
        from cinder import privsep
        from cinder.volume import configuration
        from cinder.volume import driver as base_driver
        from oslo_config import cfg

        from cinder_zvm import common
        from cinder_zvm import datapath
        from cinder_zvm.hostattach import conf as hostattach_conf
        from cinder_zvm import opts

        objects.register_all()
        cfg.CONF([], project='cinder')
        cfg.CONF.set_override('backend_url', 'file://%s/locks' % tmp,
                              'coordination')
        cfg.CONF.set_override('lock_path', '%s/locks' % tmp,
                              'oslo_concurrency')
        coordination.COORDINATOR.start()
        # qemu-img's format check runs through privsep in cinder-volume;
        # here in this process.
        privsep.sys_admin_pctxt.set_client_mode(False)
        conf = configuration.Configuration(
            base_driver.volume_opts + base_driver.image_opts,
            config_group='bench')
        conf.append_config_values(opts.driver_opts())
        conf.append_config_values(hostattach_conf.hostattach_opts)
        root = sim.admin.guest_root('cinder1')
        values = {'zvm_xcat_server': sim.url,
                  'zvm_xcat_username': sim.username,
                  'zvm_xcat_password': sim.password, 'zvm_host': 'zvm1',
                  'zvm_scsi_pool': ['gold'], 'zvm_cinder_node': 'cinder1',
                  'zvm_cinder_node_fcp': ['1f00'],
                  'zvm_cinder_node_sysfs_root': os.path.join(root, 'sys'),
                  'zvm_cinder_node_dev_root': os.path.join(root, 'dev')}
        for key, value in values.items():
            cfg.CONF.set_override(key, value, 'bench')
        self.backend = common.ZVMFCPBackend(conf)
        self.backend.setup()
        self.data = datapath.ZVMDataPath(self.backend)
        self.objects = objects
        self.sim = sim

    def volume(self):
        vol = self.objects.Volume(id=str(uuid.uuid4()), size=1,
                                  host='bench@bench#gold',
                                  provider_location=None)
        vol.provider_location = self.backend.create_volume(vol)[
            'provider_location']
        return vol

    def counted(self, fn, *args):
        self.sim.admin.clear_calls()
        t0 = time.monotonic()
        result = fn(*args)
        elapsed = time.monotonic() - t0
        return result, elapsed, [c['option'] for c in self.sim.admin.calls()]


def _mbps(size, seconds):
    return size / MiB / seconds if seconds else float('inf')


def run(runs):
    # cinder's test helpers monkey-patch with eventlet on import: they go
    # first, so that every HTTP connection is made on the patched modules.
    import cinder.tests.unit.fake_snapshot  # noqa: F401
    import cinder.tests.unit.fake_volume  # noqa: F401
    import cinder.tests.unit.image.fake  # noqa: F401

    from cinder_zvm import location
    tmp = tempfile.mkdtemp(prefix='bench-datapath-')
    path = os.path.join(tmp, 'topology.json')
    with open(path, 'w') as f:
        json.dump(_topology(), f)
    sim = SimulatorFixture(topology=path, subprocess=True)
    sim.setUp()
    report = {}
    try:
        b = Bench(tmp, sim)
        src = b.volume()
        loc = location.decode(src.provider_location)
        # first data operation: dedicates and frees the FCP device
        _r, first, calls = b.counted(b.data.wipe, loc, 1 << 30)
        report['first operation on a fresh node (wipe 1 GiB)'] = calls
        attaches = []
        for _ in range(max(5, runs)):
            t0 = time.monotonic()
            with b.data.attached(loc):
                pass
            attaches.append(time.monotonic() - t0)
        report['attach+detach seconds (node prepared, median)'] = round(
            sorted(attaches)[len(attaches) // 2], 3)
        wipes = [b.counted(b.data.wipe, loc, 1 << 30)[1]
                 for _ in range(runs)]
        report['wipe MB/s'] = round(_mbps(1 << 30, min(wipes)), 1)
        dst = b.volume()
        dst_loc = location.decode(dst.provider_location)
        copies = []
        for _ in range(runs):
            _r, seconds, calls = b.counted(b.data.copy, loc, dst_loc,
                                           1 << 30)
            copies.append(seconds)
        report['copy LUN->LUN MB/s'] = round(_mbps(1 << 30, min(copies)),
                                             1)
        report['xCAT calls: wipe or copy (node prepared)'] = calls

        from cinder import context
        ctxt = context.get_admin_context()
        _m, _t, calls = b.counted(b.data.create_cloned_volume,
                                  b.objects.Volume(
                                      id=str(uuid.uuid4()), size=1,
                                      host='bench@bench#gold'), src)
        report['xCAT calls: create_cloned_volume (control path: '
               '--reservezfcp)'] = calls
        snap = _snapshot(b, src)
        model, _t, calls = b.counted(b.data.create_snapshot, snap)
        snap.provider_location = model['provider_location']
        report['xCAT calls: create_snapshot'] = calls
        _r, _t, calls = b.counted(b.data.delete_snapshot, snap)
        report['xCAT calls: delete_snapshot (wipe)'] = calls
        victim = b.volume()
        _r, _t, calls = b.counted(b.data.delete_volume, victim)
        report['xCAT calls: delete_volume with wipe (control path: '
               '--zfcppool, --reservezfcp)'] = calls
        if shutil.which('qemu-img'):
            report.update(_images(b, src, runs, ctxt))
        else:
            report['image copies'] = 'skipped: qemu-img not installed'
    finally:
        sim.cleanUp()
        shutil.rmtree(tmp, ignore_errors=True)
    return report


def _snapshot(b, vol):
    from cinder.tests.unit import fake_snapshot
    snap = fake_snapshot.fake_snapshot_obj(None, volume_id=vol.id,
                                           volume_size=1)
    snap.volume = vol
    return snap


def _images(b, vol, runs, ctxt):
    from cinder.tests.unit.image import fake as fake_image

    class Images(fake_image._FakeImageService):
        def __init__(self):
            super().__init__()
            self.temp_images = None

        def download(self, context, image_id, data):
            data.write(self._imagedata[image_id])

        def update(self, context, image_id, metadata, data=None, **kw):
            if data is not None:
                self._imagedata[image_id] = data.read()
            return self.images[image_id]

    size = 256 * MiB
    images = Images()
    image_id = str(uuid.uuid4())
    images.create(ctxt, {'id': image_id, 'status': 'active',
                         'disk_format': 'raw', 'container_format': 'bare',
                         'size': size},
                  data=io.BytesIO(os.urandom(MiB) * 256))
    down, up = [], []
    for _ in range(runs):
        _r, seconds, calls = b.counted(b.data.copy_image_to_volume, ctxt,
                                       vol, images, image_id)
        down.append(seconds)
    out = {'image->volume MB/s (256 MiB raw)': round(_mbps(size, min(down)),
                                                     1),
           'xCAT calls: copy_image_to_volume': calls}
    from cinder.tests.unit import fake_volume
    vol.volume_type = fake_volume.fake_volume_type_obj(None)
    vol.glance_metadata = {}
    for _ in range(runs):
        target = str(uuid.uuid4())
        images.create(ctxt, {'id': target, 'status': 'queued',
                             'disk_format': 'raw',
                             'container_format': 'bare'})
        meta = images.show(ctxt, target)
        _r, seconds, calls = b.counted(b.data.copy_volume_to_image, ctxt,
                                       vol, images, meta)
        up.append((seconds, len(images._imagedata[target])))
    seconds, length = min(up)
    out['volume->image MB/s (whole LUN, raw)'] = round(_mbps(length,
                                                             seconds), 1)
    out['xCAT calls: copy_volume_to_image'] = calls
    return out


def main(argv):
    parser = argparse.ArgumentParser(prog='python -m bench cinder_datapath')
    parser.add_argument('--runs', type=int, default=3)
    args = parser.parse_args(argv)
    # The simulator's dev/sdX are regular files: every detach logs that
    # blockdev --flushbufs does not apply. Only errors are shown here.
    logging.getLogger().setLevel(logging.ERROR)
    report = run(args.runs)
    width = max(len(k) for k in report)
    for key, value in report.items():
        print('%-*s  %s' % (width, key, value))
    return 0
