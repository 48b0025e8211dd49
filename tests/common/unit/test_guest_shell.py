"""The guest shell subset behaves as bash (internals.rst "The guest shell language").

each expected output is what bash 5 prints for the script.
"""

import ddt
import testtools

from tests.common.unit import guest_fakes
from zvm_sim.core.guest import GuestLinux
from zvm_sim.core.guest import lexer


def booted(distro='rhel', version='9.2'):
    guest = GuestLinux('vm1', distro, version, guest_fakes.FakeHost())
    guest.power_on()
    return guest


@ddt.ddt
class LexerTest(testtools.TestCase):
    def test_operators_and_lines(self):
        """bash: ';', '&&', '||' and newlines separate; '|' joins a pipeline."""
        lists = lexer.parse('a; b && c || d\ne | f\n')
        self.assertEqual(3, len(lists))
        self.assertEqual([None, '&&', '||'], [conn for conn, _ in lists[1]])
        self.assertEqual(2, len(lists[2][0][1]))
        self.assertEqual(2, lists[2][0][1][0].line)

    @ddt.data(('echo "a b" c', ['a b', 'c']),
              ("echo 'x\"y' z\\ w", ['x"y', 'z w']),
              ('echo a#b # comment', ['a#b']),
              ('echo ""', ['']),
              ('echo KERNEL==\\"sd*\\",', ['KERNEL=="sd*",']))
    @ddt.unpack
    def test_posix_quoting(self, script, words):
        """POSIX quoting.

        quotes group, backslash escapes, '#' starts a comment only at a word start.
        """
        command = lexer.parse(script)[0][0][1][0]
        self.assertEqual(words, [w.literal() for w in command.words[1:]])

    def test_redirections(self):
        command = lexer.parse('cmd >/dev/null 2>&1 >>f 2>/dev/null <in')[0][0][1][0]
        self.assertEqual([(1, '>'), (2, '>&'), (1, '>>'), (2, '>'), (0, '<')],
                         [(r.fd, r.op) for r in command.redirects])

    @ddt.data('a &&', '; a', 'a | | b', 'echo "open')
    def test_syntax_errors(self, script):
        self.assertRaises(lexer.ShellSyntaxError, lexer.parse, script)


