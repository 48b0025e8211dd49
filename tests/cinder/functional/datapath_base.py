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
"""Data-path tests against the simulator's Cinder node (cinder1 on zvm1).

The host attach runs for real: its sysfs/dev roots point at the
simulator's mirrored tree of cinder1 (sim.admin.guest_root), whose
reactor (run by the simulator process) applies the writes as the kernel
would, and dev/sdX is a loop device over the LUN's backing file
(sim.admin.lun_path), so a LUN keeps its size as a real one does. The control path is the real
cinder_zvm.common.ZVMFCPBackend over HTTP.

LUNs here are small (tens of MiB, below the volume size) so that whole-LUN
wipes and copies stay fast; the data path copies by LUN and volume size,
so nothing depends on a LUN being at least a GiB.
"""

import copy
import logging
import os

import fixtures
import yaml

from cinder.tests.unit import fake_volume
from cinder.volume import configuration
from cinder.volume import driver as cinder_driver

from cinder_zvm import common
from cinder_zvm import datapath
from cinder_zvm.hostattach import conf as hostattach_conf
from cinder_zvm import location
from cinder_zvm import opts
from cinder_zvm import ownership
from tests.cinder.functional import base
from zvm_xcat import zfcp

MiB = 1 << 20
W1 = '500507680b21bac6'
W2 = '500507680b22bac6'
NODE = 'cinder1'
DEFAULT_TOPOLOGY = os.path.join(
    os.path.dirname(__file__), '..', '..', '..', 'zvm_sim', 'core',
    'topologies', 'default.yaml')


SMALL_LUNS = ['40014%03x00000000' % i for i in range(4)]
MULTIPATH_LUN = '4001500000000000'
# Two LUNs that differ only in levels 3 and 4: one systemd by-path name.
LEVEL4_LUNS = ['4001400500000000', '4001400540064007']
GIB_LUNS = ['40016%03x00000000' % i for i in range(6)]


def small_topology():
    """The default topology with pool gold of zvm1 made of small LUNs.

    32 MiB LUNs (four single-path, one multipath) for the attach, wipe and
    image tests, which reserve them by WWPN/LUN; 1 GiB LUNs for what goes
    through xCAT's best fit (volumes are whole GiB).
    """
    with open(DEFAULT_TOPOLOGY) as f:
        topo = yaml.safe_load(f)
    topo = copy.deepcopy(topo)
    rng = '1f00-1f0f;2f00-2f0f'
    rows = [{'status': 'free', 'wwpn': W1, 'lun': lun, 'size': '32M',
             'range': rng} for lun in SMALL_LUNS]
    rows += [{'status': 'free', 'wwpn': W1, 'lun': lun, 'size': '32M',
              'range': rng} for lun in LEVEL4_LUNS]
    rows.append({'status': 'free', 'wwpn': '%s;%s' % (W1, W2),
                 'lun': MULTIPATH_LUN, 'size': '32M', 'range': rng})
    rows += [{'status': 'free', 'wwpn': W1, 'lun': lun, 'size': '1G',
              'range': rng} for lun in GIB_LUNS]
    topo['systems'][0]['pools'] = {'gold': rows}
    return topo


