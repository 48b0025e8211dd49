"""The shared working-path policy (zvm_xcat.fcpaths)."""

import testtools

from zvm_xcat import fcpaths

A, B = '500507680b21bac6', '500507680b22bac6'


class TestShortfall(testtools.TestCase):

    def test_default_wants_a_path_on_every_fcp(self):
        self.assertIsNone(fcpaths.shortfall(['1f00', '2f00'], [('1f00', A), ('2f00', B)]))
        why = fcpaths.shortfall(['1f00', '2f00'], [('1f00', A), ('1f00', B)])
        self.assertIn('no working path on FCP device(s) 2f00', why)
        self.assertIn('every FCP device (1f00, 2f00)', why)

    def test_explicit_minimum_counts_paths_on_any_device(self):
        self.assertIsNone(fcpaths.shortfall(['1f00', '2f00'], [('1f00', A)], 1))
        why = fcpaths.shortfall(['1f00', '2f00'], [('1f00', A)], 2)
        self.assertEqual('only 1 working path(s), at least 2 working path(s)', why)

    def test_nothing_works(self):
        self.assertIn('1f00', fcpaths.shortfall(['1f00'], []))

    def test_describe_names_devices_and_ports(self):
        text = fcpaths.describe([('1f00', A)], {('2f00', A): 'port not visible'})
        self.assertEqual('1f00->0x%s works; 2f00->0x%s: port not visible' % (A, A), text)
