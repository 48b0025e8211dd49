"""SimulatorFixture: a real simulator server for tests (in-thread or a subprocess).

::

    sim = self.useFixture(SimulatorFixture(topology=None, tls=False))
    sim.url, sim.username, sim.password, sim.ca_file, sim.state_dir, sim.admin

``cloud_connector='zvm1'`` also serves that z/VM system's Cloud Connector
(sim.cloud_connector_url; ``cloud_connector_token`` turns its token auth on).
``subprocess=True`` runs the ``zvm-sim`` console script (python -m
zvm_sim.cli) instead, for tests that need another process.

``admin_token`` protects /_sim (sim.admin sends it); a host other than a
loopback address gets a random one when none is given, since the server
refuses to listen there without.

``real_xcat=True`` runs xCAT's own zvm.pm for the pool, FCP and dedicate
commands (zvm_sim/realxcat); its default is the environment variable
``ZVM_SIM_REAL_XCAT`` (``1`` = on), so whole suites can run in real-xCAT mode.
"""

import json
import os
import secrets
import subprocess
import sys
import tempfile

import fixtures
import yaml

from zvm_sim import admin
from zvm_sim import admin_client
from zvm_sim.core import model as core
from zvm_sim.core import topology as topo
from zvm_sim import server
from zvm_sim import tls as tlsgen


def real_xcat_requested():
    """True when ZVM_SIM_REAL_XCAT asks every simulator to run xCAT's zvm.pm."""
    return os.environ.get('ZVM_SIM_REAL_XCAT', '') not in ('', '0')


class SimulatorFixture(fixtures.Fixture):
    def __init__(self, topology=None, tls=False, subprocess=False, state_dir=None,
                 host='127.0.0.1', cloud_connector=None, cloud_connector_token=None,
                 admin_token=None, real_xcat=None):
        super().__init__()
        if real_xcat is None:
            real_xcat = real_xcat_requested()
        self.real_xcat = real_xcat
        self.cloud_connector = cloud_connector
        self.cloud_connector_token = cloud_connector_token
        self.cloud_connector_url = None
        self.topology = topology
        self.tls = tls
        self.use_subprocess = subprocess
        self.host = host
        self._state_dir = state_dir
        if admin_token is None and not admin.is_loopback(host):
            admin_token = secrets.token_urlsafe(24)
        self.admin_token = admin_token

    def _setUp(self):
        if self._state_dir:
            self.state_dir = self._state_dir
        else:
            self.state_dir = self.useFixture(fixtures.TempDir()).path
        loaded = topo.load(self.topology)
        self.username, self.password = next(iter(loaded['users'].items()))
        self.ca_file = None
        if self.use_subprocess:
            self._start_process()
        else:
            self._start_thread()
        self.admin = admin_client.AdminClient(self.url, ca_file=self.ca_file,
                                              token=self.admin_token)
        self.addCleanup(self.admin.close)

    def _start_thread(self):
        self.simulator = core.Simulator(self.state_dir, self.topology)
        cert = key = None
        if self.tls:
            paths = tlsgen.generate(self.state_dir, self.host)
            cert, key, self.ca_file = paths['cert_file'], paths['key_file'], paths['ca_file']
        self.server = server.SimulatorServer(
            self.simulator, self.host, 0, cert, key, admin_token=self.admin_token,
            cloud_connector=self.cloud_connector,
            cloud_connector_token=self.cloud_connector_token,
            real_xcat=self.real_xcat).start()
        self.addCleanup(self.server.stop)
        self.url = self.server.url
        self.cloud_connector_url = self.server.cloud_connector_url

    def _start_process(self):
        cmd = [sys.executable, '-m', 'zvm_sim.cli', '--state-dir', self.state_dir,
               '--host', self.host, '--port', '0']
        if self.topology is not None:
            path = self.topology
            if isinstance(self.topology, dict):
                fd, path = tempfile.mkstemp(suffix='.yaml', dir=self.state_dir)
                with os.fdopen(fd, 'w') as f:
                    yaml.safe_dump(self.topology, f)
            cmd += ['--topology', path]
        if self.tls:
            cmd.append('--tls')
        if self.cloud_connector:
            cmd += ['--cloud-connector', self.cloud_connector]
        if self.cloud_connector_token:
            cmd += ['--cloud-connector-token', self.cloud_connector_token]
        if self.admin_token:
            cmd += ['--admin-token', self.admin_token]
        if self.real_xcat:
            cmd.append('--real-xcat')
        self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        self.addCleanup(self._stop_process)
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError('zvm-sim exited with %s' % self.process.wait())
        info = json.loads(line)
        self.url, self.ca_file = info['url'], info['ca_file']
        self.cloud_connector_url = info.get('cloud_connector_url')

    def _stop_process(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()

    def xcat_url(self, path, **params):
        """Full /xcatws URL with credentials and format=json (for raw HTTP tests)."""
        from urllib.parse import urlencode
        query = {'userName': self.username, 'password': self.password, 'format': 'json'}
        query.update(params)
        return '%s/xcatws/%s?%s' % (self.url, path.lstrip('/'), urlencode(query))