@ddt.ddt
class ShellTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.guest = booted()

    def run_script(self, script):
        return self.guest.run(script)

    def test_unknown_command(self):
        """bash -c: 'bash: line N: X: command not found', rc 127."""
        self.assertEqual((127, '', 'bash: line 2: frobnicate: command not found\n'),
                         self.run_script('true\nfrobnicate --now\n'))

    def test_unknown_absolute_path(self):
        rc, _, err = self.run_script('/opt/bin/nothing')
        self.assertEqual(127, rc)
        self.assertEqual('bash: line 1: /opt/bin/nothing: No such file or directory\n', err)

    def test_known_tool_by_absolute_path(self):
        """xCAT calls /sbin/chccwdev, /usr/bin/stat: found by their basename."""
        self.assertEqual(0, self.run_script('/sbin/cio_ignore -r 1f00')[0])

    def test_without_set_e_script_continues(self):
        self.assertEqual((0, 'after\n'), self.run_script('false\necho after')[:2])

    def test_set_e_stops_at_first_failure(self):
        self.assertEqual((1, ''), self.run_script('set -e\nfalse\necho after')[:2])

    def test_set_e_ignores_failures_inside_and_or_lists(self):
        """bash errexit: a failing command that is not the last of an &&/|| list does not exit."""
        rc, out, _ = self.run_script('set -e\nfalse && echo no\nfalse || echo yes\necho end')
        self.assertEqual((0, 'yes\nend\n'), (rc, out))

    def test_set_e_exits_when_last_of_list_fails(self):
        self.assertEqual((1, 'a\n'), self.run_script('set -e\necho a && false\necho b')[:2])

    def test_set_eu_unbound_variable(self):
        """set -u: an unset variable ends the script, rc 1."""
        rc, out, err = self.run_script('set -eu\necho $DEV\necho after')
        self.assertEqual((1, ''), (rc, out))
        self.assertEqual('bash: line 2: DEV: unbound variable\n', err)

    def test_unset_variable_expands_empty_without_u(self):
        self.assertEqual('x  y\n', self.run_script('echo "x $NOPE y"')[1])

    def test_exit_status_variable(self):
        self.assertEqual('1\n', self.run_script('false; echo $?')[1])

    def test_pipefail(self):
        """set -o pipefail: the pipeline fails when any element fails."""
        self.assertEqual(0, self.run_script('false | cat')[0])
        self.assertEqual(1, self.run_script('set -o pipefail\nfalse | cat')[0])

    @ddt.data(('exit 3', 3), ('true; exit', 0), ('false; exit', 1), ('exit 300', 44))
    @ddt.unpack
    def test_exit(self, script, rc):
        self.assertEqual(rc, self.run_script(script + '\necho never')[0])

    def test_syntax_error_rc_2(self):
        rc, _, err = self.run_script('echo a &&\n')
        self.assertEqual(2, rc)
        self.assertIn('syntax error', err)

    def test_syntax_error_after_complete_lines(self):
        """bash -c runs the lines before a syntax error.

        Such as xdsh's appended '; DSH_TARGET_RC=...' after a final newline
        (DSHCLI.pm 2616).
        """
        rc, out, err = self.run_script('echo a\n; echo b')
        self.assertEqual((2, 'a\n'), (rc, out))
        self.assertIn("syntax error near unexpected token `;'", err)

    def test_assignment_then_expansion(self):
        rc, out, _ = self.run_script('false; RC=$?; echo ":RC=${RC}:"')
        self.assertEqual((0, ':RC=1:\n'), (rc, out))

    def test_export(self):
        """xdsh's pre- and post-command (DSHCLI.pm 1095-1110, 2605-2621)."""
        rc, out, err = self.run_script(
            'export NODE=vm1; export LANG=C.UTF-8 LANGUAGE= LC_ALL= PERL_BADLANG=0 ; '
            'echo "$NODE:$LANG:$LANGUAGE"; false; export DSH_TARGET_RC=$?; '
            'echo ":DSH_TARGET_RC=${DSH_TARGET_RC}:"')
        self.assertEqual((0, 'vm1:C.UTF-8:\n:DSH_TARGET_RC=1:\n', ''), (rc, out, err))

    def test_export_invalid_identifier(self):
        rc, _, err = self.run_script('export 1x=2')
        self.assertEqual((1, "bash: line 1: export: `1x=2': not a valid identifier\n"),
                         (rc, err))

    def test_redirect_to_missing_directory(self):
        """The redirection fails before the command runs: rc 1."""
        rc, out, err = self.run_script('echo x > /nonexistent/dir/file')
        self.assertEqual(1, rc)
        self.assertEqual('bash: line 1: /nonexistent/dir/file: No such file or directory\n',
                         err)

    def test_append_and_truncate(self):
        self.run_script('echo a > /etc/f; echo b >> /etc/f')
        self.assertEqual('a\nb\n', self.run_script('cat /etc/f')[1])
        self.run_script('echo c > /etc/f')
        self.assertEqual('c\n', self.run_script('cat /etc/f')[1])

    def test_stderr_redirections(self):
        self.assertEqual((127, '', ''), self.run_script('nothing 2>/dev/null'))
        self.assertEqual((127, '', ''), self.run_script('nothing >/dev/null 2>&1'))
        rc, out, err = self.run_script('nothing 2>&1')
        self.assertIn('command not found', out)
        self.assertEqual('', err)

    def test_pipe_feeds_stdin(self):
        self.assertEqual('b\n', self.run_script('echo "a\nb" | grep b')[1])

    def test_sudo_and_sh_c(self):
        """xCAT's rExecute: sudo sh -c '<cmd>'."""
        rc, out, _ = self.run_script("sudo sh -c 'echo 1 > /etc/x; cat /etc/x'")
        self.assertEqual((0, '1\n'), (rc, out))

    def test_glob_on_absolute_paths(self):
        """xCAT getOsVersion: ls /dev/null /etc/*-release ... 2>/dev/null."""
        rc, out, _ = self.run_script(
            'ls /dev/null /etc/*-release /etc/issue /etc/debian_version 2>/dev/null')
        self.assertEqual(2, rc)      # /etc/debian_version is missing on RHEL
        self.assertEqual(['/dev/null', '/etc/os-release', '/etc/redhat-release',
                          '/etc/issue'], out.split())

    def test_glob_without_match_stays_literal(self):
        self.assertEqual('/etc/*.none\n', self.run_script('echo /etc/*.none')[1])

    def test_command_substitution_refused(self):
        """Outside the subset: the command fails with a clear message."""
        rc, out, err = self.run_script('set -e\necho $(cat /etc/issue)\necho after')
        self.assertEqual((1, ''), (rc, out))
        self.assertIn('command substitution is not supported', err)

    def test_xtrace(self):
        self.assertEqual((0, '+ true\n'), self.run_script('set -x; true')[::2])

    def test_quoted_glob_not_expanded(self):
        self.assertEqual('/etc/*-release\n', self.run_script("echo '/etc/*-release'")[1])


