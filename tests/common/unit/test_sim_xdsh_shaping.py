"""zvm_sim.xcat.dsh: xdsh's reply shaping, pure (DSHCLI.pm, DSHCore.pm).

Each expectation was taken from xCAT's own Perl run by tests/oracle/test_dsh_diff.py
(which needs ../shared/xcat-core); these keep the shapes checked without it.
"""

import testtools

from zvm_sim.xcat import dsh

NOT_RECEIVED = {'error': [' A return code for the command run on the host vm1 was not '
                          'received.'], 'errorcode': ['1']}


class TestRemoteCommand(testtools.TestCase):

    def test_pre_and_post_command_trailing_newline_and_semicolon_trimmed(self):
        """DSHCLI.pm 1097-1116 and 2616."""
        for command in ('echo a\n\n', 'echo a;', 'echo a  '):
            text, background = dsh.remote_command('vm1', command)
            expected = 'export NODE=vm1; %secho a%s' % (
                dsh.LOCALE_PRE_COMMAND, dsh.POST_COMMAND)
            self.assertEqual(expected, text)
            self.assertFalse(background)

    def test_background_has_no_post_command(self):
        text, background = dsh.remote_command('vm1', 'sleep 9 &')
        self.assertTrue(text.endswith('sleep 9 &'))
        self.assertTrue(background)


class TestMessages(testtools.TestCase):

    def test_status_line_cut_lines_labelled(self):
        # the blank line before the status line stays (only trailing ones go)
        self.assertEqual([{'data': ['vm1: a\nvm1: \nvm1: b\nvm1: ']}, {'errorcode': ['0']}],
                         dsh.messages('vm1', 'a\n\nb\n\n:DSH_TARGET_RC=0:\n', '', 0))

    def test_stderr_of_a_success_is_an_error_element(self):
        self.assertEqual([{'error': ['vm1: w1\nvm1: w2'], 'NoErrorPrefix': ['1'],
                           'errorcode': ['0']}, {'errorcode': ['0']}],
                         dsh.messages('vm1', ':DSH_TARGET_RC=0:\n', 'w1\nw2\n', 0))

    def test_non_zero_status_only_in_the_closing_element(self):
        self.assertEqual([{'errorcode': ['1']}],
                         dsh.messages('vm1', ':DSH_TARGET_RC=1:\n', '', 0))

    def test_ssh_exit_status_fails_without_a_message(self):
        """DSHCLI.pm 610: a set -e stop, an exit 3."""
        self.assertEqual([{'data': ['vm1: a']}, {'errorcode': ['1']}],
                         dsh.messages('vm1', 'a\n', '', 3))

    def test_exit_0_without_status_line_is_not_received(self):
        """DSHCLI.pm 664-681."""
        self.assertEqual([{'data': ['vm1: a']}, NOT_RECEIVED, {'errorcode': ['1']}],
                         dsh.messages('vm1', 'a\n', '', 0))

    def test_empty_status_counts_as_0(self):
        """DSHCore.pm 578: split's implied limit keeps '' (numerically 0)."""
        self.assertEqual([{'errorcode': ['0']}],
                         dsh.messages('vm1', ':DSH_TARGET_RC=:\n', '', 0))

    def test_last_line_without_newline_is_dropped(self):
        """It stays in pipe_handler_buffer's read buffer."""
        self.assertEqual([{'data': ['vm1: a']}, NOT_RECEIVED, {'errorcode': ['1']}],
                         dsh.messages('vm1', 'a\nb', '', 0))

    def test_one_element_per_4096_byte_read(self):
        out = ('x' * 99 + '\n') * 50 + ':DSH_TARGET_RC=0:\n'
        elements, rc = dsh.label_stream('vm1', out)
        self.assertEqual(('0', 2), (rc, len(elements)))
        self.assertEqual(50, sum(e.count('vm1: ') for e in elements))

    def test_background_never_not_received(self):
        self.assertEqual([{'errorcode': ['0']}], dsh.messages('vm1', '', '', 0, True))
