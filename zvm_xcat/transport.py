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
"""HTTP plumbing of the xCAT client: sessions, retries, error mapping.

Kept apart from :mod:`zvm_xcat.client` (the helpers) so that each stays
small. The retry policy itself is described in zvm_xcat.client's module
docstring; :func:`retry_policy` is its only implementation.
"""

import html
import re
import ssl

import requests
from requests import adapters
from urllib3.exceptions import ConnectTimeoutError
from urllib3.exceptions import MaxRetryError
from urllib3.exceptions import NewConnectionError
from urllib3.exceptions import ReadTimeoutError
from urllib3.exceptions import SSLError as Urllib3SSLError
from urllib3.util.retry import Retry

from zvm_xcat import exception as exc
from zvm_xcat import parsers
from zvm_xcat import redact

BACKOFF_MAX = 30.0
# The largest reply read. The largest real one is a pool listing: a pool of
# 100,000 LUNs lists in about 20 MiB (one JSON string per row of up to
# ~200 bytes with its "<hv>: " prefix; tests/common/unit/test_reply_cap.py
# measures it), so 64 MiB leaves room for three times that and bounds the
# memory one runaway reply can take (body, text and parse: about 4 times
# the body) to some 256 MiB.
MAX_REPLY_BYTES = 64 * 1024 * 1024
_CHUNK = 256 * 1024
_HTTP_ERRORS = {
    400: exc.XCATBadRequest,
    401: exc.XCATAuthError,
    403: exc.XCATForbidden,
    404: exc.XCATNotFound,
    405: exc.XCATMethodNotAllowed,
    408: exc.XCATRequestTimeout,
    503: exc.XCATUnavailable,
}
_PARAGRAPH = re.compile(r'<p[^>]*>(.*?)</p>', re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r'<[^>]+>')


class _ReadRetry(Retry):
    """Retry for reads, except after a read timeout.

    urllib3 counts a read timeout and a dropped connection alike as "read"
    errors. A dropped or reset connection is worth another try; a request
    that already waited the whole read timeout (20 minutes by default) is
    not: repeating it would stall the caller for an hour and pile up work
    on a zHCP that is already slow.
    """

    def increment(self, method=None, url=None, response=None, error=None,
                  _pool=None, _stacktrace=None):
        if isinstance(error, ReadTimeoutError):
            raise error
        return super().increment(method=method, url=url, response=response,
                                 error=error, _pool=_pool,
                                 _stacktrace=_stacktrace)


def retry_policy(retries, backoff_factor, idempotent):
    """The urllib3 Retry of the policy in zvm_xcat.client's docstring."""
    if idempotent:
        return _ReadRetry(
            total=retries, connect=retries, read=retries, status=retries,
            other=0, redirect=0,
            allowed_methods=None,  # this session only gets reads
            status_forcelist=(503,),
            backoff_factor=backoff_factor, backoff_max=BACKOFF_MAX,
            # xCAT never sends Retry-After; do not let a proxy make us
            # sleep for minutes.
            respect_retry_after_header=False,
            raise_on_status=False, raise_on_redirect=False)
    # Writes: only connection-establishment errors are retried. read=False
    # re-raises any error after the request may have been sent at once,
    # and no write method is in allowed_methods, so neither a read error
    # nor a status code can ever replay it. (An empty allowed_methods
    # would mean "any verb" to urllib3.)
    return Retry(total=retries, connect=retries, read=False, status=0,
                 other=0, redirect=0, allowed_methods=frozenset(['GET']),
                 status_forcelist=(), backoff_factor=backoff_factor,
                 backoff_max=BACKOFF_MAX, respect_retry_after_header=False,
                 raise_on_status=False, raise_on_redirect=False)


def new_session(retry):
    """A requests Session whose adapter retries with ``retry``."""
    session = requests.Session()
    session.trust_env = False  # no proxies/netrc from the environment
    adapter = adapters.HTTPAdapter(max_retries=retry, pool_connections=1,
                                   pool_maxsize=8)
    session.mount('https://', adapter)
    session.mount('http://', adapter)
    return session


def _causes(error):
    """The chain of wrapped errors inside a requests/urllib3 exception."""
    seen = []
    stack = [error]
    while stack and len(seen) < 20:
        item = stack.pop(0)
        if item is None or any(item is s for s in seen):
            continue
        seen.append(item)
        if isinstance(item, MaxRetryError):
            stack.append(item.reason)
        if isinstance(item, BaseException):
            stack.extend(a for a in item.args if isinstance(a, BaseException))
            stack.append(item.__cause__)
            stack.append(item.__context__)
    return seen


