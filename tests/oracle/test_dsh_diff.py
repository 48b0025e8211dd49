"""Differential tests of xdsh: the simulator's shaping against xCAT's own.

``PUT nodes/<node>/dsh ["command=..."]`` (zvm_xcat client.xdsh; the product's
guest scripts). The oracle runs xCAT's xdsh.pm process_request, DSHCLI.pm
parse_and_run_dsh/execute_dsh and DSHCore.pm pipe_handler_buffer unmodified;
only its remote shell is a stand-in (zvm_sim/realxcat/shims/dsh/ssh) that runs
the remote command in the oracle's own guest model. So the command xCAT
builds (pre-command, trimming, ``export DSH_TARGET_RC=$?`` post-command), the
reading of the pipes and every reply element come from xCAT's Perl; the
simulator's copy of them is zvm_sim/xcat/dsh.py.

What real xCAT does here that the simulator got wrong before (issue 10):
a ``set -e`` stop or an ``exit N`` is ssh's exit status N (DSHCLI.pm 610-632:
failed, no message), not " A return code ... was not received", which comes
only when the remote shell exits 0 without the status line (an ``exit 0``, a
last line that is a comment, DSHCLI.pm 664-681); a script's final newline is
trimmed (DSHCLI.pm 1109-1110), not a syntax error.
"""

import ddt

from tests.oracle import base
from zvm_xcat import client as xclient

# A tool's harmless complaint on a run that worked.
WARNING = 'Nov 27 12:00:00 | /etc/multipath.conf line 3, invalid keyword: polling_interval'


@ddt.ddt
class TestDsh(base.DiffTestCase):

    def dsh(self, node, *elements):
        return self.same('PUT', 'nodes/%s/dsh' % node, *elements)

    @staticmethod
    def closing(reply):
        """xdsh.pm 1313: the number of failed nodes, last."""
        return reply['data'][-1]['errorcode']

    @ddt.data(
        # success, stdout only; blank lines inside and at the end
        'echo a; echo b',
        'echo a\n\n\necho b\n\n',
        'echo; echo',
        # success with stderr: every stderr line in the error element
        'echo out; nosuchcommand; echo end',
        'echo x >&2; echo; echo y >&2',
        # a non-zero status at the end: only the closing errorcode says so
        'echo a; false',
        'echo a b; echo c >&2; false',
        # a set -e stop, an exit N: ssh's exit status, no "not received"
        'set -e\necho a\nfalse\necho b',
        'set -e\nnosuch\necho never\n',
        'echo a; exit 3',
        # the remote shell exits 0 before the status line: "not received"
        'exit 0',
        'echo a # comment',
        # trailing newline, trailing ';': trimmed by DSHCLI, no syntax error
        'echo a\n',
        'echo a;',
        # a status line of the script's own
        'echo a; echo :DSH_TARGET_RC=:',
        # xdsh's own pre-command reaches the script
        'echo $NODE',
    )
    def test_reply_shaping(self, command):
        reply = self.dsh('vm1', 'command=' + command)
        self.assertIn(self.closing(reply), (['0'], ['1']))

    def test_output_over_one_read(self):
        """DSHCore.pm pipe_handler_buffer reads 4096 bytes: one element per read."""
        lines = ['echo %s' % ('x' * 99)] * 50 + ['echo %s >&2' % ('y' * 5000)]
        reply = self.dsh('vm1', 'command=' + '; '.join(lines))
        # 50 lines of 105 bytes with "vm1: ": the second read starts mid-line.
        self.assertEqual(2, len(reply['data'][0]['data']))
        self.assertEqual(1, len(reply['data'][1]['error']))

    def test_product_client_reads_xcats_reply(self):
        """zvm_xcat's DshResult of real xCAT's replies: status, lines, stderr."""
        client = xclient.XCATClient(self.oracle.url, self.oracle.username,
                                    self.oracle.password, ca_file=self.oracle.ca_file)
        self.addCleanup(client.close)
        long_out = client.xdsh('vm1', '; '.join(['echo %s' % ('z' * 100)] * 60 +
                                                ['echo w >&2']))
        self.assertEqual((60, ('w',), 0, True), (len(long_out.stdout), long_out.stderr,
                                                 long_out.errorcode, long_out.ok))
        stopped = client.xdsh('vm1', 'set -e\necho a\nfalse\necho b')
        self.assertEqual((('a',), 1, True, False), (stopped.stdout, stopped.errorcode,
                                                    stopped.status_received, stopped.ok))
        early = client.xdsh('vm1', 'echo a; exit 0')
        self.assertEqual((1, False, False), (early.errorcode, early.status_received,
                                             early.ok))

    def test_oracle_runs_xcats_xdsh(self):
        """The oracle's reply came from xdsh.pm, not from the simulator's code."""
        self.dsh('vm1', 'command=echo a')
        self.assertOracleRan('xdsh vm1 echo a')

    def test_product_script_shape(self):
        """A script as nova_volumeops renders it: steps, done line, stderr."""
        script = ('#!/bin/bash\nset -e\n'
                  "echo 'nova_volumeops step: online'\n"
                  'udevadm settle\n'
                  'echo %s >&2\n'
                  "echo 'nova_volumeops done: attach'" % 'warning')
        reply = self.dsh('vm1', 'command=' + script)
        self.assertEqual(['0'], self.closing(reply))
        self.assertEqual(['vm1: warning'], reply['data'][1]['error'])

    def test_guest_state_follows(self):
        """The command ran in the guest model on both sides, with the same result."""
        self.chvm('vm1', '--dedicatedevice 1f02 1f02 0')
        self.dsh('vm1', 'command=cio_ignore -r 1f02 && chccwdev -e 1f02')
        self.dsh('vm1', 'command=chccwdev -e 1f03')     # not dedicated: fails
        states = [f.admin.guest('vm1')['linux_state']['online_fcp']
                  for f in (self.sim, self.oracle)]
        self.assertEqual(['1f02'], states[0])
        self.assertEqual(states[0], states[1])

    def test_stderr_test_control(self):
        """The simulator's stderr fault is applied by the oracle's guest stand-in too."""
        for fixture in (self.sim, self.oracle):
            fixture.admin.add_fault(option='dsh', action='stderr', text=WARNING)
        reply = self.dsh('vm1', 'command=echo a')
        self.assertEqual(['vm1: ' + WARNING], reply['data'][1]['error'])

    @ddt.data('vm3', 'vm24', 'zvm1')
    def test_unreachable_or_stopped(self, node):
        """ssh fails with 255: its message as stderr, failed, no "not received"."""
        self.assertEqual(['1'], self.closing(self.dsh(node, 'command=true')))

    def test_unreachable_by_control(self):
        for fixture in (self.sim, self.oracle):
            fixture.admin.set_reachable('vm1', False)
        self.assertEqual(['1'], self.closing(self.dsh('vm1', 'command=true')))

    def test_no_command(self):
        """DSHCLI.pm 4330-4338: an error, but no node failed."""
        reply = self.dsh('vm1', 'options=-q')
        self.assertEqual(['0'], self.closing(reply))

    def test_empty_command(self):
        self.dsh('vm1', 'command=')

    def test_timeout_and_options_elements(self):
        self.dsh('vm1', 'command=echo a', 'timeout=30', 'options=-o ConnectTimeout=5')
