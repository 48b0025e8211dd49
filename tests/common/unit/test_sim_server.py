"""The simulator's HTTP server: what it prints when a request goes wrong."""

import contextlib
import io

import testtools

from zvm_sim import server


class TestHandleError(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.httpd = server._Server(('127.0.0.1', 0), server._Handler)
        self.addCleanup(self.httpd.server_close)

    def _stderr_of_error(self, exc):
        out = io.StringIO()
        with contextlib.redirect_stderr(out):
            try:
                raise exc
            except Exception:
                self.httpd.handle_error(None, ('127.0.0.1', 40000))
        return out.getvalue()

    def test_client_hang_up_is_silent(self):
        self.assertEqual('', self._stderr_of_error(BrokenPipeError(32, 'Broken pipe')))
        self.assertEqual('', self._stderr_of_error(ConnectionResetError(104, 'reset')))

    def test_other_errors_still_reported(self):
        self.assertIn('RuntimeError: simulator bug',
                      self._stderr_of_error(RuntimeError('simulator bug')))
