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
"""Client of the xCAT REST API v1 (``/xcatws``, zvmxcatws.cgi).

Wire format (xcat-core xCAT-server/xCAT-wsapi/zvmxcatws.cgi): credentials
and ``format=json`` are query parameters (``userName``, ``password``);
PUT bodies are a JSON array of strings sent as ``text/plain`` (CGI.pm only
stores a body in ``PUTDATA`` when it is not form-encoded); ``vms``,
``hypervisor`` and ``tables`` split each string on single spaces, so the
helpers validate each argument (non-empty, no whitespace) and join them
with one space. ``requestid``/``objectid`` query parameters on ``vms``
calls become ``--requestid``/``--objectid`` and land in xCAT's log.

Retry policy
------------

urllib3's ``Retry`` does the retrying; there is no hand-written loop.

- Idempotent requests (every GET, and the read-only ``rpower
  isreachable`` PUT) go through the *read* session: retried on connection
  errors (refused, reset, dropped) and HTTP 503 (the CGI's answer when it
  cannot reach xcatd), with exponential back-off (urllib3: no pause
  before the first retry, then ``backoff_factor * 2**(n-1)`` seconds, at
  most 30 s; with the default factor 1: 0, 2, 4 s). Not after a read
  timeout: the request already waited the full read timeout.
- Writes (PUT/POST/DELETE) go through the *write* session: retried only
  when the connection could not be established (refused / connect
  timeout), because then the request provably never reached xCAT. Once
  the request may have been sent, nothing is retried: a read timeout,
  reset or dropped connection raises XCATConnectionError (XCATTimeout for
  timeouts) with ``may_have_reached=True``, and a 503 raises
  XCATUnavailable. A chvm is never replayed blindly; the caller checks
  state (pool, directory) and decides.
- Every write uses a fresh TCP connection (its own short-lived session,
  ``Connection: close``): a kept-alive connection that the server closes
  at the moment it is reused would fail *after* the request was written,
  turning a harmless race into "may have reached xCAT".
- TLS failures are never retried.

Secrets: the password is in every URL. It is registered with
:mod:`zvm_xcat.redact`, urllib3's loggers get a redacting filter, and
requests/urllib3 exceptions are never re-raised: the client raises its own
exceptions from redacted text with ``from None``.
"""

import http.client
import json
import os
import time

from oslo_log import log as logging
import requests

from zvm_xcat import address
from zvm_xcat import conf as xconf
from zvm_xcat import dsh
from zvm_xcat import exception as exc
from zvm_xcat import parsers
from zvm_xcat import redact
from zvm_xcat import transport
from zvm_xcat import validate

LOG = logging.getLogger(__name__)

# lsvm through v1 GET only passes these (zvmxcatws.cgi vmsHandler):
# CLI option -> (query parameter, takes a value)
_LSVM_OPTIONS = {
    '-a': ('all', False),
    '--all': ('all', False),
    '--getnetworknames': ('networknames', False),
    '--diskpoolnames': ('diskpoolnames', False),
    '--diskpool': ('diskpool', True),
    '--checknics': ('checknics', True),
}


