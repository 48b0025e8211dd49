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
"""Typed errors of the xCAT REST v1 client.

The hierarchy is fixed by doc/source/contributor/internals.rst. Callers
catch the narrowest class they can act on: a cinder driver, for example,
treats XCATConnectionError with ``may_have_reached=False`` as "nothing
happened, safe to retry later" but must reconcile state when it is True.

Every message is passed through :func:`zvm_xcat.redact.redact` when the
exception is built, so no exception text or repr can carry the xCAT
password, whatever the caller put in it.
"""

from zvm_xcat import redact


class XCATError(Exception):
    """Base class of every error raised by zvm_xcat.

    ``summary`` is a short text for users (an API error, a volume's error
    field): what kind of failure, without xCAT's raw output, which names
    internal hosts and quotes ssh command lines. The whole ``message``
    belongs in the service log.
    """

    summary_text = 'the xCAT request failed'

    def __init__(self, message=''):
        self.message = redact.redact(str(message))
        super().__init__(self.message)

    @property
    def summary(self):
        return self.summary_text

    def __str__(self):
        return self.message

    def __repr__(self):
        return '%s(%r)' % (type(self).__name__, self.message)


class XCATConfigError(XCATError):
    """An option has a value the client cannot use; names the option."""

    summary_text = 'the xCAT client is misconfigured'

    def __init__(self, option, reason):
        self.option = option
        self.reason = redact.redact(str(reason))
        super().__init__('Invalid value for option %s: %s' % (option, reason))


class XCATInvalidArgument(XCATError, ValueError):
    """An argument was rejected before anything was sent to xCAT."""

    @property
    def summary(self):
        # Our own text about the caller's value: nothing from xCAT in it.
        return self.message

    def __init__(self, name, reason):
        self.name = name
        self.reason = redact.redact(str(reason))
        super().__init__('Invalid argument %s: %s' % (name, reason))


class XCATConnectionError(XCATError):
    """xCAT gave no HTTP answer.

    ``may_have_reached`` is False only when the request provably never left
    this host (the TCP connection or the TLS handshake failed). When it is
    True the command may have run on xCAT: the caller must check state
    before doing it again.
    """

    summary_text = 'xCAT could not be reached'

    def __init__(self, message, may_have_reached=True):
        self.may_have_reached = bool(may_have_reached)
        super().__init__(message)


class XCATTimeout(XCATConnectionError):
    """The read timeout passed after the request was sent."""

    summary_text = 'xCAT did not answer in time'

    def __init__(self, message, may_have_reached=True):
        super().__init__(message, may_have_reached=may_have_reached)


class XCATTLSError(XCATConnectionError):
    """The server certificate or its host name could not be verified."""

    summary_text = 'the xCAT server certificate could not be verified'

    def __init__(self, message, may_have_reached=False):
        super().__init__(message, may_have_reached=may_have_reached)


class XCATResponseError(XCATError):
    """The body of an HTTP answer is not JSON or not the v1 shape."""

    summary_text = 'xCAT sent a reply that could not be read'


class XCATHTTPError(XCATError):
    """xCAT answered with an HTTP error status.

    ``text`` is the human readable message (taken from the HTML ``<p>``
    body the v1 CGI sends), already truncated and redacted.
    """

    status = None

    def __init__(self, text, status=None, request=None):
        if status is not None:
            self.status = status
        self.text = redact.redact(str(text))
        self.request = request
        where = ' to %s' % request if request else ''
        super().__init__('xCAT returned HTTP %s%s: %s'
                         % (self.status, where, self.text))

    @property
    def summary(self):
        return 'xCAT answered HTTP %s' % self.status


class XCATBadRequest(XCATHTTPError):
    status = 400


class XCATAuthError(XCATHTTPError):
    status = 401


class XCATForbidden(XCATHTTPError):
    status = 403


class XCATNodeNotFound(XCATForbidden):
    """xcatd refused the noderange: "Invalid nodes and/or groups"."""


class XCATNotFound(XCATHTTPError):
    status = 404


class XCATMethodNotAllowed(XCATHTTPError):
    status = 405


class XCATRequestTimeout(XCATHTTPError):
    """The CGI timed out talking to xcatd (SSL timeout)."""

    status = 408


class XCATUnavailable(XCATHTTPError):
    """The CGI could not reach xcatd, or xcatd ended the reply early."""

    status = 503


class XCATCommandError(XCATError):
    """HTTP 200 whose reply carries error elements: the command failed.

    ``errors`` lists the error strings, ``errorcode`` is the first error
    code xCAT gave (a string, None if it gave none) and ``result`` is the
    whole parsed :class:`zvm_xcat.parsers.XCATResult`, so callers can look
    at the info lines printed before the failure.
    """

    def __init__(self, errors, errorcode=None, result=None, command=None):
        self.errors = [redact.redact(str(e)) for e in errors]
        self.errorcode = errorcode
        self.result = result
        self.command = command
        text = '; '.join(e.strip() for e in self.errors) or 'unknown error'
        prefix = 'xCAT command failed'
        if command:
            prefix += ' (%s)' % command
        if errorcode is not None:
            prefix += ' [errorcode %s]' % errorcode
        super().__init__('%s: %s' % (prefix, redact.truncate(text)))

    @property
    def summary(self):
        if self.errorcode is not None:
            return 'the xCAT command failed (errorcode %s)' % self.errorcode
        return 'the xCAT command failed'


class XCATParseError(XCATError, ValueError):
    """xCAT output does not have the documented format.

    ``row`` is the offending line (truncated), ``reason`` what is wrong.
    A malformed row is never guessed at: a pool row that cannot be parsed
    is an error, never a free LUN.
    """

    summary_text = 'xCAT output could not be read'

    def __init__(self, reason, row=None):
        self.reason = reason
        self.row = (None if row is None
                    else redact.redact(redact.truncate(str(row), 200)))
        if row is None:
            msg = 'Cannot parse xCAT output: %s' % reason
        else:
            msg = 'Cannot parse xCAT output row %r: %s' % (self.row, reason)
        super().__init__(msg)


class XCATPoolNotFound(XCATCommandError):
    """The zFCP pool has no file on the zHCP.

    zvm.pm inventoryHypervisor answers ``rinv --zfcppool <missing> all``
    with an empty ``info`` element (``info: [null]``), not an error, and
    with a status filter with the failed ``cat`` of the pool file.
    """

    def __init__(self, hv, pool, errors=(), result=None):
        self.hv = hv
        self.pool = pool
        super().__init__(list(errors) or [
            'zFCP pool %s does not exist on %s (no /var/opt/zhcp/zfcp/%s.conf '
            'on its zHCP)' % (pool, hv, pool)], result=result)
