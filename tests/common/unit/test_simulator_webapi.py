"""Pure request/reply shaping of the simulator (webapi.py, reply.py).

Follows xCAT-server/xCAT-wsapi/zvmxcatws.cgi (split(/ /), fetchParameter,
extractData, vmsHandler/hypervisorHandler/nodesHandler/tablesHandler) and
perl-xCAT/xCAT/zvmUtils.pm printLn / appendHostname.
"""

import testtools

from zvm_sim.xcat import reply
from zvm_sim.xcat import webapi


class TestSplit(testtools.TestCase):

    def test_perl_split_on_single_spaces(self):
        self.assertEqual(['a', '', 'b'], webapi.perl_space_split('a  b'))
        self.assertEqual(['', 'a'], webapi.perl_space_split(' a'))
        self.assertEqual(['a'], webapi.perl_space_split('a  '))
        self.assertEqual([], webapi.perl_space_split(''))

    def test_query_keeps_repeated_keys_and_decodes(self):
        q = webapi.parse_query('field=--zfcppool&field=gold&password=p%26w+x')
        self.assertEqual(['--zfcppool', 'gold'], q['field'])
        self.assertEqual(['p&w x'], q['password'])


class TestPlan(testtools.TestCase):

    def test_vms_put_splits_and_appends_ids(self):
        cmd, node, args, _ = webapi.plan('PUT', ['vms', 'vm1'], {'requestid': ['req-1']},
                                         '["--addzfcp gold 1f00 0 1G 0 w l"]')
        self.assertEqual(('chvm', 'vm1'), (cmd, node))
        self.assertEqual(['--addzfcp', 'gold', '1f00', '0', '1G', '0', 'w', 'l',
                          '--requestid', 'req-1'], args)

    def test_hypervisor_subcommand_path(self):
        cmd, node, args, _ = webapi.plan('PUT', ['hypervisor', 'zvm1'], {}, '["--x a", "b"]')
        self.assertEqual(('chhypervisor', 'zvm1', ['--x', 'a', 'b']), (cmd, node, args))

    def test_nodes_power_entries_are_whole_arguments(self):
        cmd, node, args, _ = webapi.plan('PUT', ['nodes', 'vm1', 'power'], {}, '["on"]')
        self.assertEqual(('rpower', ['on']), (cmd, args))

    def test_dsh_key_value(self):
        cmd, _, _, extra = webapi.plan('PUT', ['nodes', 'vm1', 'dsh'], {},
                                       '["command=echo a=b", "options=-q"]')
        self.assertEqual('xdsh', cmd)
        self.assertEqual({'command': 'echo a=b', 'options': '-q'}, extra['elements'])

    def test_inventory_fields(self):
        cmd, _, args, _ = webapi.plan('GET', ['nodes', 'zvm1', 'inventory'],
                                      {'field': ['--zfcppoolnames']}, '')
        self.assertEqual(('rinv', ['--zfcppoolnames']), (cmd, args))
        self.assertEqual(['all'], webapi.plan('GET', ['nodes', 'zvm1', 'inventory'], {},
                                              '')[2])

    def test_bad_requests(self):
        e = self.assertRaises(webapi.BadRequest, webapi.plan, 'PUT', ['vms', 'vm1'], {}, '')
        self.assertEqual((400, 'No Field and Value map was supplied.'), (e.status, e.text))
        e = self.assertRaises(webapi.BadRequest, webapi.plan, 'PATCH', ['vms', 'vm1'], {}, '')
        self.assertEqual(405, e.status)
        e = self.assertRaises(webapi.BadRequest, webapi.plan, 'GET',
                              ['nodes', 'vm1', 'bogus'], {}, '')
        self.assertEqual('Unspported operation on nodes object.', e.text)

    def test_gettab(self):
        cmd, _, args, extra = webapi.plan('GET', ['tables', 'zvm'],
                                          {'col': ['node'], 'value': ['vm1'],
                                           'attribute': ['hcp', 'userid']}, '')
        self.assertEqual(('gettab', ['node=vm1', 'zvm.hcp', 'zvm.userid'], 'zvm'),
                         (cmd, args, extra['table']))


class TestReply(testtools.TestCase):

    def test_println_error_classification(self):
        self.assertEqual({'info': ['n: ok']}, reply.println('n: ok'))
        self.assertEqual({'error': ['n: (Error) x'], 'errorcode': ['1']},
                         reply.println('n: (Error) x'))
        self.assertEqual({'error': ['n: Releasing... Failed'], 'errorcode': ['1']},
                         reply.println('n: Releasing... Failed'))
        # whole-string match: one "failed" line makes the whole output an error
        self.assertIn('error', reply.println('n: a\nn: b failed\n'))

    def test_with_hostname(self):
        self.assertEqual('n: a\nn: b\n', reply.with_hostname('n', 'a\nb\n'))
        self.assertEqual('n: a\n', reply.with_hostname('n', 'a'))
        self.assertEqual('', reply.with_hostname('n', ''))

    def test_refusal_is_html_p(self):
        self.assertEqual('<p>Invalid nodes &amp; groups</p>',
                         reply.refusal('Invalid nodes & groups'))
