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
"""cinder's generic (host copy) migration: a volume whose name_id != id.

``VolumeManager.migrate_volume(force_host_copy=True)`` creates a second
volume, copies the data over two host attaches and swaps the records
(cinder/volume/manager.py ``_migrate_volume_generic``,
``migrate_volume_completion``): the user's volume keeps its id and gets
``_name_id`` = the new volume's id, whose LUN is stamped with that id; the
temporary record is deleted with the old LUN, stamped with the user's id
(``update_migrated_volume`` default, cinder/objects/volume.py
``finish_volume_migration``). Every owner stamp therefore has to come
from ``name_id``. Both attaches are local connections
(cinder_zvm.local_connection), so os-brick's s390x FC connector is not
used. Only the RPC hops are replaced by calls to the in-process manager.
"""

import os
import socket
from unittest import mock

from cinder import objects
from cinder.objects import base as objects_base
from cinder.tests.unit import utils as test_utils
from cinder.volume import rpcapi as volume_rpcapi
from cinder.volume import volume_utils

from os_brick.initiator.connectors import local

from tests.cinder.functional import datapath_base as dpb


class GenericMigrationTest(dpb.DataPathTestCase):

    def setUp(self):
        super().setUp()
        self.mgr = self.start_node_backend()
        test_utils.create_service(self.ctxt, {
            'host': 'cinderhost@zvm1', 'binary': 'cinder-volume',
            'topic': 'cinder-volume',
            'rpc_current_version': volume_rpcapi.VolumeAPI.RPC_API_VERSION,
            'object_current_version': objects_base.OBJ_VERSIONS.get_current()})
        mgr = self.mgr
        calls = {
            'create_volume': lambda ctxt, vol, *a, **k: mgr.create_volume(
                ctxt, vol, allow_reschedule=False),
            'initialize_connection': lambda ctxt, vol, conn:
                mgr.initialize_connection(ctxt, vol, conn),
            'terminate_connection': lambda ctxt, vol, conn, force=False:
                mgr.terminate_connection(ctxt, vol.id, conn, force=force),
            'remove_export': lambda ctxt, vol, sync=False:
                mgr.remove_export(ctxt, vol.id),
            'update_migrated_volume': lambda ctxt, vol, new, status:
                mgr.update_migrated_volume(ctxt, vol, new, status),
            'delete_volume': lambda ctxt, vol, *a, **k:
                mgr.delete_volume(ctxt, vol),
            'get_capabilities': lambda ctxt, backend_id, discover:
                mgr.get_capabilities(ctxt, discover),
        }
        for name, call in calls.items():
            self._forward(name, call)
        # os-brick's properties of this host, as on an s390x Cinder node
        # (the real call would start os-brick's privsep helper)
        self.mock_object(volume_utils, 'brick_get_connector_properties',
                         return_value={'host': socket.gethostname(),
                                       'platform': 's390x',
                                       'os_type': 'linux',
                                       'multipath': False})

        # The manager checks the device with os-brick's dd through privsep,
        # which cinder's test fixture forbids: the same read, in-process.
        self.mock_object(local.LocalConnector, 'check_valid_device',
                         side_effect=self._readable)

    @staticmethod
    def _readable(path, run_as_root=True):
        with open(path, 'rb') as dev:
            return len(dev.read(4096)) == 4096

    def _forward(self, name, call):
        patcher = mock.patch.object(volume_rpcapi.VolumeAPI, name,
                                    autospec=True,
                                    side_effect=lambda _self, *a, **k:
                                    call(*a, **k))
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_generic_migration_keeps_stamps_on_name_id(self):
        vol = self.db_volume_on(dpb.SMALL_LUNS[0])
        old_loc = self.loc(vol)
        data = os.urandom(dpb.MiB)
        self.write_through_attach(vol, data, 5 * dpb.MiB)
        original = self.read_lun(vol)
        # as cinder's API does (cinder/volume/api.py migrate_volume)
        vol.update({'migration_status': 'starting',
                    'previous_status': vol.status})
        vol.save()

        self.mgr.migrate_volume(self.ctxt, vol,
                                {'host': 'cinderhost@zvm1#gold',
                                 'capabilities': {}},
                                force_host_copy=True)

        vol = objects.Volume.get_by_id(self.ctxt, vol.id)
        self.assertEqual(('available', 'success'),
                         (vol.status, vol.migration_status))
        self.assertNotEqual(vol.id, vol.name_id)
        new_loc = self.loc(vol)
        self.assertNotEqual(old_loc.lun, new_loc.lun)
        self.assertEqual(original,
                         self.read_lun(vol)[:len(original)])
        # the LUN carries the name_id; the old one went through the wipe
        self.assertEqual(('reserved', 'volume-' + vol.name_id),
                         (self.row(vol)['status'], self.row(vol)['owner']))
        self.assertEqual(('free', ''), (self.row(old_loc.encode())['status'],
                                        self.row(old_loc.encode())['owner']))
        with open(self.lun_path(old_loc), 'rb') as f:
            self.assertEqual(b'', f.read().strip(b'\0'))
        self.assertNodeClean()

        # nova attaches and detaches: the re-stamp keeps the name_id
        guest = {'host': 'guest1', 'zvm_fcp': ['1f00'],
                 'wwpns': ['c05076ffe5005611'], 'zvm_hypervisor': 'zvm1'}
        self.mgr.initialize_connection(self.ctxt, vol, guest)
        self.mgr.terminate_connection(self.ctxt, vol.id, guest)
        self.assertEqual(('reserved', 'volume-' + vol.name_id),
                         (self.row(vol)['status'], self.row(vol)['owner']))

        # the pool guard sees the volume as the LUN's owner
        self.assertEqual([], [r for r in self.pool()
                              if r['owner'].startswith('volume-') and
                              r['owner'] != 'volume-' + vol.name_id])

        # and the delete finds its LUN: wiped and freed
        self.delete(vol)
        self.assert_status(vol, 'deleted')
        self.assertEqual(('free', ''), (self.row(new_loc.encode())['status'],
                                        self.row(new_loc.encode())['owner']))
        self.assertEqual([], [r for r in self.pool()
                              if r['status'] != 'free'])
