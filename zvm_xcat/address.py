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
"""Pure parsing of the ``zvm_xcat_server`` option.

Accepted forms::

    xcat.example.com                 -> https://xcat.example.com:443/xcatws
    xcat.example.com:8443            -> https://xcat.example.com:8443/xcatws
    10.1.1.1 / [fd00::1] / [fd00::1]:8443 / fd00::1
    https://xcat.example.com[:port][/path]
    http://xcat.example.com[:port][/path]    plain HTTP: only when written
                                              out like this (the caller
                                              logs a warning)

HTTPS on 443 is the default, as on every xCAT management node (the
xCAT-era driver hard-coded it). The path defaults to ``/xcatws`` where
Apache serves zvmxcatws.cgi on s390x builds. Credentials, query strings
and fragments in the option are refused: credentials come from their own
options, and the error never echoes a value that might contain them.
"""

import dataclasses
import ipaddress
import re
import urllib.parse

from zvm_xcat.exception import XCATConfigError

OPTION = 'zvm_xcat_server'
DEFAULT_PATH = '/xcatws'
_HOSTNAME = re.compile(
    r'(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
    r'(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?')


@dataclasses.dataclass(frozen=True)
class ServerAddress:
    scheme: str   # 'https' or 'http'
    host: str     # host name or IP, IPv6 without brackets
    port: int
    path: str     # base path, no trailing '/'

    @property
    def netloc(self):
        host = '[%s]' % self.host if ':' in self.host else self.host
        return '%s:%d' % (host, self.port)

    @property
    def url(self):
        """The base URL (never carries credentials)."""
        return '%s://%s%s' % (self.scheme, self.netloc, self.path)

    @property
    def insecure(self):
        return self.scheme == 'http'


def _error(reason):
    return XCATConfigError(OPTION, reason)


def parse_server(value):
    """Parse the option value into a :class:`ServerAddress`."""
    if not isinstance(value, str) or not value.strip():
        raise _error('must be set to host, host:port or https://host[:port]')
    value = value.strip()
    if any(ch.isspace() for ch in value):
        raise _error('must not contain whitespace')
    if '://' in value:
        scheme = value.split('://', 1)[0].lower()
        if scheme not in ('http', 'https'):
            raise _error('scheme must be https or http, not %r' % scheme)
        explicit = True
    else:
        scheme, explicit = 'https', False
        value = 'https://' + value
        if value.count(':') > 2 and '[' not in value:
            # A bare IPv6 address: "fd00::1".
            try:
                ipaddress.IPv6Address(value[len('https://'):])
            except ValueError:
                pass
            else:
                value = 'https://[%s]' % value[len('https://'):]
    try:
        parts = urllib.parse.urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise _error('not a valid address (%s)' % exc) from None
    if '@' in parts.netloc:
        raise _error('must not contain credentials; use zvm_xcat_username '
                     'and zvm_xcat_password')
    if parts.query or parts.fragment or value.endswith(('?', '#')):
        raise _error('must not contain a query string or fragment')
    host = parts.hostname
    if not host:
        raise _error('has no host name')
    if '[' in parts.netloc:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise _error('%r in brackets is not an IPv6 address' % host) from None
    elif not _HOSTNAME.fullmatch(host):
        raise _error('%r is not a valid host name or address' % host)
    if port is None:
        port = 80 if (explicit and scheme == 'http') else 443
    if not 0 < port < 65536:
        raise _error('port %d out of range' % port)
    path = parts.path.rstrip('/') or DEFAULT_PATH
    if not explicit and parts.path not in ('', '/'):
        raise _error('a path is only accepted in a URL (https://host/path)')
    return ServerAddress(scheme=scheme, host=host, port=port, path=path)
