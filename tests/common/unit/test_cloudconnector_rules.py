"""Pure rules of the simulator's Cloud Connector front.

HTTP statuses: feilong zvmsdk/sdkwsgi/util.py get_http_code_from_sdk_return
and its handle_not_found / handle_already_exists; image os_version forms:
feilong zvmsdk/sdkwsgi/validation/parameter_types.py os_version.
"""

import ddt
import testtools

from zvm_sim.cloudconnector import api
from zvm_sim.cloudconnector import rest


def _results(overall, rc=0, rs=0):
    return {'overallRC': overall, 'rc': rc, 'rs': rs}


@ddt.ddt
class TestRules(testtools.TestCase):

    @ddt.data((_results(0), None, 200), (_results(404, 404, 1), None, 404),
              (_results(409, 409, 1), None, 409), (_results(100, 100, 3), None, 400),
              (_results(300, 300, 20), 'not_found', 404),
              (_results(300, 300, 20), None, 500),
              (_results(300, 300, 13), 'exists', 409),
              (_results(8, 596, 3609), 'exists', 500),
              (_results(503, 503, 1), None, 503))
    @ddt.unpack
    def test_http_status(self, results, extra, status):
        self.assertEqual(status, rest.http_status(results, extra))

    @ddt.data(('rhel9.2', ('rhel', '9.2')), ('RHEL8', ('rhel', '8')),
              ('redhat7.9', ('rhel', '7.9')), ('sles15sp4', ('sles', '15.4')),
              ('sles12.5', ('sles', '12.5')), ('ubuntu22.04', ('ubuntu', '22.04')),
              ('suse15', ('sles', '15')), ('centos9', None), ('', None),
              ('rhel9;reboot', None))
    @ddt.unpack
    def test_os_version(self, text, expected):
        self.assertEqual(expected, api.parse_os_version(text))

    @ddt.data(('10g', 'ECKD:P', 10 << 30), ('512M', 'ECKD:P', 512 << 20),
              ('3339', 'ECKD:P', 3339 * 15 * 56664), ('100', 'FBA:P', 51200),
              ('1.5g', 'ECKD:P', None), ('x', 'ECKD:P', None))
    @ddt.unpack
    def test_disk_bytes(self, size, pool, expected):
        self.assertEqual(expected, api.disk_bytes(size, pool))

    def test_fault_shape(self):
        reply = rest.fault(401, 'no')
        self.assertEqual((401, {'overallRC': 400, 'rc': 400, 'rs': 401,
                                'modID': 120, 'output': '', 'errmsg': 'no'}),
                         (reply.status, reply.body))

    def test_tokens(self):
        closed = rest.Tokens()
        self.assertEqual('server-auth-closed',
                         closed.create({}).headers['X-Auth-Token'])
        self.assertTrue(closed.valid({}))
        tokens = rest.Tokens('admin', validity=60)
        self.assertEqual(401, tokens.create({'X-Admin-Token': 'x'}).status)
        token = tokens.create({'X-Admin-Token': 'admin'}).headers['X-Auth-Token']
        self.assertTrue(tokens.valid({'X-Auth-Token': token}))
        self.assertFalse(tokens.valid({'X-Auth-Token': token + 'x'}))
        self.assertFalse(tokens.valid({}))
        expired = rest.Tokens('admin', validity=-1)
        token = expired.create({'X-Admin-Token': 'admin'}).headers['X-Auth-Token']
        self.assertFalse(expired.valid({'X-Auth-Token': token}))
