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
"""zvm_xcat.conf: options usable from a cinder backend section and a nova
group, and XCATClient.from_config reading either."""

from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools

from zvm_xcat import client
from zvm_xcat import conf
from zvm_xcat.exception import XCATConfigError

NAMES = ['zvm_xcat_server', 'zvm_xcat_username', 'zvm_xcat_password',
         'zvm_xcat_ca_file', 'zvm_xcat_connect_timeout',
         'zvm_xcat_read_timeout', 'zvm_xcat_retries']


class BackendConfiguration(object):
    """The shape of cinder.volume.configuration.Configuration.

    Options of a backend section are read as attributes: cinder appends
    driver options to the section with append_config_values, then getattr
    reads them.
    """

    def __init__(self, conf, group):
        self._conf, self._group = conf, group

    def append_config_values(self, opts):
        self._conf.register_opts(opts, group=self._group)

    def __getattr__(self, name):
        return getattr(self._conf[self._group], name)


class TestOptions(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.conf = self.useFixture(config_fixture.Config(cfg.ConfigOpts())).conf

    def test_names_and_secret(self):
        self.assertEqual(NAMES, [o.name for o in conf.xcat_opts])
        by_name = {o.name: o for o in conf.xcat_opts}
        self.assertTrue(by_name['zvm_xcat_password'].secret)
        self.assertEqual(30.0, by_name['zvm_xcat_connect_timeout'].default)
        self.assertEqual(1200.0, by_name['zvm_xcat_read_timeout'].default)

    def test_list_opts(self):
        [(group, opts)] = conf.list_opts()
        self.assertEqual('zvm_xcat', group)
        self.assertIs(conf.xcat_opts, opts)

    def test_entry_point(self):
        from importlib import metadata
        eps = [ep for ep in metadata.entry_points(group='oslo.config.opts')
               if ep.name == 'zvm_xcat']
        self.assertEqual(1, len(eps))
        self.assertIs(conf.list_opts, eps[0].load())

    def test_from_nova_group(self):
        conf.register_opts(self.conf)
        self.conf.set_override('zvm_xcat_server', 'xcat.example.com:8443',
                               group='zvm_xcat')
        self.conf.set_override('zvm_xcat_username', 'admin', group='zvm_xcat')
        self.conf.set_override('zvm_xcat_password', 'pw', group='zvm_xcat')
        self.conf.set_override('zvm_xcat_retries', 0, group='zvm_xcat')
        c = client.XCATClient.from_config(self.conf.zvm_xcat)
        self.assertEqual('https://xcat.example.com:8443/xcatws', c.server_url)
        self.assertEqual((30.0, 1200.0), c._timeout)
        self.assertEqual(0, c._retries)

    def test_from_cinder_backend_section(self):
        backend = BackendConfiguration(self.conf, 'zvm1')
        backend.append_config_values(conf.xcat_opts)
        self.conf.set_override('zvm_xcat_server', 'https://mn1', group='zvm1')
        self.conf.set_override('zvm_xcat_username', 'admin', group='zvm1')
        self.conf.set_override('zvm_xcat_password', 'pw', group='zvm1')
        self.conf.set_override('zvm_xcat_read_timeout', 60, group='zvm1')
        c = client.XCATClient.from_config(backend)
        self.assertEqual('https://mn1:443/xcatws', c.server_url)
        self.assertEqual((30.0, 60.0), c._timeout)

    def test_missing_values_name_the_option(self):
        conf.register_opts(self.conf)
        e = self.assertRaises(XCATConfigError, client.XCATClient.from_config,
                              self.conf.zvm_xcat)
        self.assertEqual('zvm_xcat_server', e.option)
        self.conf.set_override('zvm_xcat_server', 'mn', group='zvm_xcat')
        e = self.assertRaises(XCATConfigError, client.XCATClient.from_config,
                              self.conf.zvm_xcat)
        self.assertEqual('zvm_xcat_username', e.option)
        self.conf.set_override('zvm_xcat_username', 'admin', group='zvm_xcat')
        e = self.assertRaises(XCATConfigError, client.XCATClient.from_config,
                              self.conf.zvm_xcat)
        self.assertEqual('zvm_xcat_password', e.option)

    def test_ca_file_must_exist(self):
        e = self.assertRaises(XCATConfigError, client.XCATClient, 'mn', 'a',
                              'pw', ca_file='/nonexistent/ca.pem')
        self.assertEqual('zvm_xcat_ca_file', e.option)

    def test_bad_numbers(self):
        for kwargs, option in (({'connect_timeout': 0},
                                'zvm_xcat_connect_timeout'),
                               ({'read_timeout': 'x'}, 'zvm_xcat_read_timeout'),
                               ({'retries': -1}, 'zvm_xcat_retries'),
                               ({'retries': 1.5}, 'zvm_xcat_retries')):
            e = self.assertRaises(XCATConfigError, client.XCATClient, 'mn',
                                  'a', 'pw', **kwargs)
            self.assertEqual(option, e.option)

    def test_no_cinder_or_nova_import(self):
        import subprocess
        import sys
        code = ('import sys, zvm_xcat.client, zvm_xcat.zfcp, zvm_xcat.conf;'
                'bad = [m for m in sys.modules if m.split(".")[0] in '
                '("cinder", "nova", "os_brick")]; print(bad); '
                'sys.exit(1 if bad else 0)')
        proc = subprocess.run([sys.executable, '-c', code],
                              capture_output=True, text=True)
        self.assertEqual(0, proc.returncode, proc.stdout + proc.stderr)
