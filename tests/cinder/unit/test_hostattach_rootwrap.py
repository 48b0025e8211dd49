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
"""etc/cinder/rootwrap.d/cinder-zvm.filters allows exactly what the host
attach runs as root with the real /sys and /dev roots, and no more."""

import os

from oslo_rootwrap import wrapper
import testtools

from cinder_zvm.hostattach import sysfs

FILTERS = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'etc',
                       'cinder', 'rootwrap.d')
PATH = sysfs.Path('1f00', '500507680b21bac6', '4001400540064007')


class RootwrapFiltersTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.filters = [f for f in wrapper.load_filters([FILTERS])
                        if f.name.startswith('zvm_')]
        self.tree = sysfs.ZfcpSysfs('/sys', '/dev')

    def allowed(self, *cmd):
        return any(f.match(list(cmd)) for f in self.filters)

    def test_every_root_command_of_the_host_attach_is_allowed(self):
        for attr in (self.tree.online_attr('1f00'),
                     self.tree.port_rescan_attr('1f00'),
                     self.tree.unit_add_attr(PATH),
                     self.tree.unit_remove_attr(PATH),
                     self.tree.scsi_delete_attr('sdab')):
            self.assertTrue(self.allowed('tee', '-a', attr), attr)
        self.assertTrue(self.allowed('cio_ignore', '-r', '0.0.1f00'))
        self.assertTrue(self.allowed('blockdev', '--flushbufs',
                                     self.tree.dev_node('sdc')))

    def test_other_writes_are_refused(self):
        for cmd in (('tee', '-a', '/etc/shadow'),
                    ('tee', '/sys/bus/ccw/devices/0.0.1f00/online'),
                    ('tee', '-a', '/sys/bus/ccw/devices/0.0.1f00/../../x'),
                    ('tee', '-a', '/sys/block/sda/device/rescan'),
                    ('cio_ignore', '-a', '0.0.1f00'),
                    ('blockdev', '--setrw', '/dev/sda'),
                    ('blockdev', '--flushbufs', '/dev/../etc/x')):
            self.assertFalse(self.allowed(*cmd), cmd)
