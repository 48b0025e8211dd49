"""The full OpenStack stack scenario (tools/fullstack.sh) as stestr tests.

The scenario brings up RabbitMQ, the simulator, cinder-api, -scheduler and
-volume (two backends) and drives them with the cinder CLI and
nova_volumeops (see doc/source/admin/fullstack.rst). It runs once, in
setUpClass; each of its steps is then reported as one test here, so the
counts in the closing line are stestr's own. Run this suite with
concurrency 1 (tools/run-tests.sh does): the stack must start only once.
"""

import json
import os
import subprocess
import sys

import testtools

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, TOP)
from tools.fullstack import scenario  # noqa: E402  (tools/ is not an installed package)

WORK = os.environ.get('FULLSTACK_WORKDIR') or os.path.join(TOP, '_work', 'fullstack')
LOG = os.path.join(TOP, '_work', 'fullstack.log')
DRIVER = os.environ.get('FULLSTACK_DRIVER', 'zvm')


class FullStackScenario(testtools.TestCase):

    run_rc = None
    results = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        os.makedirs(os.path.dirname(LOG), exist_ok=True)
        results = os.path.join(WORK, 'scenario.json')
        if os.path.exists(results):
            os.unlink(results)
        env = dict(os.environ, FULLSTACK_DRIVER=DRIVER)
        with open(LOG, 'wb') as log:
            cls.run_rc = subprocess.call(['bash', os.path.join(TOP, 'tools', 'fullstack.sh')],
                                         cwd=TOP, env=env, stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            with open(results, encoding='utf-8') as f:
                cls.results = {step['name']: step for step in json.load(f)}
        except (OSError, ValueError):
            cls.results = None

    def _log_tail(self, lines=60):
        try:
            with open(LOG, encoding='utf-8', errors='replace') as f:
                return ''.join(f.readlines()[-lines:])
        except OSError as e:
            return 'no log: %s' % e

    def test_stack_ran_and_stopped_cleanly(self):
        """tools/fullstack.sh brought the stack up, ran, and stopped it (rc 0)."""
        self.assertEqual(0, self.run_rc, 'fullstack.sh rc %s; see %s:\n%s'
                         % (self.run_rc, LOG, self._log_tail()))

    def _check_step(self, name):
        if self.results is None:
            self.fail('the scenario did not run (bring-up failed); see %s:\n%s'
                      % (LOG, self._log_tail()))
        step = self.results.get(name)
        self.assertIsNotNone(step, 'step %s was not planned' % name)
        if step['result'] == 'skip':
            self.skipTest(step['note'] or 'skipped')
        self.assertEqual('pass', step['result'],
                         'step %s: %s\n(see %s)' % (name, step['note'], LOG))


def _add_step_test(name):
    def test(self):
        self._check_step(name)
    test.__doc__ = 'scenario step %s' % name
    setattr(FullStackScenario, 'test_step_%02d_%s' % (index, name.replace('-', '_')), test)


for index, _name in enumerate(scenario.planned_steps(DRIVER)):
    _add_step_test(_name)
