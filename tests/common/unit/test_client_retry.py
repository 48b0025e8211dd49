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
"""The retry policy of zvm_xcat.client (see its module docstring), tested
against a real HTTP server on 127.0.0.1, not mocks of requests:

- reads (GET) are retried on 503 and connection reset/drop, not after a
  read timeout;
- writes are retried only when the connection was refused (the request
  provably never reached xCAT); once sent, a write is never repeated, and
  the error says it may have been carried out.
"""

import threading
import time

import testtools

from tests.common import fixtures as tfx
from zvm_xcat import client
from zvm_xcat import exception as exc

OK = {'info': ['vm1: Done\n']}


class RetryTestCase(testtools.TestCase):

    def make_client(self, url, retries=3, read_timeout=5.0):
        c = client.XCATClient(url, 'admin', 'pw-retry-tests', retries=retries,
                              read_timeout=read_timeout, connect_timeout=2,
                              backoff_factor=0.01)
        self.addCleanup(c.close)
        return c

    def server(self, *replies, **kwargs):
        self.srv = self.useFixture(tfx.LocalHTTPServer(replies, **kwargs))
        return self.srv


class TestReadRetries(RetryTestCase):

    def test_get_retried_on_503(self):
        srv = self.server(tfx.html_error(503, 'Connection failurexx: refused'),
                          tfx.html_error(503, 'Connection failurexx: refused'),
                          tfx.xcat_reply({'info': ['vm1: on\n']}))
        self.assertEqual('on', self.make_client(srv.url).power_state('vm1'))
        self.assertEqual(3, len(srv.requests))

    def test_get_gives_up_after_retries(self):
        srv = self.server(default=tfx.html_error(503, 'xcatd is down'))
        c = self.make_client(srv.url, retries=2)
        e = self.assertRaises(exc.XCATUnavailable, c.rinv, 'zvm1', 'all')
        self.assertIn('xcatd is down', str(e))
        self.assertEqual(3, len(srv.requests))

    def test_get_no_retry_when_retries_zero(self):
        srv = self.server(default=tfx.html_error(503, 'down'))
        c = self.make_client(srv.url, retries=0)
        self.assertRaises(exc.XCATUnavailable, c.rinv, 'zvm1', 'all')
        self.assertEqual(1, len(srv.requests))

    def test_get_retried_on_connection_reset(self):
        srv = self.server(tfx.Reply(action='reset'), tfx.Reply(action='drop'),
                          tfx.xcat_reply(OK))
        result = self.make_client(srv.url).rinv('vm1', 'all')
        self.assertEqual(['Done'], result.node_lines('vm1'))
        self.assertEqual(3, len(srv.requests))

    def test_get_not_retried_after_read_timeout(self):
        # It already waited the whole read timeout; another try would only
        # double the stall.
        srv = self.server(tfx.Reply(action='delay', delay=1.0),
                          tfx.xcat_reply(OK))
        c = self.make_client(srv.url, retries=3, read_timeout=0.2)
        e = self.assertRaises(exc.XCATTimeout, c.rinv, 'vm1', 'all')
        self.assertTrue(e.may_have_reached)
        self.assertIn('0.2s', str(e))
        time.sleep(0.2)
        self.assertEqual(1, len(srv.requests))

    def test_isreachable_put_is_read_only_and_retried(self):
        srv = self.server(tfx.Reply(action='drop'),
                          tfx.xcat_reply({'info': ['vm1: reachable\n']}))
        self.assertTrue(self.make_client(srv.url).is_reachable('vm1'))
        self.assertEqual(2, len(srv.requests))


