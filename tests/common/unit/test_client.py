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
"""XCATClient against a real local HTTP server: the v1 wire format
(zvmxcatws.cgi) and the mapping of every kind of answer to an exception."""

import json
import logging
import socket
import threading

import ddt
import testtools

from tests.common import fixtures as tfx
from zvm_xcat import client
from zvm_xcat import exception as exc

PASSWORD = 'pw-Wire-Format'


class ClientTestCase(testtools.TestCase):

    def server(self, *replies, **kwargs):
        self.srv = self.useFixture(tfx.LocalHTTPServer(replies, **kwargs))
        self.client = client.XCATClient(self.srv.url, 'admin', PASSWORD,
                                        retries=2, backoff_factor=0.001)
        self.addCleanup(self.client.close)
        return self.client

    def one_request(self):
        self.assertEqual(1, len(self.srv.requests))
        return self.srv.requests[0]


class TestWireFormat(ClientTestCase):

    def test_credentials_and_format_in_query(self):
        c = self.server(tfx.xcat_reply({'data': ['Version 2.8.3.16 (git '
                                                 'commit x, built y)']}))
        self.assertEqual('Version 2.8.3.16 (git commit x, built y)',
                         c.version())
        req = self.one_request()
        self.assertEqual('GET', req['method'])
        self.assertEqual('/xcatws/version', req['path'])
        self.assertEqual([('userName', 'admin'), ('password', PASSWORD),
                          ('format', 'json')], req['query_list'])

    def test_chvm_body_and_request_ids(self):
        c = self.server(tfx.xcat_reply({'info': ['vm1: Adding zFCP device '
                                                 '1f00/5/4... Done\n']}))
        result = c.chvm('vm1', '--addzfcp', 'gold', '1f00', '0', '10G', '0',
                        '500507680b21bac6', '4001400500000000',
                        request_id='req-abc', object_id='inst-1')
        self.assertEqual(['Adding zFCP device 1f00/5/4... Done'],
                         result.node_lines('vm1'))
        req = self.one_request()
        self.assertEqual('PUT', req['method'])
        self.assertEqual('/xcatws/vms/vm1', req['path'])
        # A JSON array of one string, split by the CGI on single spaces.
        self.assertEqual(['--addzfcp gold 1f00 0 10G 0 500507680b21bac6 '
                          '4001400500000000'], json.loads(req['body']))
        self.assertEqual('text/plain', req['headers']['Content-Type'])
        self.assertEqual(['req-abc'], req['query']['requestid'])
        self.assertEqual(['inst-1'], req['query']['objectid'])
        self.assertEqual('close', req['headers']['Connection'])

    def test_chhypervisor(self):
        c = self.server()
        c.chhypervisor('zvm1', '--releasezfcp', 'gold', '500507680b21bac6',
                       '4001400500000000')
        req = self.one_request()
        self.assertEqual(('PUT', '/xcatws/hypervisor/zvm1'),
                         (req['method'], req['path']))
        self.assertEqual(['--releasezfcp gold 500507680b21bac6 '
                          '4001400500000000'], json.loads(req['body']))

    def test_rinv_fields(self):
        c = self.server()
        c.rinv('zvm1', '--fcpdevices', 'free', 'details')
        req = self.one_request()
        self.assertEqual('/xcatws/nodes/zvm1/inventory', req['path'])
        self.assertEqual(['--fcpdevices', 'free', 'details'],
                         req['query']['field'])

    def test_lsvm_options(self):
        c = self.server()
        c.lsvm('vm1')
        c.lsvm('zhcp', '--diskpool', 'POOL1')
        c.lsvm('vm1', '-a')
        self.assertEqual('/xcatws/vms/vm1', self.srv.requests[0]['path'])
        self.assertEqual(['POOL1'], self.srv.requests[1]['query']['diskpool'])
        self.assertIn('all', self.srv.requests[2]['query'])
        self.assertRaises(exc.XCATInvalidArgument, c.lsvm, 'vm1', '--zfcppool')
        self.assertRaises(exc.XCATInvalidArgument, c.lsvm, 'vm1', '--diskpool')

    def test_xdsh(self):
        c = self.server(tfx.xcat_reply({'data': ['vm1: ok']}))
        result = c.xdsh('vm1', 'echo 1 > /sys/bus/ccw/devices/0.0.1f00/online',
                        options='-o ConnectTimeout=10', timeout=60)
        self.assertEqual(['ok'], result.node_lines('vm1'))
        req = self.one_request()
        self.assertEqual('/xcatws/nodes/vm1/dsh', req['path'])
        self.assertEqual(['command=echo 1 > /sys/bus/ccw/devices/0.0.1f00/'
                          'online', 'options=-o ConnectTimeout=10',
                          'timeout=60'], json.loads(req['body']))

    def test_power(self):
        c = self.server(tfx.xcat_reply({'info': ['vm1: reachable\n']}),
                        tfx.xcat_reply({'info': ['vm1: unreachable\n']}),
                        tfx.xcat_reply({'info': ['vm1: on\n']}),
                        tfx.xcat_reply({'info': ['vm1: off\n']}),
                        tfx.xcat_reply({'info': ['vm1: Powering on... Done']}))
        self.assertTrue(c.is_reachable('vm1'))
        self.assertFalse(c.is_reachable('vm1'))
        self.assertEqual('on', c.power_state('vm1'))
        self.assertEqual('off', c.power_state('vm1'))
        c.power('vm1', 'on')
        reqs = self.srv.requests
        self.assertEqual(('PUT', '/xcatws/nodes/vm1/power', '["isreachable"]'),
                         (reqs[0]['method'], reqs[0]['path'], reqs[0]['body']))
        self.assertEqual(('GET', '/xcatws/nodes/vm1/power'),
                         (reqs[2]['method'], reqs[2]['path']))
        self.assertEqual('["on"]', reqs[4]['body'])

    def test_power_state_unparseable(self):
        c = self.server(tfx.xcat_reply({'info': ['vm1: \n']}))
        self.assertRaises(exc.XCATParseError, c.power_state, 'vm1')

    def test_tables(self):
        c = self.server(
            tfx.xcat_reply({'data': ['zhcp1']}),
            tfx.xcat_reply({'data': ['zvm.hcp: zhcp1']},
                           {'data': ['zvm.userid: VM1']}),
            tfx.xcat_reply({'data': ['#node,hcp,userid', '"vm1","zhcp1","VM1"']}),
            tfx.xcat_reply())
        self.assertEqual({'hcp': 'zhcp1'}, c.gettab('zvm', 'node', 'vm1', 'hcp'))
        self.assertEqual({'hcp': 'zhcp1', 'userid': 'VM1'},
                         c.gettab('zvm', 'node', 'vm1', 'hcp', 'userid'))
        self.assertEqual(['#node,hcp,userid', '"vm1","zhcp1","VM1"'],
                         c.tabdump('zvm'))
        c.tabch('zvm', 'node', 'vm1', status='CLONE_ONLY=1', comments='')
        reqs = self.srv.requests
        self.assertEqual([('col', 'node'), ('value', 'vm1'),
                          ('attribute', 'hcp')], reqs[0]['query_list'][3:])
        self.assertEqual('/xcatws/tables/zvm', reqs[0]['path'])
        self.assertEqual(['node=vm1 zvm.comments= zvm.status=CLONE_ONLY=1'],
                         json.loads(reqs[3]['body']))
        self.assertRaises(exc.XCATInvalidArgument, c.tabch, 'zvm', 'node',
                          'vm1', comments='two words')

    def test_gettab_no_row(self):
        c = self.server(tfx.xcat_reply())
        self.assertEqual({}, c.gettab('zvm', 'node', 'nope', 'hcp'))