@ddt.ddt
class CoreutilsTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.guest = booted()

    def test_grep_q(self):
        self.guest.run('echo "0.0.1f00 0x1 0x2" > /etc/zfcp.conf')
        self.assertEqual(0, self.guest.run('grep -q "0.0.1f00 0x1" /etc/zfcp.conf')[0])
        self.assertEqual(1, self.guest.run('grep -q 0.0.2f00 /etc/zfcp.conf')[0])
        self.assertEqual(2, self.guest.run('grep -q x /etc/none')[0])

    def test_sed_delete_with_bre_plus(self):
        """xCAT --removefilesysnode: sed -i -e /SYMLINK+=\\"vdb\\%n\\"/d.

        in a basic regex '+' is a literal.
        """
        self.guest.run("echo 'KERNEL==\"sd*\", SYMLINK+=\"vdb%n\"' > /etc/r")
        self.guest.run("echo 'KERNEL==\"sd*\", SYMLINK+=\"vdc%n\"' >> /etc/r")
        rc, _, err = self.guest.run('sed -i -e /SYMLINK+=\\"vdb\\%n\\"/d /etc/r')
        self.assertEqual((0, ''), (rc, err))
        self.assertEqual('KERNEL=="sd*", SYMLINK+="vdc%n"\n', self.guest.run('cat /etc/r')[1])

    def test_sed_missing_file(self):
        rc, _, err = self.guest.run('sed -i -e /x/d /etc/none.conf')
        self.assertEqual(2, rc)
        self.assertEqual("sed: can't read /etc/none.conf: No such file or directory\n", err)

    def test_test_and_bracket(self):
        run = self.guest.run
        self.assertEqual(0, run('test -e /etc/os-release')[0])
        self.assertEqual(1, run('[ -d /etc/os-release ]')[0])
        self.assertEqual(0, run('[ ! -e /etc/none ]')[0])
        self.assertEqual(2, run('[ -e /etc/none')[0])
        self.assertEqual(0, run('test -e /etc/udev/rules.d/56-zfcp.rules || echo x')[0])

    def test_ln_mkdir_rm(self):
        run = self.guest.run
        self.assertEqual(0, run('mkdir -p /etc/a/b && ln -sf /etc/os-release /etc/a/b/l')[0])
        self.assertEqual(0, run('test -L /etc/a/b/l && test -f /etc/a/b/l')[0])
        self.assertEqual(1, run('ln -s /x /etc/a/b/l')[0])
        self.assertEqual(0, run('rm -f /etc/a/b/l /etc/a/none')[0])
        rc, _, err = run('rm /etc/a/none')
        self.assertEqual(1, rc)
        self.assertIn("cannot remove '/etc/a/none'", err)

    @ddt.data('1', '0.5', '2s')
    def test_sleep_accepts(self, value):
        self.assertEqual(0, self.guest.run('sleep ' + value)[0])

    def test_sleep_rejects(self):
        self.assertEqual(1, self.guest.run('sleep soon')[0])

    def test_stat_printf(self):
        """createfilesysnode: stat --printf=%n <file> prints the name."""
        self.assertEqual((0, '/etc/issue', ''), self.guest.run('stat --printf=%n /etc/issue'))
        self.assertEqual(1, self.guest.run('stat --printf=%n /etc/none')[0])

    def test_tee_append(self):
        self.assertEqual((0, 'x\n', ''), self.guest.run('echo x | tee -a /etc/t'))
        self.assertEqual('x\n', self.guest.run('cat /etc/t')[1])


class PowerTest(testtools.TestCase):
    def test_run_on_powered_off_guest_refused(self):
        guest = GuestLinux('vm1', 'rhel', '9.2', guest_fakes.FakeHost())
        self.assertRaises(RuntimeError, guest.run, 'true')

    def test_bad_distro(self):
        self.assertRaises(ValueError, GuestLinux, 'vm1', 'gentoo', '1', guest_fakes.FakeHost())
