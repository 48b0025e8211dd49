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
"""The xCAT password never appears in a log line (any logger, any level),
an exception's text, repr or traceback, or the client's repr.

Every test of the class runs a scenario with ALL logging captured at DEBUG
(root logger, urllib3 included: urllib3.connectionpool logs the request
line with the query at DEBUG, and its retry WARNING has the URL too), and
tearDown checks every record. The scenarios cover success, HTTP errors,
command errors that echo the password, retries, dropped connections,
refused connections, timeouts and TLS failures.
"""

import logging
import traceback
from unittest import mock
import urllib.parse

import fixtures
import testtools

from tests.common import fixtures as tfx
from zvm_xcat import client
from zvm_xcat import exception as exc
from zvm_xcat import redact

# Characters that URL encoding changes, so encoded forms are checked too.
PASSWORD = 'Pa55 w&rd=%s3cr3t/ö'
FORMS = (PASSWORD, urllib.parse.quote_plus(PASSWORD),
         urllib.parse.quote(PASSWORD, safe=''), 'Pa55')


class TestPasswordNeverLeaks(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.logs = self.useFixture(tfx.CaptureAllLogging())
        self.texts = []          # exception texts, reprs, tracebacks
        self.addCleanup(self.check_no_password)

    def check_no_password(self):
        seen = self.logs.texts() + self.texts
        self.assertTrue(self.logs.records, 'scenario produced no log records')
        for text in seen:
            for form in FORMS:
                self.assertNotIn(form, text)

    def client(self, url, **kwargs):
        kwargs.setdefault('backoff_factor', 0.001)
        c = client.XCATClient(url, 'admin', PASSWORD, **kwargs)
        self.addCleanup(c.close)
        self.texts.append(repr(c))
        self.texts.append(str(c.__dict__))
        return c

    def server(self, *replies, **kwargs):
        return self.useFixture(tfx.LocalHTTPServer(replies, **kwargs))

    def record(self, error):
        self.texts.extend([str(error), repr(error),
                           ''.join(traceback.format_exception(error)),
                           str(getattr(error, 'errors', '')),
                           str(error.__dict__)])
        return error

    def assert_urllib3_logged_redacted(self):
        lines = [t for t in self.logs.texts()
                 if t.startswith('urllib3') and '/xcatws/' in t]
        self.assertTrue(lines, 'urllib3 did not log a URL: the test would '
                        'not prove anything')
        self.assertTrue(all('password=***' in t or 'password' not in t
                            for t in lines), lines)

    def test_success_get_and_put(self):
        srv = self.server(tfx.xcat_reply({'info': ['vm1: on\n']}),
                          tfx.xcat_reply({'info': ['vm1: Done\n']}))
        c = self.client(srv.url)
        c.power_state('vm1')
        c.chvm('vm1', '--x', request_id='req-1')
        # The server did get the real password: the test is not vacuous.
        self.assertEqual([PASSWORD], srv.requests[0]['query']['password'])
        self.assert_urllib3_logged_redacted()

    def test_http_errors_echoing_the_password(self):
        srv = self.server(
            tfx.html_error(401, 'Authentication failure for admin/%s'
                           % PASSWORD),
            tfx.html_error(403, 'Invalid nodes and/or groups: ' + PASSWORD),
            tfx.Reply(status=500, body=PASSWORD * 3),
            tfx.Reply(body='not json ' + PASSWORD))
        c = self.client(srv.url, retries=0)
        for cls in (exc.XCATAuthError, exc.XCATNodeNotFound,
                    exc.XCATHTTPError, exc.XCATResponseError):
            self.record(self.assertRaises(cls, c.rinv, 'vm1', 'all'))

    def test_command_error_echoing_the_password(self):
        srv = self.server(tfx.xcat_reply(
            {'error': ['vm1: (Error) ssh failed with password=%s' % PASSWORD],
             'errorcode': ['1']},
            {'error': ["vm1: Warning: Permanently added '%s' to the list of "
                       "known hosts." % PASSWORD]}))
        c = self.client(srv.url)
        e = self.record(self.assertRaises(exc.XCATCommandError, c.chvm, 'vm1',
                                          '--x'))
        self.texts.extend(e.result.errors + e.result.warnings)

    def test_read_retries_and_503(self):
        srv = self.server(tfx.Reply(action='reset'), tfx.Reply(action='drop'),
                          tfx.html_error(503, 'down'),
                          default=tfx.html_error(503, 'down'))
        c = self.client(srv.url, retries=3)
        self.record(self.assertRaises(exc.XCATUnavailable, c.rinv, 'vm1',
                                      'all'))
        self.assertEqual(4, len(srv.requests))
        # urllib3 logs its retries at WARNING with the URL.
        self.assertTrue(any(r.levelno >= logging.WARNING and
                            r.name.startswith('urllib3')
                            for r in self.logs.records))
        self.assert_urllib3_logged_redacted()

    def test_write_dropped_and_timeout(self):
        srv = self.server(tfx.Reply(action='drop'),
                          tfx.Reply(action='delay', delay=1.0))
        c = self.client(srv.url, read_timeout=0.3)
        self.record(self.assertRaises(exc.XCATConnectionError, c.chvm, 'vm1',
                                      '--x'))
        self.record(self.assertRaises(exc.XCATTimeout, c.chvm, 'vm1', '--x'))

    def test_connection_refused(self):
        c = self.client('http://127.0.0.1:%d' % tfx.free_port(), retries=2)
        e = self.record(self.assertRaises(exc.XCATConnectionError, c.chvm,
                                          'vm1', '--x'))
        self.assertFalse(e.may_have_reached)
        self.record(self.assertRaises(exc.XCATConnectionError, c.version))

    def test_tls_failure(self):
        tmp = self.useFixture(fixtures.TempDir()).path
        _, cert, key = tfx.make_tls_files(tmp, names=('xcat.example.com',))
        srv = self.server(cert=cert, key=key)
        c = self.client('https://127.0.0.1:%d' % srv.port)
        self.record(self.assertRaises(exc.XCATTLSError, c.power_state, 'vm1'))

    def test_config_errors(self):
        for kwargs in ({'ca_file': '/nonexistent/%s' % PASSWORD},
                       {'retries': PASSWORD}, {'read_timeout': PASSWORD}):
            self.record(self.assertRaises(exc.XCATConfigError,
                                          client.XCATClient, 'xcat', 'admin',
                                          PASSWORD, **kwargs))
        logging.getLogger('zvm_xcat.client').debug('password=%s', PASSWORD)
        self.texts.append(redact.redact('url?password=%s&x' % PASSWORD))

    def test_library_logging_of_a_raw_url(self):
        # Even if urllib3 or requests log a URL we never saw, the filter
        # masks it.
        client.XCATClient('xcat', 'admin', PASSWORD)
        logging.getLogger('urllib3.connectionpool').debug(
            '%s "GET %s HTTP/1.1"', 'https://xcat:443',
            '/xcatws/version?userName=admin&password=%s&format=json'
            % urllib.parse.quote_plus(PASSWORD))
        try:
            raise RuntimeError('failed for ' + PASSWORD)
        except RuntimeError:
            logging.getLogger('urllib3.util.retry').exception('retry')
        logging.getLogger('requests').warning(PASSWORD)

    def test_unwrapped_library_error(self):
        # An error requests does not wrap still never carries the URL.
        srv = self.server()
        c = self.client(srv.url)
        boom = ValueError('bad url /xcatws/x?password=%s' % PASSWORD)
        with mock.patch('requests.Session.request', side_effect=boom):
            e = self.record(self.assertRaises(exc.XCATConnectionError, c.chvm,
                                              'vm1', '--x'))
        self.assertTrue(e.may_have_reached)
        logging.getLogger('zvm_xcat.client').debug('marker')