@ddt.ddt
class TestArgumentsRejectedBeforeSending(ClientTestCase):

    @ddt.data(('vm1', ''), ('vm1', 'a b'), ('vm1', 'ok', ' '),
              ('vm1', 'x\ty'), ('vm1,vm2', 'x'), ('', 'x'), ('vm1',))
    def test_chvm(self, args):
        c = self.server()
        self.assertRaises(exc.XCATInvalidArgument, c.chvm, *args)
        self.assertEqual([], self.srv.requests)

    def test_others(self):
        c = self.server()
        calls = [(c.chhypervisor, ('zvm1', '--addzfcp2pool', 'a b')),
                 (c.rinv, ('zvm1', '')),
                 (c.xdsh, ('vm1', '')),
                 (c.xdsh, ('vm1', 'ls', 'a\nb')),
                 (c.xdsh, ('vm1', 'ls', None, 0)),
                 (c.power, ('vm1', 'soft off')),
                 (c.chvm, ('vm1', 'x'), {'request_id': 'a b'}),
                 (c.gettab, ('zvm', 'node', 'vm 1', 'hcp')),
                 (c.gettab, ('zvm', 'node', 'vm1')),
                 (c.tabch, ('zvm', 'node', 'vm1'))]
        for call in calls:
            func, args = call[0], call[1]
            kwargs = call[2] if len(call) > 2 else {}
            self.assertRaises(exc.XCATInvalidArgument, func, *args, **kwargs)
        self.assertEqual([], self.srv.requests)


