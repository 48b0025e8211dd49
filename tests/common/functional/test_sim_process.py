"""The zvm-sim console script: HTTPS with a generated CA, restart read-back."""

import socket
import ssl

import fixtures
import requests
import testtools

from zvm_sim.core import model as core
from zvm_sim.fixture import SimulatorFixture


class TestConsoleScript(testtools.TestCase):

    def test_https_with_generated_ca_and_restart(self):
        state_dir = self.useFixture(fixtures.TempDir()).path
        sim = SimulatorFixture(tls=True, subprocess=True, state_dir=state_dir)
        with sim:
            self.assertTrue(sim.url.startswith('https://127.0.0.1:'))
            resp = requests.put(sim.xcat_url('hypervisor/zvm1'), verify=sim.ca_file,
                                data='["--reservezfcp gold reserved volume-9 auto 4G"]')
            self.assertEqual(200, resp.status_code)
            self.assertRaises(requests.exceptions.SSLError, requests.get,
                              sim.xcat_url('version'))
            before = sim.admin.state()
        with SimulatorFixture(tls=True, subprocess=True, state_dir=state_dir) as again:
            after = again.admin.state()
            rows = again.admin.pool('zvm1', 'gold')
        self.assertEqual(before, after)
        self.assertIn('volume-9', [r['owner'] for r in rows])

    def test_hostname_is_checked(self):
        """The server cert names 127.0.0.1 and localhost, nothing else."""
        with SimulatorFixture(tls=True) as sim:
            ctx = ssl.create_default_context(cafile=sim.ca_file)
            with socket.create_connection(('127.0.0.1', sim.server.port)) as raw:
                self.assertRaises(ssl.SSLCertVerificationError, ctx.wrap_socket, raw,
                                  server_hostname='xcat.example.com')


class TestTlsServer(testtools.TestCase):

    def test_silent_client_does_not_block_others(self):
        """Handshakes run in request threads: an idle TCP client stalls nobody."""
        with SimulatorFixture(tls=True) as sim:
            with socket.create_connection(('127.0.0.1', sim.server.port)):
                resp = requests.get(sim.xcat_url('version'), verify=sim.ca_file, timeout=5)
            self.assertEqual(200, resp.status_code)


class TestRestartInProcess(testtools.TestCase):

    def test_identical_read_back(self):
        """Every change is saved: a new Simulator on the same directory reads it back."""
        with SimulatorFixture() as sim:
            requests.put(sim.xcat_url('vms/vm1'),
                         data='["--addzfcp gold 1f00 0 1G 0 500507680b21bac6 '
                              '4001400500000000"]').raise_for_status()
            requests.put(sim.xcat_url('vms/vm3'),
                         data='["--aemod setupDisk action=removefilesysnode tgtFile=/dev/x"]'
                         ).raise_for_status()
            requests.put(sim.xcat_url('nodes/vm2/power'), data='["off"]').raise_for_status()
            before = sim.admin.state()
            state_dir = sim.state_dir
            reloaded = core.Simulator(state_dir).state()
            self.assertEqual(before, reloaded)
            self.assertEqual({'1f00': {'500507680b21bac6': ['4001400500000000']}},
                             core.Simulator(state_dir).guest('vm1').view()['linux_state']
                             ['units'])
