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
"""zvm_xcat.exception: the hierarchy fixed by internals.rst."""

import testtools

from zvm_xcat import exception as exc
from zvm_xcat import redact


class TestHierarchy(testtools.TestCase):

    def test_shape(self):
        expect = {
            exc.XCATConfigError: exc.XCATError,
            exc.XCATInvalidArgument: (exc.XCATError, ValueError),
            exc.XCATConnectionError: exc.XCATError,
            exc.XCATTimeout: exc.XCATConnectionError,
            exc.XCATTLSError: exc.XCATConnectionError,
            exc.XCATResponseError: exc.XCATError,
            exc.XCATHTTPError: exc.XCATError,
            exc.XCATBadRequest: exc.XCATHTTPError,
            exc.XCATAuthError: exc.XCATHTTPError,
            exc.XCATForbidden: exc.XCATHTTPError,
            exc.XCATNodeNotFound: exc.XCATForbidden,
            exc.XCATNotFound: exc.XCATHTTPError,
            exc.XCATMethodNotAllowed: exc.XCATHTTPError,
            exc.XCATRequestTimeout: exc.XCATHTTPError,
            exc.XCATUnavailable: exc.XCATHTTPError,
            exc.XCATCommandError: exc.XCATError,
            exc.XCATParseError: (exc.XCATError, ValueError),
        }
        for cls, bases in expect.items():
            self.assertTrue(issubclass(cls, bases), cls)
        statuses = {exc.XCATBadRequest: 400, exc.XCATAuthError: 401,
                    exc.XCATForbidden: 403, exc.XCATNodeNotFound: 403,
                    exc.XCATNotFound: 404, exc.XCATMethodNotAllowed: 405,
                    exc.XCATRequestTimeout: 408, exc.XCATUnavailable: 503}
        for cls, status in statuses.items():
            self.assertEqual(status, cls('t').status)

    def test_attributes(self):
        e = exc.XCATConnectionError('m', may_have_reached=False)
        self.assertFalse(e.may_have_reached)
        self.assertTrue(exc.XCATTimeout('m').may_have_reached)
        self.assertFalse(exc.XCATTLSError('m').may_have_reached)
        e = exc.XCATCommandError(['a', 'b'], errorcode='1', result='R',
                                 command='PUT x')
        self.assertEqual((['a', 'b'], '1', 'R'),
                         (e.errors, e.errorcode, e.result))
        self.assertIn('errorcode 1', str(e))
        e = exc.XCATParseError('bad', row='x' * 500)
        self.assertEqual('bad', e.reason)
        self.assertLess(len(e.row), 260)
        self.assertEqual('m', exc.XCATError('m').message)
        e = exc.XCATHTTPError('text', status=500, request='GET /x')
        self.assertEqual((500, 'text'), (e.status, e.text))
        self.assertIn('GET /x', str(e))

    def test_messages_are_redacted(self):
        redact.register_secret('hunter2-exc')
        for e in (exc.XCATError('pw hunter2-exc'),
                  exc.XCATHTTPError('hunter2-exc', status=500),
                  exc.XCATCommandError(['x hunter2-exc']),
                  exc.XCATConfigError('opt', 'hunter2-exc'),
                  exc.XCATInvalidArgument('arg', 'hunter2-exc'),
                  exc.XCATParseError('r', row='hunter2-exc')):
            self.assertNotIn('hunter2-exc', str(e))
            self.assertNotIn('hunter2-exc', repr(e))