@ddt.ddt
class TestErrorMapping(ClientTestCase):

    @ddt.unpack
    @ddt.data(
        # wrapData: xcatd refused (serverdone + error) -> 401 / 403, body
        # "<p>msg</p>" although the content type says JSON.
        (401, 'Authentication failure', exc.XCATAuthError),
        (401, 'Permission denied for request', exc.XCATAuthError),
        (403, 'Invalid nodes and/or groups in noderange: vm9',
         exc.XCATNodeNotFound),
        (403, 'Some other refusal', exc.XCATForbidden),
        (400, 'No set attribute was supplied.', exc.XCATBadRequest),
        (405, "request method 'PATCH' is not supported on resource 'vms'",
         exc.XCATMethodNotAllowed),
        (408, 'Connection failure: SSL Timeout or incorrect certificates in '
         '~/.xcat', exc.XCATRequestTimeout),
        (503, 'ERROR/WARNING: communication with the xCAT server seems to '
         'have been ended prematurely', exc.XCATUnavailable),
        (404, 'Not Found', exc.XCATNotFound),
        (500, 'Internal Server Error', exc.XCATHTTPError),
    )
    def test_status(self, status, text, cls):
        c = self.server(tfx.html_error(status, text))
        e = self.assertRaises(cls, c.chvm, 'vm1', '--x')
        self.assertIs(cls, type(e))
        self.assertEqual(status, e.status)
        self.assertIn(text.split(':')[0], e.text)
        self.assertNotIn('<p>', str(e))
        self.assertEqual(1, len(self.srv.requests))

    def test_plain_text_400(self):
        # 400 for a bad format is plain text, not HTML.
        c = self.server(tfx.Reply(status=400, body="The format 'x' is not valid",
                                  content_type='text/html'))
        e = self.assertRaises(exc.XCATBadRequest, c.rinv, 'vm1', 'all')
        self.assertIn("The format 'x' is not valid", e.text)

    def test_404_json_could_not_find_object(self):
        c = self.server(tfx.Reply(status=404, body={'data': [
            {'info': ['Could not find an object named \'vm9\' of type '
                      '\'node\'.']}]}))
        e = self.assertRaises(exc.XCATNotFound, c.rinv, 'vm9', 'all')
        self.assertIn('Could not find an object', str(e))

    def test_long_error_truncated(self):
        c = self.server(tfx.html_error(403, 'x' * 5000))
        e = self.assertRaises(exc.XCATForbidden, c.rinv, 'vm1', 'all')
        self.assertLess(len(str(e)), 700)
        self.assertIn('more characters', str(e))

    def test_command_error_in_http_200(self):
        c = self.server(tfx.xcat_reply(
            {'info': ['zvm1: Found FCP device\n']},
            {'error': ['zvm1: (Error) A suitable device of 10240M or larger '
                       'could not be found'], 'errorcode': ['1']}))
        e = self.assertRaises(exc.XCATCommandError, c.chhypervisor, 'zvm1',
                              '--reservezfcp', 'gold', 'reserved', 'o',
                              'auto', '10G')
        self.assertEqual('1', e.errorcode)
        self.assertEqual(1, len(e.errors))
        self.assertIn('could not be found', e.errors[0])
        self.assertIn('could not be found', str(e))
        self.assertEqual(['zvm1: Found FCP device'], e.result.lines())

    def test_benign_warnings_do_not_raise(self):
        c = self.server(tfx.xcat_reply(
            {'info': ['vm1: Done']},
            {'error': ["vm1: Warning: Permanently added 'vm1' (ECDSA) to the "
                       "list of known hosts."], 'errorcode': ['1']},
            {'error': ['vm1: Return Code: 596\nvm1: Reason Code: 6312'],
             'errorcode': ['1']}))
        result = c.chvm('vm1', '--x')
        self.assertEqual(2, len(result.warnings))
        self.assertEqual((), result.errors)

    @ddt.data('not json at all', '<html>oops</html>', '{"nodata": 1}', '')
    def test_non_json_200(self, body):
        c = self.server(tfx.Reply(body=body))
        e = self.assertRaises(exc.XCATResponseError, c.rinv, 'vm1', 'all')
        self.assertLess(len(str(e)), 700)

    def test_redirect_is_an_error(self):
        c = self.server(tfx.Reply(status=302, body=''))
        e = self.assertRaises(exc.XCATHTTPError, c.rinv, 'vm1', 'all')
        self.assertEqual(302, e.status)

    def test_repr_and_url(self):
        c = self.server()
        self.assertEqual('%s' % self.srv.url, c.server_url)
        self.assertIn(self.srv.url, repr(c))
        self.assertIn("username='admin'", repr(c))