class XCATClient(object):
    """One xCAT management node, reached over HTTPS (REST v1).

    Thread-safe for concurrent requests (requests sessions with a
    connection pool). Every helper validates its arguments before sending.
    """

    def __init__(self, server, username, password, ca_file=None,
                 connect_timeout=xconf.DEFAULT_CONNECT_TIMEOUT,
                 read_timeout=xconf.DEFAULT_READ_TIMEOUT,
                 retries=xconf.DEFAULT_RETRIES, backoff_factor=1.0):
        if password:
            redact.register_secret(password)
        redact.install_log_filter()
        self._address = address.parse_server(server)
        if not username or not isinstance(username, str):
            raise exc.XCATConfigError('zvm_xcat_username', 'must be set')
        if not password:
            raise exc.XCATConfigError('zvm_xcat_password', 'must be set')
        self._username = username
        self._password = redact.Secret(str(password))
        if ca_file:
            if not (os.path.isfile(ca_file) and os.access(ca_file, os.R_OK)):
                raise exc.XCATConfigError(
                    'zvm_xcat_ca_file', '%s is not a readable file' % ca_file)
            self._verify = ca_file
        else:
            self._verify = True
        self._timeout = (self._positive(connect_timeout,
                                        'zvm_xcat_connect_timeout'),
                         self._positive(read_timeout, 'zvm_xcat_read_timeout'))
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise exc.XCATConfigError('zvm_xcat_retries',
                                      '%r is not a count >= 0' % (retries,))
        self._retries = retries
        self._read_session = transport.new_session(
            transport.retry_policy(retries, backoff_factor, True))
        self._write_retry = transport.retry_policy(retries, backoff_factor,
                                                   False)
        if self._address.insecure:
            LOG.warning('xCAT server %s is reached over plain HTTP: the xCAT '
                        'password travels unencrypted in every request. Use '
                        'HTTPS in production.', self.server_url)

    @staticmethod
    def _positive(value, option):
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise exc.XCATConfigError(option, '%r is not a number'
                                      % (value,)) from None
        if not value > 0:
            raise exc.XCATConfigError(option, 'must be > 0')
        return value

    @classmethod
    def from_config(cls, conf):
        """Build from any object with the ``zvm_xcat_*`` attributes.

        That is a cinder backend ``Configuration`` (after
        ``append_config_values(xcat_opts)``) or a nova CONF group.
        """
        def get(name, default=None):
            value = getattr(conf, name, default)
            return default if value is None else value

        return cls(get('zvm_xcat_server'), get('zvm_xcat_username'),
                   get('zvm_xcat_password'), ca_file=get('zvm_xcat_ca_file'),
                   connect_timeout=get('zvm_xcat_connect_timeout',
                                       xconf.DEFAULT_CONNECT_TIMEOUT),
                   read_timeout=get('zvm_xcat_read_timeout',
                                    xconf.DEFAULT_READ_TIMEOUT),
                   retries=get('zvm_xcat_retries', xconf.DEFAULT_RETRIES))

    @property
    def server_url(self):
        """The base URL, e.g. ``https://xcat:443/xcatws``; no credentials."""
        return self._address.url

    def __repr__(self):
        return '%s(server_url=%r, username=%r)' % (
            type(self).__name__, self.server_url, self._username)

    def close(self):
        self._read_session.close()

    # --- transport --------------------------------------------------------

    def request(self, method, path, params=(), body=None, idempotent=None):
        """Send one request and return the parsed :class:`XCATResult`.

        ``path`` is relative to the base path (``vms/node1``); ``params``
        a sequence of (name, value) pairs added after the credentials;
        ``body`` a list of strings (sent as a JSON array). ``idempotent``
        defaults to ``method == 'GET'`` and selects the retry policy.
        """
        if idempotent is None:
            idempotent = method == 'GET'
        url = '%s/%s' % (self.server_url, path)
        query = [('userName', self._username),
                 ('password', self._password.reveal()),
                 ('format', 'json')] + list(params)
        headers = {'Accept': 'application/json'}
        data = None
        if body is not None:
            data = json.dumps(list(body)).encode('utf-8')
            headers['Content-Type'] = 'text/plain'
        if not idempotent:
            headers['Connection'] = 'close'
        # A write gets a session of its own, hence a new connection that
        # is closed afterwards: see "fresh TCP connection" above. Reads
        # share the pooled session.
        session = (self._read_session if idempotent
                   else transport.new_session(self._write_retry))
        what = '%s %s/%s' % (method, self._address.path, path)
        LOG.debug('xCAT request %s', what)
        started = time.monotonic()
        try:
            try:
                response = session.request(
                    method, url, params=query, data=data, headers=headers,
                    timeout=self._timeout, verify=self._verify,
                    allow_redirects=False)
            except requests.exceptions.RequestException as error:
                raise self._connection_error(error, what) from None
            except (ValueError, OSError, http.client.HTTPException) as error:
                # Not wrapped by requests (e.g. urllib3 LocationParseError,
                # http.client errors): their text may carry the URL, so
                # they never propagate as they are either.
                raise exc.XCATConnectionError(
                    'xCAT request %s to %s failed: %s: %s'
                    % (what, self.server_url, type(error).__name__,
                       redact.truncate(redact.redact(error), 300)),
                    may_have_reached=not idempotent) from None
            try:
                body_bytes = response.content
            except requests.exceptions.RequestException as error:
                raise self._connection_error(error, what) from None
            finally:
                response.close()
        finally:
            if not idempotent:
                session.close()
        LOG.debug('xCAT %s answered %s in %.2fs', what, response.status_code,
                  time.monotonic() - started)
        try:
            result = transport.parse_answer(response.status_code, body_bytes,
                                            what)
        except exc.XCATCommandError as error:
            self._log_warnings(error.result, what)
            raise
        self._log_warnings(result, what)
        return result

    @staticmethod
    def _log_warnings(result, what):
        for warning in result.warnings:
            LOG.warning('xCAT %s warning (ignored): %s', what,
                        redact.redact(redact.truncate(warning.strip(), 300)))

    def _connection_error(self, error, what):
        return transport.connection_error(error, self.server_url, what,
                                          self._timeout[1],
                                          self._verify is not True)

    # --- helpers ----------------------------------------------------------

    def _put_args(self, resource, node, args, params=(), name='args'):
        node = validate.node_name(node)
        args = validate.wire_args(args, name)
        if not args:
            raise exc.XCATInvalidArgument(name, 'at least one is needed')
        return self.request('PUT', '%s/%s' % (resource, node), params=params,
                            body=[' '.join(args)])

    @staticmethod
    def _ids(request_id, object_id):
        params = []
        if object_id is not None:
            params.append(('objectid', validate.request_id(object_id,
                                                           'object_id')))
        if request_id is not None:
            params.append(('requestid', validate.request_id(request_id)))
        return params

    def chvm(self, node, *args, request_id=None, object_id=None):
        """``chvm <node> <args...>`` (PUT vms/<node>)."""
        return self._put_args('vms', node, args,
                              params=self._ids(request_id, object_id))

    def chhypervisor(self, node, *args, request_id=None):
        """``chhypervisor <node> <args...>`` (PUT hypervisor/<node>).

        The v1 CGI does not forward ``requestid`` for this resource; it is
        still sent so that web server logs carry it.
        """
        return self._put_args('hypervisor', node, args,
                              params=self._ids(request_id, None))

    def rinv(self, node, *fields):
        """``rinv <node> <fields...>`` (GET nodes/<node>/inventory)."""
        node = validate.node_name(node)
        fields = validate.wire_args(fields, 'fields')
        return self.request('GET', 'nodes/%s/inventory' % node,
                            params=[('field', f) for f in fields])

    def lsvm(self, node, *args):
        """``lsvm <node> [option [value]]`` (GET vms/<node>).

        The v1 CGI only passes ``-a``, ``--getnetworknames``,
        ``--diskpoolnames``, ``--diskpool <pool>`` and ``--checknics <x>``;
        anything else is refused here rather than silently dropped.
        """
        node = validate.node_name(node)
        args = list(validate.wire_args(args))
        params = []
        while args:
            option = args.pop(0)
            if option not in _LSVM_OPTIONS:
                raise exc.XCATInvalidArgument(
                    'args', 'lsvm option %r cannot be passed through xCAT '
                    'REST v1' % option)
            param, takes_value = _LSVM_OPTIONS[option]
            if takes_value:
                if not args:
                    raise exc.XCATInvalidArgument('args', '%s needs a value'
                                                  % option)
                params.append((param, args.pop(0)))
            else:
                params.append((param, '1'))
        return self.request('GET', 'vms/%s' % node, params=params)

    def xdsh(self, node, command, options=None, timeout=None):
        """Run ``command`` in the guest ``node`` (PUT nodes/<node>/dsh).

        The command is one ``command=...`` element (not space-split by the
        CGI), so it may contain spaces; callers render it from validated
        values. ``options`` goes to xdsh -o (ssh options), ``timeout`` to
        xdsh -t (seconds).

        Returns a :class:`zvm_xcat.dsh.DshResult` and raises only when the
        request itself failed (HTTP, connection): error elements of an xdsh
        reply are the command's stderr, not a failure (see zvm_xcat.dsh).
        """
        node = validate.node_name(node)
        if not isinstance(command, str) or not command.strip():
            raise exc.XCATInvalidArgument('command', 'must not be empty')
        if '\0' in command:
            raise exc.XCATInvalidArgument('command', 'must not contain NUL')
        body = ['command=%s' % command]
        if options is not None:
            if not isinstance(options, str) or not options.strip() or \
                    '\n' in options or '\0' in options:
                raise exc.XCATInvalidArgument('options', 'must be one line')
            body.append('options=%s' % options)
        if timeout is not None:
            if isinstance(timeout, bool) or not isinstance(timeout, int) or \
                    timeout <= 0:
                raise exc.XCATInvalidArgument('timeout', '%r is not a number '
                                              'of seconds' % (timeout,))
            body.append('timeout=%d' % timeout)
        try:
            result = self.request('PUT', 'nodes/%s/dsh' % node, body=body)
        except exc.XCATCommandError as error:
            if error.result is None:
                raise
            result = error.result
        return dsh.parse(result, node)

    def power(self, node, action):
        """``rpower <node> <action>`` (PUT nodes/<node>/power)."""
        node = validate.node_name(node)
        action = validate.wire_arg(action, 'action')
        return self.request('PUT', 'nodes/%s/power' % node, body=[action],
                            idempotent=action in ('stat', 'isreachable'))

    def is_reachable(self, node):
        """True when xCAT can reach the guest (``rpower isreachable``)."""
        result = self.power(node, 'isreachable')
        return any(line.strip() == 'reachable'
                   for line in result.node_lines(node))

    def power_state(self, node):
        """``'on'`` or ``'off'`` (GET nodes/<node>/power = rpower stat)."""
        node = validate.node_name(node)
        result = self.request('GET', 'nodes/%s/power' % node)
        states = [line.strip().lower() for line in result.node_lines(node)]
        for state in states:
            if state in ('on', 'off'):
                return state
        raise exc.XCATParseError('no power state for %s' % node,
                                 row='; '.join(result.lines()) or None)

    def version(self):
        """The ``lsxcatd -v`` line, e.g. ``Version 2.8.3.16 (git ...)``."""
        result = self.request('GET', 'version')
        lines = result.lines()
        for line in lines:
            if 'Version' in line:
                return parsers.strip_prefix(line).strip()
        raise exc.XCATResponseError('xCAT version reply has no version: %s'
                                    % redact.truncate('; '.join(lines), 300))

    def gettab(self, table, key, value, *attributes):
        """``gettab <key>=<value> <table>.<attr>...`` -> {attr: value}.

        gettab prints the bare value for one attribute and
        ``<table>.<attr>: <value>`` lines for several; attributes of no
        matching row are absent from the dict.
        """
        table = validate.wire_arg(table, 'table')
        key = validate.wire_arg(key, 'key')
        value = validate.wire_arg(value, 'value')
        attributes = validate.wire_args(attributes, 'attributes')
        if not attributes:
            raise exc.XCATInvalidArgument('attributes', 'at least one needed')
        params = [('col', key), ('value', value)]
        params += [('attribute', a) for a in attributes]
        lines = self.request('GET', 'tables/%s' % table, params=params).lines()
        if len(attributes) == 1:
            return {attributes[0]: lines[0]} if lines else {}
        found = {}
        for line in lines:
            name, sep, val = line.partition(': ')
            if sep and name.startswith(table + '.'):
                found[name[len(table) + 1:]] = val
        return found

    def tabdump(self, table):
        """``tabdump <table>`` -> the CSV lines, header first."""
        table = validate.wire_arg(table, 'table')
        return self.request('GET', 'tables/%s' % table).lines()

    def tabch(self, table, key, value, **attributes):
        """``tabch <key>=<value> <table>.<attr>=<val>...`` (PUT tables/<t>).

        A value may be empty (clears the attribute) but never contains
        whitespace, since the CGI splits the body on spaces.
        """
        table = validate.wire_arg(table, 'table')
        if not attributes:
            raise exc.XCATInvalidArgument('attributes', 'at least one needed')
        tokens = [validate.wire_arg('%s=%s' % (validate.wire_arg(key, 'key'),
                                               validate.wire_arg(value, 'value')),
                                    'key')]
        for attr, val in sorted(attributes.items()):
            attr = validate.wire_arg(attr, 'attribute')
            if not isinstance(val, str):
                raise exc.XCATInvalidArgument(attr, 'value must be a string')
            tokens.append(validate.wire_arg('%s.%s=%s' % (table, attr, val),
                                            attr))
        return self.request('PUT', 'tables/%s' % table, body=[' '.join(tokens)])
