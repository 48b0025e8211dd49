"""The check that a committed sample config matches its generator.

Shared by the cinder and nova test suites; imports neither.
"""

import os

import fixtures
from oslo_config import cfg
from oslo_config import generator

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def assert_sample_current(testcase, generator_conf, sample):
    """Fail ``testcase`` when ``sample`` is not what ``generator_conf`` makes.

    Both paths are relative to the top of the tree. Regenerate the samples
    with ``tox -e genconfig``.
    """
    out = testcase.useFixture(fixtures.TempDir()).path
    fresh = os.path.join(out, 'sample.conf')
    conf = cfg.ConfigOpts()
    generator.register_cli_opts(conf)
    conf(['--config-file', os.path.join(TOP, generator_conf), '--output-file', fresh],
         project='x')
    generator.generate(conf)
    with open(fresh) as new, open(os.path.join(TOP, sample)) as committed:
        testcase.assertEqual(committed.read(), new.read(),
                             '%s is stale: run tox -e genconfig' % sample)