class TestTransportOptions(ClientTestCase):

    def test_plain_http_logs_a_warning(self):
        logs = self.useFixture(tfx.CaptureAllLogging())
        self.server()
        warnings = [r for r in logs.records
                    if r.levelname == 'WARNING' and 'plain HTTP' in r.getMessage()]
        self.assertEqual(1, len(warnings))
        self.assertIn(self.srv.url, warnings[0].getMessage())

    def test_https_does_not_warn(self):
        logs = self.useFixture(tfx.CaptureAllLogging())
        client.XCATClient('xcat.example.com', 'admin', PASSWORD)
        self.assertEqual([], [r for r in logs.records
                              if r.levelno >= logging.WARNING])

    def test_ipv6_loopback(self):
        probe = socket.socket(socket.AF_INET6)
        try:
            probe.bind(('::1', 0))
        except OSError:
            self.skipTest('no IPv6 loopback')
        finally:
            probe.close()
        self.srv = self.useFixture(tfx.LocalHTTPServer(
            [tfx.xcat_reply({'info': ['vm1: on\n']})], host='::1'))
        c = client.XCATClient('http://[::1]:%d' % self.srv.port, 'admin',
                              PASSWORD)
        self.addCleanup(c.close)
        self.assertEqual('http://[::1]:%d/xcatws' % self.srv.port, c.server_url)
        self.assertEqual('on', c.power_state('vm1'))

    def test_timeouts_passed_to_requests(self):
        # A slow answer within the read timeout is fine...
        c = self.server(tfx.Reply(action='delay', delay=0.3,
                                  body={'data': [{'info': ['vm1: on']}]}))
        self.assertEqual('on', c.power_state('vm1'))
        # ...and the configured timeouts are what requests gets.
        c2 = client.XCATClient('xcat', 'admin', PASSWORD, connect_timeout=7,
                               read_timeout=99)
        self.assertEqual((7.0, 99.0), c2._timeout)

    def test_concurrent_use(self):
        # One client shared by threads (cinder/nova use one per backend).
        c = self.server(default=tfx.xcat_reply({'info': ['vm1: on\n']}))
        errors = []

        def work():
            try:
                for _ in range(5):
                    self.assertEqual('on', c.power_state('vm1'))
                    c.chvm('vm1', '--x')
            except Exception as e:  # collected, asserted below
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual([], errors)
        self.assertEqual(60, len(self.srv.requests))
