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
"""cinder-backup's BackupManager with the POSIX backup driver, over our driver.

The BackupManager is the one cinder-backup runs (cinder/backup/manager.py):
it asks the volume manager for the backup device, calls
``initialize_connection`` with os-brick's connector properties of its host,
attaches through os-brick's connector for the returned
``driver_volume_type`` (``_connect_device``), reads or writes the device,
and detaches (``_detach_device``: os-brick, then ``terminate_connection``).
Only the RPC hop is replaced: ``VolumeRPC`` calls the in-process
VolumeManager as cinder-volume's RPC server would. The Cinder node is the
simulator's cinder1 tree (datapath_base).
"""

import os
import socket
import tempfile
from unittest import mock

from cinder import exception
from cinder import objects
from cinder.objects import fields
from cinder.tests.unit import utils as test_utils
from oslo_service import loopingcall

from tests.cinder.functional import datapath_base as dpb


class VolumeRPC(object):
    """cinder.volume.rpcapi.VolumeAPI's calls of BackupManager, in-process."""

    def __init__(self, volume_mgr, backup_mgr):
        self.volume_mgr = volume_mgr
        self.backup_mgr = backup_mgr

    def get_backup_device(self, ctxt, backup, volume):
        # A cast (cinder/backup/rpcapi.py ... async_call=True): an exception
        # of the volume side reaches nobody, as in oslo.messaging's server;
        # cinder-volume answers with continue_backup.
        try:
            device = self.volume_mgr.get_backup_device(ctxt, backup,
                                                       want_objects=True)
        except Exception:
            self.volume_side_errors += 1
            return
        self.backup_mgr.continue_backup(ctxt, backup, device)

    volume_side_errors = 0

    def initialize_connection(self, ctxt, volume, connector):
        return self.volume_mgr.initialize_connection(ctxt, volume, connector)

    def terminate_connection(self, ctxt, volume, connector, force=False):
        self.volume_mgr.terminate_connection(ctxt, volume.id, connector,
                                             force=force)

    def remove_export(self, ctxt, volume, sync=False):
        self.volume_mgr.remove_export(ctxt, volume.id)

    def secure_file_operations_enabled(self, ctxt, volume):
        return self.volume_mgr.secure_file_operations_enabled(ctxt, volume)


