"""HTTP shapes of the simulator: status codes, bodies, auth (xCAT-wsapi/zvmxcatws.cgi)."""

from tests.common.functional import simbase


class TestHttpShapes(simbase.SimTestCase):

    def test_version(self):
        """zvmxcatws.cgi versionHandler -> lsxcatd -v: one data string."""
        data = self.get('version')
        self.assertRegex(data[0]['data'][0],
                         r'^Version 2\.8\.3\.\d+ \(git commit [0-9a-f]+, built .+\)$')

    def test_bad_password_is_401_with_html_p(self):
        """zvmxcatws.cgi wrapData: xcatd auth failure -> 401, body <p>..</p>."""
        resp = self.request('GET', 'version', password='wrong')
        self.assertEqual(401, resp.status_code)
        self.assertEqual('<p>Authentication failure</p>', resp.text)

    def test_unknown_node_is_403(self):
        """zvmxcatws.cgi wrapData: noderange refused by xcatd -> 403 with <p> body."""
        resp = self.request('GET', 'nodes/nosuch/power')
        self.assertEqual(403, resp.status_code)
        self.assertEqual('<p>Invalid nodes and/or groups in noderange: nosuch</p>', resp.text)

    def test_unknown_resource_is_404(self):
        """zvmxcatws.cgi: doesResourceExist false -> 404 "Resource 'x' does not exist"."""
        resp = self.request('GET', 'nosuch')
        self.assertEqual(404, resp.status_code)
        self.assertEqual("Resource 'nosuch' does not exist", resp.text)

    def test_bad_format_is_400_and_no_format_is_html(self):
        """zvmxcatws.cgi: unknown format -> 400; default format is html."""
        resp = self.request('GET', 'version', fmt='yaml')
        self.assertEqual(400, resp.status_code)
        self.assertEqual("The format 'yaml' is not valid", resp.text)
        resp = self.request('GET', 'version', fmt=None)
        self.assertEqual(200, resp.status_code)
        self.assertIn('text/html', resp.headers['Content-Type'])
        self.assertIn('<table', resp.text)

    def test_vms_put_without_body_is_400(self):
        """zvmxcatws.cgi vmsHandler: PUT without PUTDATA -> 400."""
        resp = self.request('PUT', 'vms/vm1')
        self.assertEqual(400, resp.status_code)
        self.assertEqual('No Field and Value map was supplied.', resp.text)

    def test_hypervisor_get_is_405(self):
        """Deliberate: the CGI has no GET on hypervisor (it dies); we answer 405."""
        resp = self.request('GET', 'hypervisor/zvm1')
        self.assertEqual(405, resp.status_code)

    def test_failed_command_is_200_with_error_element(self):
        """zvmUtils.pm printLn: '(Error)' lines become error with errorcode 1, HTTP 200."""
        data = self.hv('--releasezfcp gold')
        self.assertEqual([{'error': ['zvm1: (Error) Wrong number of parameters'],
                           'errorcode': ['1'], 'xcatdsource': ['xcat']}], data)

    def test_power_stat_get(self):
        """zvm.pm powerVM stat 3581-3588: 'node: on\\n' / 'node: off\\n'.

        The newline is the sed pipeline's (tests/oracle/test_power_diff.py).
        """
        self.assertEqual(['vm1: on\n'], self.infos(self.get('nodes/vm1/power')))
        self.assertEqual(['vm3: off\n'], self.infos(self.get('nodes/vm3/power')))

    def test_isreachable(self):
        """zvm.pm powerVM isreachable: 'node: reachable' or 'node: unreachable'."""
        self.assertEqual(['vm1: reachable'],
                         self.infos(self.put('nodes/vm1/power', 'isreachable')))
        self.assertEqual(['vm3: unreachable'],
                         self.infos(self.put('nodes/vm3/power', 'isreachable')))
        self.assertEqual(['vm24: unreachable'],
                         self.infos(self.put('nodes/vm24/power', 'isreachable')))

    def test_call_log_records_calls(self):
        self.sim.admin.clear_calls()
        self.hv('--releasezfcp gold')
        calls = self.sim.admin.calls()
        self.assertEqual(1, len(calls))
        self.assertEqual(('PUT', 'hypervisor', 'zvm1', '--releasezfcp', 200),
                         (calls[0]['method'], calls[0]['resource'], calls[0]['node'],
                          calls[0]['option'], calls[0]['status']))
