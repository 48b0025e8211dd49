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
"""zvm_xcat.address: the forms zvm_xcat_server accepts."""

import ddt
import testtools

from zvm_xcat import address
from zvm_xcat.exception import XCATConfigError


@ddt.ddt
class TestParseServer(testtools.TestCase):

    @ddt.unpack
    @ddt.data(
        ('xcat', 'https://xcat:443/xcatws'),
        ('XCAT.example.com', 'https://xcat.example.com:443/xcatws'),
        ('xcat:8443', 'https://xcat:8443/xcatws'),
        ('10.1.1.1', 'https://10.1.1.1:443/xcatws'),
        ('10.1.1.1:80', 'https://10.1.1.1:80/xcatws'),
        ('[fd00::1]', 'https://[fd00::1]:443/xcatws'),
        ('[fd00::1]:8443', 'https://[fd00::1]:8443/xcatws'),
        ('fd00::1', 'https://[fd00::1]:443/xcatws'),
        ('https://xcat', 'https://xcat:443/xcatws'),
        ('https://xcat/', 'https://xcat:443/xcatws'),
        ('https://xcat:4443/xcatws/', 'https://xcat:4443/xcatws'),
        ('HTTPS://xcat/custom/ws', 'https://xcat:443/custom/ws'),
        ('http://xcat', 'http://xcat:80/xcatws'),
        ('http://127.0.0.1:8080', 'http://127.0.0.1:8080/xcatws'),
        ('http://[::1]:8080/xcatws', 'http://[::1]:8080/xcatws'),
        ('  xcat  ', 'https://xcat:443/xcatws'),
    )
    def test_accepted(self, value, url):
        self.assertEqual(url, address.parse_server(value).url)

    def test_plain_http_only_when_explicit(self):
        self.assertFalse(address.parse_server('xcat:80').insecure)
        self.assertTrue(address.parse_server('http://xcat').insecure)

    @ddt.data(None, '', '   ', 'ftp://xcat', 'https://', 'https://:443',
              'xcat:0', 'xcat:70000', 'xcat:port', 'xc at', 'xcat/xcatws',
              'https://xcat?x=1', 'https://xcat#frag', 'xcat_1', '[xcat]',
              '[fd00::1', 'https://user@xcat', '-xcat', 'a..b')
    def test_rejected_names_the_option(self, value):
        e = self.assertRaises(XCATConfigError, address.parse_server, value)
        self.assertEqual('zvm_xcat_server', e.option)
        self.assertIn('zvm_xcat_server', str(e))

    def test_credentials_never_echoed(self):
        e = self.assertRaises(XCATConfigError, address.parse_server,
                              'https://admin:Sup3rS3cret@xcat')
        self.assertNotIn('Sup3rS3cret', str(e))
        self.assertNotIn('Sup3rS3cret', repr(e))
