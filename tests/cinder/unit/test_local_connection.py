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
"""cinder_zvm.local_connection: which connector is which, and the counts."""

import types

from cinder import exception
import ddt
import testtools

from cinder_zvm import local_connection as lc

HERE = 'cindernode1'


@ddt.ddt
class KindOfTest(testtools.TestCase):

    @ddt.data(
        # nova_volumeops' connector, even from this host
        ({'host': HERE, 'zvm_fcp': ['1f00'], 'wwpns': ['c05076ffe5005611'],
          'zvm_hypervisor': 'zvm1'}, lc.GUEST),
        # os-brick on this host (cinder-backup, another backend's service)
        ({'host': HERE, 'platform': 's390x', 'wwpns': ['c05076ffe5005611']},
         lc.LOCAL),
        ({'host': HERE, 'platform': 'x86_64'}, lc.LOCAL),
        # os-brick on another s390x host: its FC connector fails there
        ({'host': 'backup2', 'platform': 's390x'}, lc.S390X_HOST),
        ({'host': 'backup2', 'platform': 'S390'}, lc.S390X_HOST),
        # elsewhere: the fibre_channel answer as before
        ({'host': 'x86box', 'platform': 'x86_64', 'wwpns': ['1' * 16]},
         lc.OTHER_HOST),
        ({'platform': 'x86_64'}, lc.OTHER_HOST),
        ({'host': '', 'platform': 'x86_64'}, lc.OTHER_HOST),
        (None, lc.OTHER_HOST),
        ('not-a-dict', lc.OTHER_HOST),
    )
    @ddt.unpack
    def test_kind(self, connector, kind):
        self.assertEqual(kind, lc.kind_of(connector, HERE))

    def test_refusal_fits_backup_fail_reason(self):
        """The reason survives the manager's 105-character prefix.

        cinder's backups.fail_reason is String(255)
        (cinder/db/sqlalchemy/models.py Backup.fail_reason).
        """
        exc = lc.refusal({'host': 'backup-node-2'}, 'cinder-node-1')
        self.assertEqual(
            "os-brick's s390x FC connector (broken in 4.0.0-7.1.1) cannot "
            "attach on host backup-node-2; run cinder-backup on the Cinder "
            "node cinder-node-1", str(exc))
        self.assertLessEqual(105 + len(str(exc)), 255)


class FakeDataPath(object):
    """attach_volume/detach_volume as cinder_zvm.datapath has them."""

    def __init__(self):
        self.attached = []
        self.detached = []

    def attach_volume(self, context, volume, properties):
        info = {'device': {'path': '/dev/sd%s' % 'abcdefgh'[
            len(self.attached)]}}
        self.attached.append(volume.id)
        return info, volume

    def detach_volume(self, context, attach_info, volume, properties,
                      force=False):
        self.detached.append((volume.id, attach_info['device']['path'],
                              force))


class LocalConnectionsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.data = FakeDataPath()
        self.asked = []

        def datapath(what):
            self.asked.append(what)
            return self.data
        self.conns = lc.LocalConnections(datapath, hostname=HERE)
        self.vol = types.SimpleNamespace(id='v1')

    def test_connect_without_data_path_refused_with_reason(self):
        def no_datapath(what):
            raise exception.VolumeDriverException(message='not set')
        conns = lc.LocalConnections(no_datapath, hostname=HERE)
        exc = self.assertRaises(lc.AttachRefused, conns.connect, self.vol)
        self.assertEqual('this backend attaches volumes for cinder-backup '
                         'only with zvm_cinder_node and zvm_cinder_node_fcp '
                         'set', str(exc))
        self.assertEqual(0, conns.held('v1'))

    def test_connect_returns_local_device(self):
        info = self.conns.connect(self.vol)
        self.assertEqual({'driver_volume_type': 'local',
                          'data': {'device_path': '/dev/sda',
                                   'volume_id': 'v1', 'discard': False}},
                         info)
        self.assertEqual(1, self.conns.held('v1'))

    def test_disconnect_gives_back_only_what_it_took(self):
        self.conns.connect(self.vol)
        self.conns.connect(self.vol)
        self.assertTrue(self.conns.disconnect(self.vol))
        self.assertTrue(self.conns.disconnect(self.vol))
        self.assertFalse(self.conns.disconnect(self.vol))
        self.assertEqual([('v1', '/dev/sdb', False), ('v1', '/dev/sda', False)],
                         self.data.detached)
        self.assertEqual(0, self.conns.held('v1'))

    def test_release_detaches_everything_forced(self):
        self.conns.connect(self.vol)
        self.conns.connect(self.vol)
        self.conns.release(self.vol)
        self.assertEqual([('v1', '/dev/sdb', True), ('v1', '/dev/sda', True)],
                         self.data.detached)
        self.conns.release(self.vol)        # nothing held: nothing done
        self.assertEqual(2, len(self.data.detached))
