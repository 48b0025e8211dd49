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
attach runs as root with the real /sys and /dev roots, and no more.

The file is what cinder-zvm-rootwrap-filters makes for the example FCP
devices 1f00 and 2f00 (issue 12 item 9: no longer any device).
"""

import contextlib
import io
import os

import fixtures
from oslo_rootwrap import wrapper
import testtools

from cinder_zvm.hostattach import rootwrap
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

    def test_fcp_devices_not_listed_are_refused(self):
        other = sysfs.Path('5a00', '500507680b21bac6', '4001400540064007')
        for attr in (self.tree.online_attr('5a00'),
                     self.tree.online_attr('1f01'),
                     self.tree.port_rescan_attr('5a00'),
                     self.tree.unit_add_attr(other),
                     self.tree.unit_remove_attr(other)):
            self.assertFalse(self.allowed('tee', '-a', attr), attr)
        self.assertFalse(self.allowed('cio_ignore', '-r', '0.0.5a00'))

    def test_shipped_file_is_the_generated_example(self):
        with open(os.path.join(FILTERS, 'cinder-zvm.filters')) as f:
            self.assertEqual(rootwrap.render(['1f00', '2f00']), f.read())

    def test_other_writes_are_refused(self):
        for cmd in (('tee', '-a', '/etc/shadow'),
                    ('tee', '/sys/bus/ccw/devices/0.0.1f00/online'),
                    ('tee', '-a', '/sys/bus/ccw/devices/0.0.1f00/../../x'),
                    ('tee', '-a', '/sys/block/sda/device/rescan'),
                    ('cio_ignore', '-a', '0.0.1f00'),
                    ('blockdev', '--setrw', '/dev/sda'),
                    ('blockdev', '--flushbufs', '/dev/../etc/x')):
            self.assertFalse(self.allowed(*cmd), cmd)


class GeneratorTestCase(testtools.TestCase):
    """cinder-zvm-rootwrap-filters over a cinder.conf."""

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path

    def run_cli(self, conf_text):
        conf = os.path.join(self.tmp, 'cinder.conf')
        with open(conf, 'w') as f:
            f.write(conf_text)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = rootwrap.main(['--config-file', conf])
        return rc, out.getvalue(), err.getvalue()

    def filters_of(self, text):
        d = os.path.join(self.tmp, 'rootwrap.d')
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, 'cinder-zvm.filters'), 'w') as f:
            f.write(text)
        return wrapper.load_filters([d])

    def test_devices_of_every_enabled_backend_and_no_other(self):
        rc, out, _err = self.run_cli(
            '[DEFAULT]\nenabled_backends = zvm1,zvm2\n'
            '[zvm1]\nzvm_cinder_node_fcp = 1f00, 0.0.2F00\n'
            '[zvm2]\nzvm_cinder_node_fcp = b00\n'
            '[old]\nzvm_cinder_node_fcp = 5a00\n')
        self.assertEqual(0, rc)
        self.assertIn('0b00, 1f00, 2f00', out)
        filters = self.filters_of(out)
        tree = sysfs.ZfcpSysfs('/sys', '/dev')

        def allowed(*cmd):
            return any(f.match(list(cmd)) for f in filters)
        for devno in ('1f00', '2f00', '0b00'):
            self.assertTrue(allowed('tee', '-a', tree.online_attr(devno)))
            self.assertTrue(allowed('cio_ignore', '-r', '0.0.' + devno))
        self.assertFalse(allowed('tee', '-a', tree.online_attr('5a00')))

    def test_no_fcp_device_configured_is_an_error(self):
        rc, out, err = self.run_cli('[DEFAULT]\nenabled_backends = zvm1\n'
                                    '[zvm1]\nzvm_host = zvm1\n')
        self.assertEqual((2, ''), (rc, out))
        self.assertIn('no FCP device number', err)
