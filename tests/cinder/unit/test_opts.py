"""The option list, its registration, and the generated sample."""

import os

from cinder.tests.unit import test
import fixtures
from oslo_config import cfg
from oslo_config import generator

from cinder_zvm import opts

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
GEN_CONF = os.path.join(TOP, 'etc', 'cinder', 'cinder-zvm-config-generator.conf')
SAMPLE = os.path.join(TOP, 'etc', 'cinder', 'cinder-zvm.conf.sample')


class OptsTest(test.TestCase):

    def test_list_opts(self):
        [(group, options)] = opts.list_opts()
        self.assertEqual('backend_defaults', group)
        names = [o.name for o in options]
        self.assertEqual(len(names), len(set(names)))
        for name in ('zvm_host', 'zvm_scsi_pool', 'zvm_xcat_server',
                     'zvm_xcat_password', 'zvm_xcat_ca_file'):
            self.assertIn(name, names)
        password = [o for o in options if o.name == 'zvm_xcat_password'][0]
        self.assertTrue(password.secret)

    def test_sample_is_current(self):
        """Fails when an option changed and the sample was not regenerated.

        Regenerate with: tox -e genconfig (or oslo-config-generator
        --config-file etc/cinder/cinder-zvm-config-generator.conf).
        """
        out = self.useFixture(fixtures.TempDir()).path
        fresh = os.path.join(out, 'sample.conf')
        conf = cfg.ConfigOpts()
        generator.register_cli_opts(conf)
        conf(['--config-file', GEN_CONF, '--output-file', fresh], project='x')
        generator.generate(conf)
        with open(fresh) as new, open(SAMPLE) as committed:
            self.assertEqual(committed.read(), new.read(),
                             'etc/cinder/cinder-zvm.conf.sample is stale: '
                             'run tox -e genconfig')
