"""zvm_sim.realxcat: where xCAT's code is looked for, and the one-line reason when absent."""

import fixtures
import testtools

from zvm_sim import realxcat


class TestUnavailable(testtools.TestCase):

    def test_missing_xcat_core_gives_one_line(self):
        self.useFixture(fixtures.EnvironmentVariable('REALXCAT_XCAT_CORE', '/nonexistent'))
        reason = realxcat.unavailable_reason()
        self.assertIn('xcat-core not found at /nonexistent', reason)
        self.assertNotIn('\n', reason)

    def test_missing_stubs_gives_one_line(self):
        self.useFixture(fixtures.EnvironmentVariable('REALXCAT_STUBS', '/nonexistent'))
        reason = realxcat.unavailable_reason()
        if 'xcat-core not found' in (reason or ''):
            self.skipTest(reason)
        self.assertIn('stubs not found at /nonexistent', reason)

    def test_real_xcat_refuses_to_start_without_it(self):
        self.useFixture(fixtures.EnvironmentVariable('REALXCAT_XCAT_CORE', '/nonexistent'))
        self.assertRaises(RuntimeError, realxcat.RealXcat, sim=None)


class TestDshArgs(testtools.TestCase):
    """zvmxcatws.cgi 1078-1143: the xdsh arguments of a dsh body, in the CGI's order."""

    def test_order_and_command_last(self):
        self.assertEqual(['-L', '-o', '-q', '-t', '30', 'echo a b'], realxcat.dsh_args(
            {'command': 'echo a b', 'timeout': '30', 'options': '-q', 'nolocale': 1}))

    def test_no_command(self):
        self.assertEqual(['-t', '5'], realxcat.dsh_args({'timeout': '5'}))

    def test_elements_the_simulator_does_not_take_are_not_passed(self):
        """-r (a remote shell of the caller's choice) would run a local file."""
        self.assertEqual(['true'], realxcat.dsh_args({'command': 'true',
                                                      'remoteshell': '/bin/sh'}))
