"""The option list, its registration, and the generated sample."""


from cinder_zvm import opts
from tests.cinder import cinder_test
from tests.common import sample_config


class OptsTest(cinder_test.TestCase):

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
        """Fails when an option changed and the sample was not regenerated."""
        sample_config.assert_sample_current(
            self, 'etc/cinder/cinder-zvm-config-generator.conf',
            'etc/cinder/cinder-zvm.conf.sample')
