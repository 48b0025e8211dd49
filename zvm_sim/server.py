"""HTTP(S) server: /xcatws (the v1 API, webapi.py) and /_sim (test controls, admin.py).

A ThreadingHTTPServer: requests run concurrently, as under Apache; the model
serialises what must be serialised (see core.py and xcatd.py).  HTTP/1.1 with
Content-Length so clients can keep connections alive.
"""

from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
import json
import socket
import ssl
import sys
import threading
import time
import traceback
from urllib.parse import urlsplit

from zvm_sim import admin
from zvm_sim import controls
from zvm_sim.xcat import reply
from zvm_sim.xcat import webapi
from zvm_sim.xcat import xcatd

_TYPES = {'json': 'application/json', 'xml': 'text/xml', 'html': 'text/html'}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'Apache'
    # Headers and body are separate writes: without TCP_NODELAY, Nagle plus the
    # client's delayed ACK add ~40 ms to every keep-alive request.
    disable_nagle_algorithm = True
    sys_version = ''

    def log_message(self, fmt, *args):  # quiet: the call log is the record
        pass

    def _body(self):
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length).decode('utf-8', 'replace') if length else ''

    def _send(self, resp):
        if resp.drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        data = resp.body.encode('utf-8')
        self.send_response(resp.status)
        self.send_header('Content-Type', resp.content_type)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self):
        url = urlsplit(self.path)
        body = self._body()
        app = self.server.app
        try:
            if url.path == '/_sim' or url.path.startswith('/_sim/'):
                resp = admin.handle(app, self.command, url, body, self.headers)
            elif url.path == '/xcatws' or url.path.startswith('/xcatws/'):
                resp = app.xcatws(self.command, url, body)
            else:
                resp = webapi.Response(404, 'Not Found', 'text/html')
        except Exception:
            # A simulator bug: answer like Apache does for a dying CGI (500) and keep
            # the traceback on stderr.  The URL (it holds the password) is not printed.
            traceback.print_exc()
            resp = webapi.Response(500, '<p>Internal Server Error</p>', 'text/html')
        self._send(resp)

    do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _handle


class App:
    """The simulator behind the HTTP server: model, controls, request pipeline."""

    def __init__(self, sim, admin_token=None):
        self.sim = sim
        self.controls = controls.Controls()
        self.admin_token = admin_token

    def xcatws(self, method, url, body):
        started = time.time()
        query = webapi.parse_query(url.query)
        parts = [p for p in url.path.split('/')[2:]]
        while parts and parts[-1] == '':
            parts.pop()
        resource = parts[0] if parts else ''
        node = parts[1] if len(parts) > 1 and resource not in ('tables', 'version') else None
        call = {'method': method, 'path': url.path[len('/xcatws'):], 'resource': resource,
                'node': node, 'sub': parts[2] if len(parts) > 2 else None, 'option': None,
                'args': [], 'status': None, 'time': started}
        fmt = (query.get('format') or ['html'])[0]
        ctype = _TYPES.get(fmt, 'text/html')
        resp = self._pipeline(method, parts, query, body, call, fmt, ctype)
        call['status'] = resp.status if not resp.drop else None
        call['duration'] = time.time() - started
        self.controls.log(call)
        return resp

    def _pipeline(self, method, parts, query, body, call, fmt, ctype):
        if 'format' in query and fmt not in _TYPES:
            return webapi.Response(400, "The format '%s' is not valid" % fmt, 'text/html')
        if not parts:
            text = ''.join('<p>%s</p>' % r for r in sorted(webapi.RESOURCES))
            return webapi.Response(200, '<p>This is the root page for the xCAT Rest Web '
                                        'Service.  Available resources are:</p>' + text, ctype)
        if parts[0] not in webapi.RESOURCES:
            return webapi.Response(404, "Resource '%s' does not exist" % parts[0], ctype)
        try:
            command, node, args, extra = webapi.plan(method, parts, query, body)
        except webapi.BadRequest as e:
            return webapi.Response(e.status, e.text, ctype)
        call['command'] = command
        call['option'] = webapi.option_of(command, args, extra)
        call['args'] = args if command != 'xdsh' else [extra['elements'].get('command', '')]
        fault = self.controls.take_fault(call)
        if fault is not None and fault.action == 'delay':
            time.sleep(fault.delay)
            fault = None
        if fault is not None and fault.action in controls.GUEST_ACTIONS:
            if command == 'xdsh':
                extra = dict(extra, fault=(fault.action, fault.text or ''))
            fault = None
        if fault is not None and not fault.execute:
            return self._fault_response(fault, ctype)
        self.controls.wait_latency(call['option'])
        try:
            webapi.authenticate(self.sim, query)
            messages = webapi.run_command(self.sim, command, node, args, extra)
        except xcatd.Refused as e:
            return webapi.Response(e.status, reply.refusal(e.text), ctype)
        if fault is not None:
            return self._fault_response(fault, ctype)
        source = self.sim.topology['xcat_node']
        for m in messages:
            m.setdefault('xcatdsource', [source])
        if fmt == 'json':
            text = reply.to_json(messages)
        else:
            text = reply.to_html(messages)
        return webapi.Response(201 if method == 'POST' else 200, text, ctype)

    @staticmethod
    def _fault_response(fault, ctype):
        if fault.action == 'drop':
            return webapi.Response(0, '', drop=True)
        if fault.action == 'malformed':
            return webapi.Response(200, '{"data": [{"info": ["trunc', ctype)
        if fault.action == 'status':
            return webapi.Response(int(fault.status or 503),
                                   reply.refusal(fault.text or 'Service Unavailable'), ctype)
        return webapi.Response(200, reply.to_json([reply.error(
            fault.text or 'Error: injected fault')]), ctype)


class _Server(ThreadingHTTPServer):
    """ThreadingHTTPServer doing TLS handshakes in the request thread.

    A slow or plain-HTTP client cannot stall the accept loop.
    """

    daemon_threads = True
    ssl_context = None

    def get_request(self):
        sock, addr = self.socket.accept()
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(sock, server_side=True,
                                                do_handshake_on_connect=False)
        return sock, addr

    def finish_request(self, request, client_address):
        if self.ssl_context is not None:
            request.settimeout(30)
            try:
                request.do_handshake()
            except (OSError, ssl.SSLError):
                return
            request.settimeout(None)
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        # A client that gave up (a read timeout, a test's deliberate hang-up)
        # is not a server error: Apache does not print one either.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class SimulatorServer:
    """Owns the listening socket and its serving thread."""

    def __init__(self, sim, host='127.0.0.1', port=0, certfile=None, keyfile=None,
                 admin_token=None):
        self.app = App(sim, admin_token)
        self.httpd = _Server((host, port), _Handler)
        self.httpd.app = self.app
        self.tls = bool(certfile)
        if certfile:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            ctx.load_cert_chain(certfile, keyfile)
            self.httpd.ssl_context = ctx
        self.host = host
        self.port = self.httpd.server_address[1]
        self._thread = None

    @property
    def url(self):
        return '%s://%s:%d' % ('https' if self.tls else 'http', self.host, self.port)

    def start(self):
        self.app.sim.start_reactors()
        self._thread = threading.Thread(target=self.httpd.serve_forever,
                                        kwargs={'poll_interval': 0.1},
                                        name='zvm-sim', daemon=True)
        self._thread.start()
        return self

    def serve_forever(self):
        self.app.sim.start_reactors()
        try:
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            self.app.sim.stop_reactors()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread:
            self._thread.join(5)
        self.app.sim.stop_reactors()


def dumps(obj):
    return json.dumps(obj, sort_keys=True)
