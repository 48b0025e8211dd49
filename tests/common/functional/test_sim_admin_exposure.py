"""Issue 12 item 10: the /_sim admin API is not open to the network.

/_sim shares the port of /xcatws: a simulator listening beyond loopback
without a token would let anyone who reaches /xcatws rewrite the
simulated z/VM. Nothing here listens beyond 127.0.0.1: the refusals
happen before the socket is bound.
"""

import subprocess
import sys
from unittest import mock

import fixtures
import requests
import testtools

from tests.common.functional import simbase
from zvm_sim import admin
from zvm_sim import admin_client
from zvm_sim.core import model as core
from zvm_sim import fixture as sim_fixture
from zvm_sim import server

NOT_LOOPBACK = ('0.0.0.0', '', '::', '192.0.2.10', 'sim.example.com')


class TestRefusedOffLoopback(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.state_dir = self.useFixture(fixtures.TempDir()).path

    def test_server_refuses_without_token(self):
        sim = core.Simulator(self.state_dir, None)
        for host in NOT_LOOPBACK:
            with mock.patch.object(server, '_Server') as bind:
                error = self.assertRaises(ValueError, server.SimulatorServer,
                                          sim, host, 0)
                bind.assert_not_called()
            self.assertIn('--admin-token', str(error))

    def test_server_accepts_loopback_or_a_token(self):
        sim = core.Simulator(self.state_dir, None)
        for host, token in (('127.0.0.1', None), ('::1', None),
                            ('localhost', None), ('127.0.0.2', None),
                            ('0.0.0.0', 's3cret-token')):
            with mock.patch.object(server, '_Server') as bind:
                bind.return_value.server_address = (host, 1234)
                server.SimulatorServer(sim, host, 0, admin_token=token)
                bind.assert_called_once()

    def test_cli_refuses_without_token(self):
        # A TEST-NET-1 address (RFC 5737): should the check ever be lost,
        # the bind fails instead of opening a port to the network.
        proc = subprocess.run(
            [sys.executable, '-m', 'zvm_sim.cli', '--state-dir',
             self.state_dir, '--host', '192.0.2.10', '--port', '0'],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(2, proc.returncode)
        self.assertEqual('', proc.stdout)       # never printed a URL
        self.assertIn('without an admin token', proc.stderr)

    def test_cli_help_says_test_and_demo_only(self):
        proc = subprocess.run([sys.executable, '-m', 'zvm_sim.cli', '--help'],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(0, proc.returncode)
        self.assertIn('Test and demo only', proc.stdout)
        self.assertIn('--admin-token', proc.stdout)

    def test_fixture_off_loopback_brings_a_token(self):
        fx = sim_fixture.SimulatorFixture(host='0.0.0.0')
        self.assertTrue(fx.admin_token)
        self.assertIsNone(sim_fixture.SimulatorFixture().admin_token)


class TestTokenCheck(simbase.SimTestCase):

    def setUp(self):
        super().setUp()
        self.sim.server.app.admin_token = 's3cret-token'

    def test_tokens_compared_in_constant_time(self):
        compared = []

        def compare(a, b):
            compared.append((a, b))
            return real(a, b)
        real = admin.hmac.compare_digest
        self.useFixture(fixtures.MockPatch('zvm_sim.admin.hmac.compare_digest',
                                           side_effect=compare))
        for token in ('wrong', 's3cret-tokeN', '', 'ü' * 3):
            resp = requests.get(self.sim.url + '/_sim/calls', timeout=30,
                                headers={'X-Sim-Token': token.encode()})
            self.assertEqual(401, resp.status_code)
        good = admin_client.AdminClient(self.sim.url, token='s3cret-token')
        self.addCleanup(good.close)
        self.assertIsInstance(good.calls(), list)
        self.assertEqual(5, len(compared))
        self.assertTrue(all(b == b's3cret-token' for _a, b in compared))

    def test_fixture_admin_client_carries_the_token(self):
        fx = self.useFixture(sim_fixture.SimulatorFixture(
            admin_token='fixture-token'))
        self.assertEqual('fixture-token', fx.server.app.admin_token)
        self.assertIsInstance(fx.admin.calls(), list)
        anonymous = admin_client.AdminClient(fx.url)
        self.addCleanup(anonymous.close)
        self.assertRaises(admin_client.AdminError, anonymous.calls)
