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
"""TLS: verified by default, host name included, against a loopback HTTPS
server whose certificates are made in the test with ``cryptography``."""

import time

import fixtures
import testtools

from tests.common import fixtures as tfx
from zvm_xcat import client
from zvm_xcat import exception as exc


class TestTLS(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path

    def https_server(self, names):
        ca, cert, key = tfx.make_tls_files(self.tmp, names=names)
        srv = self.useFixture(tfx.LocalHTTPServer(
            default=tfx.xcat_reply({'info': ['vm1: on\n']}), cert=cert, key=key))
        return srv, ca

    def make_client(self, url, ca_file=None):
        c = client.XCATClient(url, 'admin', 'pw-tls', ca_file=ca_file,
                              retries=3, backoff_factor=0.01)
        self.addCleanup(c.close)
        return c

    def test_https_is_the_default_scheme(self):
        srv, ca = self.https_server(('localhost', '127.0.0.1'))
        c = self.make_client('127.0.0.1:%d' % srv.port, ca_file=ca)
        self.assertTrue(c.server_url.startswith('https://'))
        self.assertEqual('on', c.power_state('vm1'))

    def test_right_ca_accepted(self):
        srv, ca = self.https_server(('localhost', '127.0.0.1'))
        c = self.make_client('https://localhost:%d' % srv.port, ca_file=ca)
        self.assertEqual('on', c.power_state('vm1'))
        self.assertEqual(1, len(srv.requests))

    def test_unknown_ca_refused(self):
        srv, _ = self.https_server(('localhost', '127.0.0.1'))
        c = self.make_client('https://127.0.0.1:%d' % srv.port)
        e = self.assertRaises(exc.XCATTLSError, c.power_state, 'vm1')
        self.assertIn('https://127.0.0.1:%d/xcatws' % srv.port, str(e))
        self.assertIn('certificate', str(e).lower())
        self.assertIn('zvm_xcat_ca_file', str(e))
        self.assertFalse(e.may_have_reached)
        self.assertEqual([], srv.requests)
        time.sleep(0.1)
        self.assertEqual(1, srv.connections)  # TLS failures are not retried

    def test_other_ca_refused(self):
        srv, _ = self.https_server(('localhost', '127.0.0.1'))
        other_dir = self.useFixture(fixtures.TempDir()).path
        other_ca, _, _ = tfx.make_tls_files(other_dir)
        c = self.make_client('https://127.0.0.1:%d' % srv.port,
                             ca_file=other_ca)
        self.assertRaises(exc.XCATTLSError, c.chvm, 'vm1', '--x')
        self.assertEqual([], srv.requests)

    def test_wrong_host_name_refused(self):
        # Signed by the trusted CA, but for another host.
        srv, ca = self.https_server(('xcat.example.com',))
        c = self.make_client('https://127.0.0.1:%d' % srv.port, ca_file=ca)
        e = self.assertRaises(exc.XCATTLSError, c.power_state, 'vm1')
        self.assertIn('127.0.0.1', str(e))
        self.assertRegex(str(e).lower(), 'mismatch|match|hostname|ip address')
        self.assertEqual([], srv.requests)

    def test_wrong_dns_name_refused(self):
        srv, ca = self.https_server(('xcat.example.com', '127.0.0.1'))
        c = self.make_client('https://localhost:%d' % srv.port, ca_file=ca)
        self.assertRaises(exc.XCATTLSError, c.power_state, 'vm1')

    def test_plain_http_client_to_https_server_fails_cleanly(self):
        srv, _ = self.https_server(('127.0.0.1',))
        c = self.make_client('http://127.0.0.1:%d' % srv.port)
        self.assertRaises(exc.XCATError, c.power_state, 'vm1')
