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
"""zvm_xcat.dsh: xdsh replies as xdsh.pm/DSHCLI.pm shape them, and the client.

Shapes (xcat-core xdsh.pm 1280-1316, DSHCLI.pm 580-690): stdout in data,
every stderr line in an error element with NoErrorPrefix and errorcode 0,
" A return code ... was not received" when the status echo never came,
and the closing {"errorcode": [N]} with N failed nodes.
"""

import json

import testtools

from tests.common import fixtures as tfx
from zvm_xcat import client as xclient
from zvm_xcat import dsh
from zvm_xcat import parsers

STDERR = {'error': ['vm1: udevadm: warning\nvm1: multipath: note'],
          'NoErrorPrefix': ['1'], 'errorcode': ['0']}
NOT_RECEIVED = {'error': [' A return code for the command run on the host '
                          'vm1 was not received.'], 'errorcode': ['1']}


def reply(*elements):
    return parsers.parse_reply(json.dumps({'data': list(elements)}))


class TestParse(testtools.TestCase):

    def test_success_with_stderr(self):
        r = dsh.parse(reply({'data': ['vm1: a\nvm1: b']}, STDERR,
                            {'errorcode': ['0']}), 'vm1')
        self.assertEqual((('a', 'b'), ('udevadm: warning', 'multipath: note'),
                          0, True, True),
                         (r.stdout, r.stderr, r.errorcode, r.status_received,
                          r.ok))

    def test_non_zero_status_is_only_the_errorcode(self):
        r = dsh.parse(reply({'data': ['vm1: a']}, {'errorcode': ['1']}), 'vm1')
        self.assertEqual(((), 1, True, False),
                         (r.stderr, r.errorcode, r.status_received, r.ok))

    def test_not_received(self):
        r = dsh.parse(reply({'data': ['vm1: a']}, STDERR, NOT_RECEIVED,
                            {'errorcode': ['1']}), 'vm1')
        self.assertEqual((('a',), 2, 1, False, False),
                         (r.stdout, len(r.stderr), r.errorcode,
                          r.status_received, r.ok))
        self.assertIn('no return code received', r.summary())

    def test_no_status_at_all_is_not_ok(self):
        r = dsh.parse(reply({'data': ['vm1: a']}), 'vm1')
        self.assertEqual((None, False), (r.errorcode, r.ok))


class TestClientXdsh(testtools.TestCase):

    def test_error_elements_do_not_raise(self):
        srv = self.useFixture(tfx.LocalHTTPServer([tfx.xcat_reply(
            {'data': ['vm1: out']}, STDERR, NOT_RECEIVED,
            {'errorcode': ['1']})]))
        c = xclient.XCATClient(srv.url, 'admin', 'secret')
        self.addCleanup(c.close)
        r = c.xdsh('vm1', 'false')
        self.assertEqual((('out',), False, 1),
                         (r.stdout, r.status_received, r.errorcode))
