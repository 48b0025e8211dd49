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
"""Options of [zvm_volumeops] and the generated sample."""

from oslo_config import cfg
import testtools

from nova_volumeops import conf as vconf
from tests.common import sample_config


class TestOptions(testtools.TestCase):

    def test_list_opts(self):
        [(group, options), (coord, coord_opts)] = vconf.list_opts()
        self.assertEqual('zvm_volumeops', group)
        # cinder's [coordination] backend_url, shared with cinder-volume.
        self.assertEqual(('coordination', ['backend_url']),
                         (coord, [o.name for o in coord_opts]))
        names = [o.name for o in options]
        self.assertEqual(len(names), len(set(names)))
        for name in ('zvm_hypervisor', 'fcp_list', 'paths_per_instance',
                     'reservation_expiry', 'state_file', 'zvm_xcat_server',
                     'zvm_xcat_password'):
            self.assertIn(name, names)
        password = [o for o in options if o.name == 'zvm_xcat_password'][0]
        self.assertTrue(password.secret)

    def test_register_and_read(self):
        conf = cfg.ConfigOpts()
        vconf.register_opts(conf)
        conf([])
        group = conf[vconf.GROUP]
        self.assertEqual(2, group.paths_per_instance)
        self.assertEqual(600, group.reservation_expiry)
        self.assertIsNone(group.zvm_xcat_server)
        self.assertIsNone(conf.coordination.backend_url)

    def test_sample_is_current(self):
        """Fails when an option changed and the sample was not regenerated."""
        sample_config.assert_sample_current(
            self, 'etc/nova/nova-volumeops-config-generator.conf',
            'etc/nova/nova-volumeops.conf.sample')