def _reason(error):
    """The innermost human readable reason, without URL."""
    for item in reversed(_causes(error)):
        if isinstance(item, ssl.SSLError):
            return getattr(item, 'verify_message', None) or item.reason or str(item)
    for item in reversed(_causes(error)):
        if isinstance(item, OSError) and item.strerror:
            return item.strerror
    # The innermost message: the outer ones (MaxRetryError, requests'
    # wrappers) repeat the URL, which is noise even once redacted.
    for item in reversed(_causes(error)):
        if not isinstance(item, (MaxRetryError,
                                 requests.exceptions.RequestException)):
            text = str(item)
            if text:
                return '%s: %s' % (type(item).__name__, text)
    return str(error)


def _html_text(body):
    """The message of an HTML error page: the text of its <p> elements."""
    paragraphs = _PARAGRAPH.findall(body)
    text = ' '.join(paragraphs) if paragraphs else body
    text = html.unescape(_TAG.sub(' ', text))
    return ' '.join(text.split())


def connection_error(error, server, what, read_timeout, ca_file_set):
    """The zvm_xcat exception for a requests/urllib3 error (never re-raised).

    ``may_have_reached`` is False only for failures before the request
    could be written: TLS handshake, connection refused, connect timeout.
    """
    causes = _causes(error)
    reason = redact.truncate(_reason(error), 300)
    if any(isinstance(c, (ssl.SSLError, Urllib3SSLError,
                          requests.exceptions.SSLError)) for c in causes):
        hint = '' if ca_file_set else (
            ' (no zvm_xcat_ca_file set: the system CAs were used)')
        return exc.XCATTLSError(
            'TLS verification of xCAT server %s failed: %s%s'
            % (server, reason, hint), may_have_reached=False)
    if any(isinstance(c, (NewConnectionError, ConnectTimeoutError,
                          requests.exceptions.ConnectTimeout))
           for c in causes):
        return exc.XCATConnectionError(
            'Cannot connect to xCAT server %s for %s: %s'
            % (server, what, reason), may_have_reached=False)
    if any(isinstance(c, (ReadTimeoutError, requests.exceptions.ReadTimeout))
           for c in causes):
        return exc.XCATTimeout(
            'No answer from xCAT server %s within %ss for %s; the request '
            'may have been carried out' % (server, read_timeout, what),
            may_have_reached=True)
    return exc.XCATConnectionError(
        'Connection to xCAT server %s failed during %s: %s; the request '
        'may have been carried out' % (server, what, reason),
        may_have_reached=True)


def read_capped(response, limit, what):
    """The body of a streamed ``response``, refused beyond ``limit`` bytes.

    Stops reading as soon as the limit is passed (or at once when the
    Content-Length announces more), so memory stays bounded.
    """
    announced = response.headers.get('Content-Length', '')
    if announced.isdigit() and int(announced) > limit:
        raise exc.XCATResponseError(
            'xCAT reply to %s announces %s bytes, more than the %d bytes '
            'this client reads; nothing was read' % (what, announced, limit))
    body = bytearray()
    for chunk in response.iter_content(_CHUNK):
        body += chunk
        if len(body) > limit:
            raise exc.XCATResponseError(
                'xCAT reply to %s is larger than the %d bytes this client '
                'reads; reading stopped there' % (what, limit))
    return bytes(body)


def parse_answer(status, body, what):
    """HTTP status and body -> XCATResult, or the typed exception.

    Status and body shapes are zvmxcatws.cgi's (wrapData, sendRequest):
    401/403 with an HTML ``<p>`` body when xcatd refused; 404 with a JSON
    body when the object does not exist; 400/405/408/503 with text. A 200
    with error elements raises XCATCommandError unless every error is a
    benign one (see parsers), which end up in ``warnings``.
    """
    # Parsed as xCAT sent it: the password is masked in what leaves this
    # function as text (exception messages, the result of a failed
    # command), never in the values callers read (a LUN, an owner).
    text = body.decode('utf-8', 'replace')
    if status == 404 and text.lstrip().startswith('{'):
        # wrapData: a JSON reply whose first info is "Could not find an
        # object".
        message = None
        try:
            result = parsers.parse_reply(text, redact.remove_secrets)
            message = ' '.join(result.lines()) or None
        except exc.XCATResponseError:
            pass
        raise exc.XCATNotFound(redact.truncate(' '.join(
            (message or redact.remove_secrets(text)).split())), request=what)
    if status not in (200, 201):
        message = redact.truncate(_html_text(redact.remove_secrets(text))) \
            or '(empty body)'
        cls = _HTTP_ERRORS.get(status, exc.XCATHTTPError)
        if status == 403 and 'Invalid nodes and/or groups' in message:
            cls = exc.XCATNodeNotFound
        raise cls(message, status=status, request=what)
    result = parsers.parse_reply(text)
    if result.errors:
        # The failure's output goes into exception and log texts: masked.
        result = parsers.parse_reply(text, redact.remove_secrets)
        codes = [c for c in result.errorcode if c and c != '0']
        raise exc.XCATCommandError(result.errors,
                                   errorcode=codes[0] if codes else None,
                                   result=result, command=what)
    return result