class DataPathTestCase(base.SimulatorTestCase):
    """A ZVMFCPBackend + ZVMDataPath for zvm1 and the cinder1 tree."""

    TOPOLOGY = None
    DEVICE_TIMEOUT = 5

    def setUp(self):
        # SimulatorTestCase builds the simulator; give it our topology.
        self._patch_topology()
        super().setUp()
        self.root = self.sim.admin.guest_root(NODE)
        self.conf = self.make_configuration()
        self.backend = common.ZVMFCPBackend(self.conf)
        self.backend.setup()
        self.data = datapath.ZVMDataPath(self.backend)

    def _patch_topology(self):
        topology = self.TOPOLOGY or small_topology()
        real = base.SimulatorFixture

        def with_topology(*args, **kwargs):
            kwargs.setdefault('topology', topology)
            return real(*args, **kwargs)
        self.mock_object(base, 'SimulatorFixture', with_topology)

    def make_configuration(self, **overrides):
        configuration.Configuration(hostattach_conf.hostattach_opts,
                                    config_group='zvm1')
        configuration.Configuration(cinder_driver.volume_opts +
                                    cinder_driver.image_opts,
                                    config_group='zvm1')
        values = {'zvm_cinder_node': NODE,
                  'zvm_cinder_node_fcp': ['1f00', '2f00'],
                  'zvm_cinder_node_sysfs_root': os.path.join(self.root,
                                                             'sys'),
                  'zvm_cinder_node_dev_root': os.path.join(self.root, 'dev'),
                  'zvm_cinder_node_device_timeout': self.DEVICE_TIMEOUT,
                  # no background wipe retries in tests: they call clean
                  'zvm_wipe_retry_interval': 0}
        values.update(overrides)
        self.configure_backend('zvm1', **values)
        self.conf_values = dict(values, zvm_xcat_server=self.sim.url,
                                zvm_xcat_username=self.sim.username,
                                zvm_xcat_password=self.sim.password,
                                zvm_host='zvm1', zvm_scsi_pool='gold')
        conf = configuration.Configuration(
            cinder_driver.volume_opts + cinder_driver.image_opts,
            config_group='zvm1')
        conf.append_config_values(opts.driver_opts())
        conf.append_config_values(hostattach_conf.hostattach_opts)
        return conf

    def multipath_data_path(self, **overrides):
        """A data path of the backend with use_multipath_for_image_xfer on."""
        self.conf = self.make_configuration(use_multipath_for_image_xfer=True,
                                            **overrides)
        self.backend.configuration = self.conf
        return type(self.data)(self.backend)

    # ---- helpers ---------------------------------------------------------

    def volume(self, lun=None, size=1, **kwargs):
        """A volume object owning a LUN: best fit, or ``lun`` if given.

        A given LUN (a small one) is reserved by WWPN/LUN, as manage does.
        """
        vol = fake_volume.fake_volume_obj(
            self.ctxt, size=size, host='cinderhost@zvm1#gold', **kwargs)
        if lun is None:
            vol.provider_location = self.backend.create_volume(vol)[
                'provider_location']
            return vol
        self._own_lun(vol, lun)
        return vol

    def db_volume_on(self, lun, status='available'):
        """A cinder volume in the database owning small LUN ``lun``."""
        vol = self.new_volume(size=1, status=status)
        self._own_lun(vol, lun)
        vol.save()
        return vol

    def _own_lun(self, vol, lun):
        """Reserve ``lun`` for ``vol`` by WWPN/LUN, as manage does."""
        wwpns = (W1, W2) if lun == MULTIPATH_LUN else (W1,)
        loc = location.LunLocation('zvm1', 'gold', wwpns, lun)
        zfcp.reserve(self.backend.client, 'zvm1', 'gold', 'reserved',
                     ownership.volume_owner(vol.id), 'auto', wwpns=wwpns,
                     lun=lun)
        vol.provider_location = loc.encode()

    def loc(self, obj):
        if isinstance(obj, location.LunLocation):
            return obj
        return location.decode(getattr(obj, 'provider_location', obj))

    def lun_path(self, obj):
        loc = self.loc(obj)
        return self.sim.admin.lun_path(loc.wwpns[0], loc.lun)

    def read_lun(self, obj, size=None):
        with open(self.lun_path(obj), 'rb') as f:
            return f.read(size) if size else f.read()

    def write_through_attach(self, obj, data, offset=0):
        """Write bytes to a LUN through a host attach (as a guest would)."""
        with self.data.attached(self.loc(obj)) as path:
            with open(path, 'r+b') as dev:
                dev.seek(offset)
                dev.write(data)
                dev.flush()
                os.fsync(dev.fileno())

    def row(self, obj):
        return self.entry(getattr(obj, 'provider_location', obj))

    def node_state(self):
        return self.sim.admin.guest(NODE)

    def assertNodeClean(self):
        """No LUN unit or disk left on the Cinder node."""
        sys_root = os.path.join(self.root, 'sys')
        self.assertEqual([], os.listdir(os.path.join(sys_root, 'block')))
        self.assertEqual([], os.listdir(os.path.join(self.root, 'dev',
                                                     'disk', 'by-path')))
        zfcp = os.path.join(sys_root, 'bus', 'ccw', 'drivers', 'zfcp')

        def listdir(path):
            # a rollback's "online 0" may still be applied by the reactor:
            # a device or port going away meanwhile holds no unit
            try:
                return os.listdir(path)
            except FileNotFoundError:
                return []
        for dev in listdir(zfcp):
            for port in listdir(os.path.join(zfcp, dev)):
                if port.startswith('0x'):
                    units = [u for u in listdir(os.path.join(zfcp, dev, port))
                             if u.startswith('0x')]
                    self.assertEqual([], units, '%s/%s' % (dev, port))

    def start_driver(self, **overrides):
        """ZVMFCPDriver as cinder's VolumeManager makes and sets it up.

        Pool gold only, the Cinder node of this test case; what the
        manager's init_host logged is in ``self.driver_log``.
        """
        self.driver_log = self.useFixture(fixtures.FakeLogger(
            name='cinder_zvm', level=logging.WARNING))
        values = {'zvm_wipe_retry_interval': 0}
        values.update(overrides)
        return self.start_node_backend(**values).driver

    def start_node_backend(self, pools=('gold',), **overrides):
        """A VolumeManager of zvm1 with this test case's Cinder node.

        Only the given pools; the Cinder node (its FCP devices, sysfs and
        /dev roots) is what the data path attaches LUNs on.
        """
        values = {k: v for k, v in self.conf_values.items()
                  if k.startswith('zvm_cinder_node')}
        values.update(overrides)
        return self.start_backend('zvm1', zvm_scsi_pool=list(pools), **values)

    def assertLunSize(self, obj, size):
        """The LUN kept its size, as a block device does (blockdev.py)."""
        self.assertEqual(size, os.path.getsize(self.lun_path(obj)),
                         'LUN %s changed size: is dev/sdX a regular file '
                         '(no loop devices: not root?)' % self.loc(obj).lun)

    def assertZeros(self, obj):
        data = self.read_lun(obj)
        self.assertEqual(b'', data.strip(b'\0'),
                         'LUN %s is not zeroed' % self.loc(obj).lun)
