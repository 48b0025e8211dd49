"""Differential tests: the simulator's xCAT layer against xCAT's own zvm.pm.

Two simulators start from the same topology. ``self.sim`` answers with the
simulator's xCAT layer (zvm_sim/xcat, zvm_sim/core/pools.py); ``self.oracle``
runs xcat-core's zvm.pm for real over its own copy of the same z/VM
(zvm_sim/realxcat). Each test sends both the same requests and requires the
same HTTP status, the same reply and the same pool files and directories.
Where a test normalises anything, it says why.

Without ../shared/xcat-core (or perl with XML::Simple) the tests skip with one
line saying why.
"""

import copy
import json
import os

import requests
import testtools
import yaml

from zvm_sim.core import topologies
from zvm_sim.fixture import SimulatorFixture
from zvm_sim import realxcat

W1 = '500507680b21bac6'
W2 = '500507680b22bac6'
RANGE = '1f00-1f0f;2f00-2f0f'


def topology():
    """The default topology plus pools for xCAT's corner cases."""
    with open(topologies.DEFAULT, encoding='utf-8') as f:
        topo = yaml.safe_load(f)
    system = topo['systems'][0]
    system['pools']['edge'] = [
        # Rows without a size (item 4: reserving them by WWPN/LUN writes "M").
        {'status': 'free', 'wwpn': W1, 'lun': '4003400000000000', 'range': RANGE},
        {'status': 'free', 'wwpn': W1 + ';' + W2, 'lun': '4003400100000000',
         'range': RANGE},
        # One LUN number behind two WWPNs (item 3).
        {'status': 'free', 'wwpn': '500507680b51bac6', 'lun': '4005400000000000',
         'size': '2G', 'range': RANGE},
        {'status': 'free', 'wwpn': '500507680b52bac6', 'lun': '4005400000000000',
         'size': '4G', 'range': RANGE},
        {'status': 'used', 'wwpn': W1, 'lun': '4003400200000000', 'size': '1G',
         'range': RANGE, 'owner': 'vm2', 'channel': '1F01'},
        {'status': 'reserved', 'wwpn': W1, 'lun': '4003400300000000', 'size': '3G',
         'range': RANGE, 'owner': 'cinder-volume'},
    ]
    return topo


class DiffTestCase(testtools.TestCase):
    """Sends every request to the simulator and to the oracle and compares."""

    def setUp(self):
        super().setUp()
        reason = realxcat.unavailable_reason()
        if reason:
            self.skipTest('real-xCAT oracle unavailable: ' + reason)
        topo = topology()
        self.sim = self.useFixture(SimulatorFixture(topology=copy.deepcopy(topo),
                                                    real_xcat=False))
        self.oracle = self.useFixture(SimulatorFixture(topology=topo, real_xcat=True))
        self.http = requests.Session()
        self.addCleanup(self.http.close)

    def _send(self, fixture, method, path, body, params):
        query = {'userName': fixture.username, 'password': fixture.password,
                 'format': 'json'}
        query.update(params)
        resp = self.http.request(method, '%s/xcatws/%s' % (fixture.url, path),
                                 params=query, timeout=60,
                                 data=json.dumps(body) if body is not None else None,
                                 headers={'Content-Type': 'text/plain'})
        try:
            return resp.status_code, resp.json()
        except ValueError:
            return resp.status_code, resp.text

    def same(self, method, path, *strings, **params):
        """Send one request to both; assert equal status and reply; return the reply."""
        body = list(strings) if method in ('PUT', 'POST') else None
        ours = self._send(self.sim, method, path, body, params)
        xcat = self._send(self.oracle, method, path, body, params)
        self.assertEqual(xcat, ours, 'simulator (second) differs from xCAT (first) '
                                     'for %s %s %s %s' % (method, path, strings, params))
        return xcat[1]

    def hv(self, *strings, node='zvm1'):
        return self.same('PUT', 'hypervisor/%s' % node, *strings)

    def chvm(self, node, *strings):
        return self.same('PUT', 'vms/%s' % node, *strings)

    def rinv(self, *fields, node='zvm1'):
        return self.same('GET', 'nodes/%s/inventory' % node, field=list(fields))

    def assertSamePools(self, *pools, hv='zvm1'):
        """Byte-equal pool files (absent in both counts as equal)."""
        for pool in pools:
            self.assertEqual(self.oracle.admin.pool_text(hv, pool),
                             self.sim.admin.pool_text(hv, pool), 'pool %s' % pool)

    def assertSameGuest(self, node):
        """Same directory, active configuration and power."""
        def view(fixture):
            g = fixture.admin.guest(node)
            return {k: g.get(k) for k in ('directory', 'active', 'power')}
        self.assertEqual(view(self.oracle), view(self.sim), 'guest %s' % node)

    def assertOracleRan(self, request):
        """The oracle ran ``request`` ("<command> <node> <args>") through xCAT's Perl.

        realxcat logs every request it runs (its timing log): a request the
        oracle answered with the simulator's own code is not there.
        """
        timing = os.environ.get('REALXCAT_TIMING_LOG') or os.path.join(
            self.oracle.state_dir, 'realxcat', 'timing.log')
        with open(timing) as f:
            self.assertIn(' %s\n' % request, f.read())

    def pool_text(self, pool, hv='zvm1'):
        return self.oracle.admin.pool_text(hv, pool)
