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
"""zvm_xcat.redact: masking, the Secret holder and the log filter."""

import logging
import urllib.parse

import testtools

from tests.common import fixtures as tfx
from zvm_xcat import redact

SECRET = 'r3dact me&now'


class TestRedact(testtools.TestCase):

    def setUp(self):
        super().setUp()
        redact.register_secret(SECRET)

    def test_all_forms_replaced(self):
        for form in (SECRET, urllib.parse.quote_plus(SECRET),
                     urllib.parse.quote(SECRET, safe='')):
            self.assertEqual('x *** y', redact.redact('x %s y' % form))

    def test_password_keyword_masked(self):
        # mask_password handles "password=..." of values never registered.
        out = redact.redact('GET /x?userName=a&password=other123 HTTP/1.1')
        self.assertNotIn('other123', out)

    def test_blank_in_password_fully_removed(self):
        # mask_password alone would stop at the blank and leave "me&now".
        out = redact.redact('password=%s' % SECRET)
        self.assertNotIn('now', out)

    def test_none_and_empty(self):
        self.assertIsNone(redact.redact(None))
        redact.register_secret('')
        redact.register_secret(None)
        self.assertEqual('abc', redact.redact('abc'))

    def test_truncate(self):
        self.assertEqual('abc', redact.truncate('abc', 5))
        self.assertEqual('ab... [3 more characters]', redact.truncate('abcde', 2))

    def test_secret_holder(self):
        holder = redact.Secret(SECRET)
        self.assertEqual(SECRET, holder.reveal())
        for text in (repr(holder), str(holder), repr([holder])):
            self.assertNotIn(SECRET, text)

    def test_filter_rewrites_args_and_traceback(self):
        logs = self.useFixture(tfx.CaptureAllLogging())
        redact.install_log_filter()
        log = logging.getLogger('urllib3.connectionpool')
        log.debug('url %s', '/x?password=%s' % SECRET)
        try:
            raise ValueError(SECRET)
        except ValueError:
            log.warning('failed', exc_info=True)
        texts = logs.texts()
        self.assertEqual(2, len(texts))
        self.assertIn('ValueError', texts[1])
        for text in texts:
            self.assertNotIn(SECRET, text)

    def test_filter_installed_once(self):
        redact.install_log_filter()
        redact.install_log_filter()
        logger = logging.getLogger('urllib3.connectionpool')
        self.assertEqual(1, sum(isinstance(f, redact.RedactingFilter)
                                for f in logger.filters))
