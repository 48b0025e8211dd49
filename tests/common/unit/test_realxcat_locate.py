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
