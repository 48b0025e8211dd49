"""Shared base for the simulator's functional tests: a real server and raw HTTP helpers."""

import json

import requests
import testtools

from zvm_sim.fixture import SimulatorFixture


class SimTestCase(testtools.TestCase):
    """Starts a simulator (default topology) and speaks raw HTTP to it."""

    tls = False
    topology = None

    def setUp(self):
        super().setUp()
        self.sim = self.useFixture(SimulatorFixture(topology=self.topology, tls=self.tls))
        self.http = requests.Session()
        self.addCleanup(self.http.close)

    def request(self, method, path, body=None, fmt='json', **params):
        query = {'userName': self.sim.username, 'password': self.sim.password}
        if fmt is not None:
            query['format'] = fmt
        query.update(params)
        data = json.dumps(body) if body is not None else None
        return self.http.request(method, '%s/xcatws/%s' % (self.sim.url, path),
                                 params=query, data=data,
                                 headers={'Content-Type': 'text/plain'}, timeout=30,
                                 verify=self.sim.ca_file or True)

    def put(self, path, *strings, **params):
        resp = self.request('PUT', path, list(strings), **params)
        self.assertEqual(200, resp.status_code, resp.text)
        return resp.json()['data']

    def get(self, path, **params):
        resp = self.request('GET', path, **params)
        self.assertEqual(200, resp.status_code, resp.text)
        return resp.json()['data']

    @staticmethod
    def infos(messages):
        return [t for m in messages for t in m.get('info', [])]

    @staticmethod
    def errors(messages):
        return [t for m in messages for t in m.get('error', [])]

    def hv(self, *strings, node='zvm1'):
        return self.put('hypervisor/%s' % node, *strings)

    def chvm(self, node, *strings):
        return self.put('vms/%s' % node, *strings)

    def rows(self, pool, hv='zvm1'):
        return self.sim.admin.pool(hv, pool)

    def row(self, pool, lun, hv='zvm1'):
        return next(r for r in self.rows(pool, hv) if r['lun'] == lun)