class BackupTest(dpb.DataPathTestCase):

    def setUp(self):
        super().setUp()
        self.mgr = self.start_node_backend()
        # Imported once cinder's objects are registered (cinder.tests.unit
        # does it), as cinder-backup's own start does first; the POSIX
        # driver's module registers its options.
        from cinder.backup.drivers import posix  # noqa: F401
        from cinder.backup import manager as backup_manager
        self.backup_module = backup_manager
        backups = tempfile.mkdtemp(prefix='backups-')
        self.addCleanup(lambda: os.system('rm -rf %s' % backups))
        self.override_config('backup_driver',
                             'cinder.backup.drivers.posix.PosixBackupDriver')
        self.override_config('backup_posix_path', backups)
        self.backups_dir = backups
        self.backup_mgr = backup_manager.BackupManager(host='cinderhost',
                                                       service_name='backup')
        self.backup_mgr.volume_rpcapi = VolumeRPC(self.mgr, self.backup_mgr)
        # What setup_backup_backend's looping call runs, waited for here.
        self.assertRaises(loopingcall.LoopingCallDone,
                          self.backup_mgr._setup_backup_driver, self.ctxt)
        self.assertTrue(self.backup_mgr.is_working())

    def backup_of(self, vol, previous_status='available'):
        vol.status = 'backing-up'
        vol.previous_status = previous_status
        vol.save()
        backup = test_utils.create_backup(
            self.ctxt, volume_id=vol.id, status=fields.BackupStatus.CREATING,
            size=vol.size, container=None)
        return backup

    def brick_connector_of(self, host):
        """os-brick's connector properties as cinder-backup gets them.

        os_brick/initiator/connector.py get_connector_properties: ``host``
        is socket.gethostname(), ``platform`` platform.machine(); an s390x
        host with one online FCP device lists its WWPN. (The real call
        would start os-brick's privsep helper, which cinder's test fixture
        forbids.)
        """
        return mock.patch.object(
            self.backup_module.volume_utils, 'brick_get_connector_properties',
            return_value={'host': host, 'ip': '192.0.2.20',
                          'platform': 's390x', 'os_type': 'linux',
                          'multipath': False,
                          'wwpns': ['c05076ffe5005611'],
                          'wwnns': ['5005076400c7e00c']})

    def test_backup_and_restore_round_trip_byte_for_byte(self):
        vol = self.db_volume_on(dpb.SMALL_LUNS[0])
        lun_bytes = os.path.getsize(self.lun_path(vol))
        pattern = os.urandom(dpb.MiB)
        for offset in (0, 13 * dpb.MiB + 4097, lun_bytes - dpb.MiB):
            self.write_through_attach(vol, pattern, offset)
        original = self.read_lun(vol)

        backup = self.backup_of(vol)
        with self.brick_connector_of(socket.gethostname()):
            self.backup_mgr.create_backup(self.ctxt, backup)

        backup = objects.Backup.get_by_id(self.ctxt, backup.id)
        self.assertEqual((fields.BackupStatus.AVAILABLE, None),
                         (backup.status, backup.fail_reason))
        self.assert_status(vol, 'available')
        self.assertNotEqual([], os.listdir(self.backups_dir))
        self.assertNodeClean()
        self.assertEqual(0, self.mgr.driver.local.held(vol.id))
        self.assertEqual(('reserved', 'volume-' + vol.id),
                         (self.row(vol)['status'], self.row(vol)['owner']))

        target = self.db_volume_on(dpb.SMALL_LUNS[1],
                                   status='restoring-backup')
        self.assertNotEqual(original, self.read_lun(target))
        backup.status = fields.BackupStatus.RESTORING
        backup.save()
        with self.brick_connector_of(socket.gethostname()):
            self.backup_mgr.restore_backup(self.ctxt, backup, target.id,
                                           False)

        self.assert_status(target, 'available')
        self.assertEqual(original, self.read_lun(target))
        self.assertNodeClean()
        self.assertEqual(0, self.mgr.driver.local.held(target.id))

    def test_in_use_volume_without_a_lun_for_its_clone_fails_the_backup(self):
        """cinder 29 casts get_backup_device: the driver records the failure.

        A backup of an in-use volume reads a temporary clone
        (backup_use_temp_snapshot False); with no LUN for it the clone
        fails on cinder-volume, whose answer no one waits for
        (cinder/volume/manager.py get_backup_device, ``async_call``).
        """
        vol = self.db_volume_on(dpb.SMALL_LUNS[3])
        backup = self.backup_of(vol, previous_status='in-use')
        before = self.pool()
        no_lun = exception.VolumeBackendAPIException(
            data='xCAT pool gold of zvm1 has no free LUN of 1 GiB or larger')
        with self.brick_connector_of(socket.gethostname()), \
                mock.patch.object(self.mgr.driver, 'create_cloned_volume',
                                  side_effect=no_lun):
            self.backup_mgr.create_backup(self.ctxt, backup)
        self.assertEqual(1, self.backup_mgr.volume_rpcapi.volume_side_errors)

        backup = objects.Backup.get_by_id(self.ctxt, backup.id)
        self.assertEqual(fields.BackupStatus.ERROR, backup.status)
        self.assertIn('has no free LUN of 1 GiB', backup.fail_reason)
        vol = objects.Volume.get_by_id(self.ctxt, vol.id)
        self.assertEqual(('in-use', 'error_backing-up'),
                         (vol.status, vol.previous_status))
        self.assertEqual(before, self.pool())
        self.assertNodeClean()

    def test_backup_from_another_s390x_host_refused_early(self):
        """os-brick's s390x connector is never reached: the reason is shown."""
        vol = self.db_volume_on(dpb.SMALL_LUNS[2])
        backup = self.backup_of(vol)
        with self.brick_connector_of('backup-node-2'), \
                mock.patch.object(self.backup_module.volume_utils,
                                  'brick_get_connector') as brick:
            self.assertRaises(exception.VolumeBackendAPIException,
                              self.backup_mgr.create_backup,
                              self.ctxt, backup)
        brick.assert_not_called()

        backup = objects.Backup.get_by_id(self.ctxt, backup.id)
        self.assertEqual(fields.BackupStatus.ERROR, backup.status)
        self.assertIn("os-brick's s390x FC connector (broken in 4.0.0-7.1.1) "
                      "cannot attach on host backup-node-2; run cinder-backup "
                      "on the Cinder node", backup.fail_reason)
        self.assert_status(vol, 'available')
        self.assertNodeClean()
        self.assertEqual(('reserved', 'volume-' + vol.id),
                         (self.row(vol)['status'], self.row(vol)['owner']))
