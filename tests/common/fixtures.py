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
"""Test fixtures shared by the test suites (no cinder, no nova).

- :func:`make_tls_files`: a throw-away CA and a server certificate for
  given names, generated with ``cryptography`` (no openssl binary).
- :class:`LocalHTTPServer`: a real HTTP(S) server on 127.0.0.1 in a
  thread, driven by a script of canned answers, recording every request it
  saw. It can also misbehave the way networks do: drop the connection
  after reading the request, reset it, or answer late.
- :class:`CaptureAllLogging`: every log record of every logger at DEBUG,
  for "the password never appears" assertions.
"""

import datetime
import http.server
import ipaddress
import json
import logging
import os
import socket
import ssl
import struct
import threading
import time
import urllib.parse

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography import x509
from cryptography.x509.oid import NameOID
import fixtures


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write(path, data):
    with open(path, 'wb') as f:
        f.write(data)
    return path


def _key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def make_tls_files(directory, names=('localhost', '127.0.0.1'),
                   prefix='server'):
    """Create ``ca.pem``, ``<prefix>.pem`` and ``<prefix>-key.pem``.

    ``names`` become the server certificate's subjectAltNames (IP
    addresses as iPAddress entries). Returns (ca_file, cert_file, key_file).
    """
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (x509.CertificateBuilder()
               .subject_name(_name('cinder-zvm test CA'))
               .issuer_name(_name('cinder-zvm test CA'))
               .public_key(ca_key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(days=1))
               .not_valid_after(now + datetime.timedelta(days=2))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None),
                              critical=True)
               .add_extension(x509.KeyUsage(
                   digital_signature=True, content_commitment=False,
                   key_encipherment=False, data_encipherment=False,
                   key_agreement=False, key_cert_sign=True, crl_sign=True,
                   encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(
                   ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    alt = []
    for name in names:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt.append(x509.DNSName(name))
    cert = (x509.CertificateBuilder()
            .subject_name(_name(names[0]))
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None),
                           critical=True)
            .add_extension(x509.ExtendedKeyUsage(
                [x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    return (_write(os.path.join(directory, 'ca.pem'), ca_cert.public_bytes(pem)),
            _write(os.path.join(directory, prefix + '.pem'), cert.public_bytes(pem)),
            _write(os.path.join(directory, prefix + '-key.pem'), _key_pem(key)))


class Reply(object):
    """One canned answer of :class:`LocalHTTPServer`.

    ``action``: 'respond' (status, body, content_type), 'drop' (read the
    request, then close the connection without a byte), 'reset' (read the
    request, then RST), 'delay' (sleep ``delay`` seconds, then respond).
    """

    def __init__(self, status=200, body=None, content_type='application/json',
                 action='respond', delay=0.0):
        self.status = status
        if body is None:
            body = {'data': []}
        if not isinstance(body, (str, bytes)):
            body = json.dumps(body)
        self.body = body.encode('utf-8') if isinstance(body, str) else body
        self.content_type = content_type
        self.action = action
        self.delay = delay


def xcat_reply(*elements):
    """A v1 JSON reply body with the given ``data`` elements."""
    return Reply(body={'data': list(elements)})


def html_error(status, message):
    """An xCAT v1 error answer: HTML <p> body, JSON content type (wrapData)."""
    return Reply(status=status, body='<p>%s</p>' % message)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    def _serve(self):
        server = self.server.owner
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        parts = urllib.parse.urlsplit(self.path)
        record = {'method': self.command, 'path': parts.path,
                  'query': urllib.parse.parse_qs(parts.query,
                                                 keep_blank_values=True),
                  'query_list': urllib.parse.parse_qsl(
                      parts.query, keep_blank_values=True),
                  'body': body.decode('utf-8', 'replace'),
                  'headers': dict(self.headers.items()),
                  'client': self.client_address}
        reply = server.next_reply(record)
        if reply.action in ('drop', 'reset'):
            if reply.action == 'reset':
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack('ii', 1, 0))
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.connection.close()
            return
        if reply.action == 'delay':
            time.sleep(reply.delay)
        try:
            self.send_response(reply.status)
            self.send_header('Content-Type', reply.content_type)
            self.send_header('Content-Length', str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except OSError:
            pass  # the client gave up (read timeout)

    do_GET = do_PUT = do_POST = do_DELETE = _serve


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, owner, address, ssl_context=None):
        if ':' in address[0]:
            self.address_family = socket.AF_INET6
        self.owner = owner
        self.ssl_context = ssl_context
        super().__init__(address, _Handler)

    def get_request(self):
        sock, addr = super().get_request()
        with self.owner._lock:
            self.owner.connections += 1
        if self.ssl_context is not None:
            sock.settimeout(5)
            sock = self.ssl_context.wrap_socket(sock, server_side=True)
        return sock, addr

    def handle_error(self, request, client_address):
        pass  # failed handshakes are what the TLS tests provoke


class LocalHTTPServer(fixtures.Fixture):
    """A real HTTP(S) server on 127.0.0.1 answering from a script.

    ``replies`` is a list of :class:`Reply` consumed in order; when it is
    empty, ``default`` answers (or a function ``default(record) -> Reply``).
    ``requests`` lists every request seen (method, path, query, body,
    headers). With ``cert``/``key`` it speaks TLS.
    """

    def __init__(self, replies=(), default=None, cert=None, key=None,
                 host='127.0.0.1', port=0):
        super().__init__()
        self.replies = list(replies)
        self.default = default or Reply()
        self.cert, self.key = cert, key
        self.host, self.port = host, port
        self.requests = []
        self.connections = 0  # accepted TCP connections (before TLS)
        self._lock = threading.Lock()

    def _setUp(self):
        context = None
        if self.cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.cert, self.key)
        self.server = _Server(self, (self.host, self.port), context)
        self.port = self.server.server_address[1]
        thread = threading.Thread(target=self.server.serve_forever,
                                  kwargs={'poll_interval': 0.05}, daemon=True)
        thread.start()
        self.addCleanup(thread.join, 5)
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)

    @property
    def url(self):
        scheme = 'https' if self.cert else 'http'
        host = '[%s]' % self.host if ':' in self.host else self.host
        return '%s://%s:%d/xcatws' % (scheme, host, self.port)

    def next_reply(self, record):
        with self._lock:
            self.requests.append(record)
            if self.replies:
                return self.replies.pop(0)
        if callable(self.default):
            return self.default(record)
        return self.default


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on (right now)."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class _ListHandler(logging.Handler):
    def __init__(self, records):
        super().__init__(logging.DEBUG)
        self.records = records

    def emit(self, record):
        self.records.append(record)


class CaptureAllLogging(fixtures.Fixture):
    """Every record of every logger, at DEBUG, with its formatted text.

    Installed on the root logger; library loggers that stop propagation
    are not used by the code under test. ``texts`` gives the fully
    formatted lines (message plus traceback), as a handler would write.
    """

    def _setUp(self):
        self.records = []
        handler = _ListHandler(self.records)
        root = logging.getLogger()
        old_level = root.level
        root.setLevel(logging.DEBUG)
        root.addHandler(handler)
        self.addCleanup(root.setLevel, old_level)
        self.addCleanup(root.removeHandler, handler)
        # Loggers configured elsewhere at a higher level would hide records.
        for name in ('urllib3', 'requests', 'zvm_xcat'):
            logger = logging.getLogger(name)
            self.addCleanup(logger.setLevel, logger.level)
            logger.setLevel(logging.DEBUG)

    def texts(self):
        formatter = logging.Formatter('%(name)s %(levelname)s %(message)s')
        return [formatter.format(r) for r in self.records]
