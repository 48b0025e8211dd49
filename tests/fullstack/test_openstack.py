"""The whole OpenStack stack (tools/fullstack.sh) as stestr tests.

keystone, glance, placement, nova's services with ZVMVolumeDriver and
cinder's, driven by the openstack CLI only (tools/fullstack/os_scenario.py,
doc/source/admin/fullstack.rst). The stack runs once, in setUpClass, and
each scenario step is one test, so the counts are stestr's own: run this
suite with concurrency 1 (tools/run-tests.sh does). tools/run-tests.sh
runs it twice, the second time with ZVM_SIM_REAL_XCAT=1 (xCAT's own zvm.pm
behind the simulator; work dir and log get a -realxcat suffix).
FULLSTACK_OPENSTACK=0 leaves it out.
"""

import json
import os
import subprocess
import sys

import testtools

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, TOP)
from tools.fullstack import backup_scenario  # noqa: E402  (tools/ is not an installed package)
from tools.fullstack import os_scenario  # noqa: E402

ENABLED = os.environ.get('FULLSTACK_OPENSTACK', '1') != '0'
REAL_XCAT = os.environ.get('ZVM_SIM_REAL_XCAT', '0') not in ('', '0')
NAME = 'fullstack-openstack' + ('-realxcat' if REAL_XCAT else '')
WORK = os.path.join(TOP, '_work', NAME)
LOG = os.path.join(TOP, '_work', NAME + '.log')


@testtools.skipUnless(ENABLED, 'FULLSTACK_OPENSTACK=0: the whole OpenStack stack left out')
class OpenStackScenario(testtools.TestCase):

    run_rc = None
    results = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not ENABLED:
            return
        os.makedirs(os.path.dirname(LOG), exist_ok=True)
        results = os.path.join(WORK, 'scenario.json')
        backups = os.path.join(WORK, 'backup.json')
        for old in (results, backups):
            if os.path.exists(old):
                os.unlink(old)
        env = dict(os.environ, FULLSTACK_DRIVER='zvm', FULLSTACK_WORKDIR=WORK)
        with open(LOG, 'wb') as log:
            cls.run_rc = subprocess.call(
                ['bash', os.path.join(TOP, 'tools', 'fullstack.sh')],
                cwd=TOP, env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL)
        try:
            with open(results, encoding='utf-8') as f:
                cls.results = {step['name']: step for step in json.load(f)}
        except (OSError, ValueError):
            cls.results = None
        try:
            with open(backups, encoding='utf-8') as f:
                cls.results.update({step['name']: step for step in json.load(f)})
        except (OSError, ValueError, AttributeError):
            pass

    def _log_tail(self, lines=60):
        try:
            with open(LOG, encoding='utf-8', errors='replace') as f:
                return ''.join(f.readlines()[-lines:])
        except OSError as e:
            return 'no log: %s' % e

    def test_stack_ran_and_stopped_cleanly(self):
        """fullstack.sh brought the stack up, ran, and stopped it."""
        self.assertEqual(0, self.run_rc, 'fullstack.sh rc %s; see %s:\n%s'
                         % (self.run_rc, LOG, self._log_tail()))

    def _check_step(self, name):
        if self.results is None:
            self.fail('the scenario did not run (bring-up failed); see %s:\n%s'
                      % (LOG, self._log_tail()))
        step = self.results.get(name)
        self.assertIsNotNone(step, 'step %s was not planned' % name)
        self.assertEqual('pass', step['result'],
                         'step %s: %s\n(see %s)' % (name, step['note'], LOG))


def _add_step_test(index, name):
    def test(self):
        self._check_step(name)
    test.__doc__ = 'openstack scenario step %s' % name
    setattr(OpenStackScenario, 'test_step_%02d_%s' % (index, name.replace('-', '_')), test)


for _index, _name in enumerate(os_scenario.planned_steps() +
                               backup_scenario.planned_steps()):
    _add_step_test(_index, _name)
