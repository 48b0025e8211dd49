# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.
"""The full stack's neutron stub answers what nova asks of a server's network.

nova-api checks the port quota of a server created without a network
argument (nova/network/neutron.py validate_networks: ``show_quota``, then
``quotas.get('port', -1) == -1`` means no limit); nova-compute lists ports
and networks, and must find none.
"""

import json

import testtools

from tools.fullstack import neutron_stub


class NeutronStubTest(testtools.TestCase):

    def call(self, method, path):
        got = {}

        def start_response(status, headers):
            got['status'] = status
        body = b''.join(neutron_stub.application(
            {'REQUEST_METHOD': method, 'PATH_INFO': path}, start_response))
        return got['status'], json.loads(body)

    def test_port_quota_is_unlimited(self):
        status, body = self.call(
            'GET', '/v2.0/quotas/83cf7acd66a540cd8f6a0f118eee256e')
        self.assertEqual('200 OK', status)
        self.assertEqual(-1, body['quota']['port'])

    def test_reads_are_empty(self):
        for kind in ('ports', 'networks', 'security-groups'):
            status, body = self.call('GET', '/v2.0/%s' % kind)
            self.assertEqual('200 OK', status)
            self.assertEqual({kind.replace('-', '_'): []}, body)

    def test_writes_are_refused(self):
        status, body = self.call('POST', '/v2.0/ports')
        self.assertEqual('404 Not Found', status)
        self.assertIn('POST /v2.0/ports', body['NeutronError']['message'])