class TestWriteRetries(RetryTestCase):

    def assert_not_replayed(self, srv, error):
        # Give a wrongly retried request time to arrive before counting.
        time.sleep(0.2)
        self.assertEqual(1, len(srv.requests))
        self.assertTrue(error.may_have_reached)
        self.assertIn('may have been carried out', str(error))

    def test_put_not_retried_after_drop(self):
        # The server reads the whole chvm, then closes without answering.
        srv = self.server(tfx.Reply(action='drop'), tfx.xcat_reply(OK))
        c = self.make_client(srv.url)
        e = self.assertRaises(exc.XCATConnectionError, c.chvm, 'vm1',
                              '--dedicatedevice', '1f00', '1f00', '0')
        self.assertEqual('["--dedicatedevice 1f00 1f00 0"]',
                         srv.requests[0]['body'])
        self.assert_not_replayed(srv, e)

    def test_put_not_retried_after_reset(self):
        srv = self.server(tfx.Reply(action='reset'), tfx.xcat_reply(OK))
        e = self.assertRaises(exc.XCATConnectionError,
                              self.make_client(srv.url).chhypervisor, 'zvm1',
                              '--releasezfcp', 'gold', '500507680b21bac6',
                              '4001400500000000')
        self.assert_not_replayed(srv, e)

    def test_put_not_retried_after_read_timeout(self):
        srv = self.server(tfx.Reply(action='delay', delay=1.0),
                          tfx.xcat_reply(OK))
        c = self.make_client(srv.url, read_timeout=0.3)
        e = self.assertRaises(exc.XCATTimeout, c.chvm, 'vm1', '--x')
        self.assert_not_replayed(srv, e)

    def test_put_not_retried_on_503(self):
        # 503 also means "xcatd ended the reply early": the command may run.
        srv = self.server(tfx.html_error(503, 'ended prematurely'),
                          tfx.xcat_reply(OK))
        c = self.make_client(srv.url)
        self.assertRaises(exc.XCATUnavailable, c.chvm, 'vm1', '--x')
        time.sleep(0.2)
        self.assertEqual(1, len(srv.requests))

    def test_xdsh_not_retried(self):
        srv = self.server(tfx.Reply(action='drop'), tfx.xcat_reply(OK))
        e = self.assertRaises(exc.XCATConnectionError,
                              self.make_client(srv.url).xdsh, 'vm1', 'true')
        self.assert_not_replayed(srv, e)

    def test_put_retried_when_connection_refused(self):
        # Nothing listens at first: the connection is refused, so the PUT
        # cannot have reached xCAT and is retried until the server is up.
        port = tfx.free_port()
        srv = tfx.LocalHTTPServer([tfx.xcat_reply(OK)], port=port)
        starter = threading.Timer(0.3, srv.setUp)
        starter.start()
        self.addCleanup(lambda: starter.join() or srv.cleanUp())
        c = client.XCATClient('http://127.0.0.1:%d' % port, 'admin', 'pw',
                              retries=8, backoff_factor=0.05)
        self.addCleanup(c.close)
        began = time.monotonic()
        result = c.chvm('vm1', '--x')
        self.assertGreater(time.monotonic() - began, 0.25)
        self.assertEqual(['Done'], result.node_lines('vm1'))
        self.assertEqual(1, len(srv.requests))

    def test_put_refused_until_retries_exhausted(self):
        c = self.make_client('http://127.0.0.1:%d' % tfx.free_port(),
                             retries=2)
        e = self.assertRaises(exc.XCATConnectionError, c.chvm, 'vm1', '--x')
        self.assertNotIsInstance(e, exc.XCATTimeout)
        self.assertFalse(e.may_have_reached)
        self.assertIn('Cannot connect', str(e))

    def test_each_write_uses_a_fresh_connection(self):
        # A kept-alive connection could be closed by the server just as a
        # write is sent: writes never reuse one; reads do.
        srv = self.server(default=tfx.xcat_reply(OK))
        c = self.make_client(srv.url)
        c.rinv('vm1', 'all')
        c.rinv('vm1', 'all')
        c.chvm('vm1', '--x')
        c.chvm('vm1', '--y')
        ports = [r['client'][1] for r in srv.requests]
        self.assertEqual(ports[0], ports[1])
        self.assertEqual(3, len(set(ports)))
