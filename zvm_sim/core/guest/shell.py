"""Executor for the guest shell subset: bash semantics on the guest model.

The shell runs parsed scripts (lexer.parse) against a *system* object that
provides the file system (sysfs, /dev and regular files of the modelled
guest) and the command table. What it reproduces from bash, because the
callers depend on it:

- ``set -e``: a failing pipeline ends the script, except when it is not the
  last element of an ``&&``/``||`` list (bash's errexit rule);
- ``set -u``: an unset ``$NAME`` ends the script with
  ``bash: line N: NAME: unbound variable`` (rc 1); the environment is empty,
  so any variable is unset (templates render every value in);
- ``set -o pipefail``: a pipeline's status is its last non-zero status;
- redirections are opened before the command runs (an open failure prints
  ``bash: line N: PATH: <strerror>`` and the command is skipped, rc 1); the
  output is written after it ran, and a failing write (a sysfs attribute
  rejecting the value) is ``echo: write error: <strerror>``, rc 1;
- unknown commands: ``bash: line N: X: command not found``, rc 127;
- ``exit N`` ends the script with N; a syntax error is rc 2, after the
  complete lines before it ran (bash -c parses and runs command by command:
  xdsh's appended ``; DSH_TARGET_RC=$?; ...`` after a script's final newline
  is such an error, DSHCLI.pm 2605-2621);
- ``NAME=value`` alone sets a shell variable; ``export NAME=value ...`` too
  (xdsh's ``export NODE=<node>; export LANG=...`` before the command and
  ``export DSH_TARGET_RC=$?`` after it, DSHCLI.pm 1095-1110 and 2605-2621).
"""

import posixpath
import re

from zvm_sim.core.guest import lexer


class FsError(Exception):
    """A failed file operation; .strerror is the errno text Linux prints."""

    def __init__(self, strerror, path=None):
        super().__init__(strerror)
        self.strerror = strerror
        self.path = path


class ExitScript(Exception):
    def __init__(self, rc):
        super().__init__(rc)
        self.rc = rc


# Commands that are bash builtins: their write errors are reported by bash.
BUILTINS = frozenset(['echo', 'printf', 'true', 'false', 'test', '[', 'set', 'exit', ':',
                      'export'])
# Directories whose binaries the model provides (xCAT calls /sbin/chccwdev).
BIN_DIRS = frozenset(['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin',
                      '/usr/local/sbin', '/usr/lib/udev'])

_NAME_RE = re.compile(r'[A-Za-z_][A-Za-z0-9_]*')
_ASSIGNMENT_RE = re.compile(r'[A-Za-z_][A-Za-z0-9_]*=')


class Invocation:
    """What a command implementation gets: its args, stdin and the shell."""

    def __init__(self, shell, argv, stdin, line):
        self.shell = shell
        self.system = shell.system
        self.argv = argv
        self.stdin = stdin
        self.line = line

    @property
    def name(self):
        return posixpath.basename(self.argv[0])


class Shell:
    """One script run. Options persist for the run (like one bash -c)."""

    def __init__(self, system):
        self.system = system
        self.errexit = False
        self.nounset = False
        self.pipefail = False
        self.xtrace = False
        self.last_rc = 0
        self.stderr = []
        self.variables = {}

    # -- entry point -------------------------------------------------------

    def run(self, script, stdin=''):
        """Run script; returns (rc, stdout, stderr)."""
        out = []
        syntax_error = None
        try:
            lists = lexer.parse(script)
        except lexer.ShellSyntaxError as exc:
            syntax_error = exc
            lists = _complete_lines_before(script, exc.line)
        try:
            for andor in lists:
                self._run_andor(andor, out, stdin)
            if syntax_error is not None:
                self.stderr.append(
                    'bash: line %d: syntax error near unexpected token `%s\'\n'
                    % (syntax_error.line, syntax_error.token))
                self.last_rc = 2
        except ExitScript as exc:
            self.last_rc = exc.rc
        return self.last_rc, ''.join(out), ''.join(self.stderr)

    # -- control flow ------------------------------------------------------

    def _run_andor(self, andor, out, stdin):
        rc = 0
        last_index = len(andor) - 1
        ran_last = False
        for index, (connector, pipeline) in enumerate(andor):
            if connector == '&&' and rc != 0:
                continue
            if connector == '||' and rc == 0:
                continue
            rc = self._run_pipeline(pipeline, out, stdin)
            self.last_rc = rc
            ran_last = index == last_index
        if self.errexit and rc != 0 and ran_last:
            raise ExitScript(rc)

    def _run_pipeline(self, pipeline, out, stdin):
        data = stdin
        statuses = []
        for index, command in enumerate(pipeline):
            last = index == len(pipeline) - 1
            sink = out if last else []
            rc = self._run_command(command, sink, data)
            statuses.append(rc)
            if not last:
                data = ''.join(sink)
        if self.pipefail:
            failed = [rc for rc in statuses if rc != 0]
            return failed[-1] if failed else 0
        return statuses[-1]

    # -- one simple command ------------------------------------------------

    def _run_command(self, command, out, stdin):
        try:
            argv = []
            for word in command.words:
                argv.extend(self._expand(word, command.line))
            targets = {0: ('stdin', stdin), 1: ('capture',), 2: ('stderr',)}
            writers = {}
            for redirect in command.redirects:
                self._apply_redirect(redirect, targets, writers, command.line)
        except _CommandFailed as exc:
            self.stderr.append(exc.message)
            return 1
        if targets[0][0] == 'stdin':
            stdin = targets[0][1]
        if argv and all(_ASSIGNMENT_RE.match(w.parts[0][0]) and w.parts[0][1] is False
                        for w in command.words):
            for text in argv:
                name, value = text.split('=', 1)
                self.variables[name] = value
            return 0
        if not argv:
            return 0
        if self.xtrace:
            self.stderr.append('+ %s\n' % ' '.join(argv))
        rc, cmd_out, cmd_err = self.call(argv, stdin, command.line)
        rc = self._deliver(1, cmd_out, targets, writers, out, argv, command.line, rc)
        rc = self._deliver(2, cmd_err, targets, writers, out, argv, command.line, rc)
        return rc

    def call(self, argv, stdin, line):
        """Run one command (argv already expanded); returns (rc, out, err)."""
        name = argv[0]
        if name in ('set', 'exit', 'export'):
            return getattr(self, '_builtin_' + name)(argv, line)
        func = self.system.lookup_command(name)
        if func is None:
            if '/' in name:
                if posixpath.dirname(name) in BIN_DIRS:
                    func = self.system.lookup_command(posixpath.basename(name))
                if func is None:
                    return 127, '', 'bash: line %d: %s: No such file or directory\n' % (
                        line, name)
            else:
                return 127, '', 'bash: line %d: %s: command not found\n' % (line, name)
        return func(Invocation(self, argv, stdin, line))

    def _deliver(self, fd, data, targets, writers, out, argv, line, rc):
        target = targets[fd]
        if target[0] == 'capture':
            out.append(data)
        elif target[0] == 'stderr':
            self.stderr.append(data)
        elif target[0] == 'null':
            pass
        elif target[0] == 'file':
            if not data and target[2] in writers:
                return rc
            try:
                writers[target[2]](data)
            except FsError as exc:
                name = posixpath.basename(argv[0])
                if name in BUILTINS:
                    self.stderr.append('bash: line %d: %s: write error: %s\n'
                                       % (line, name, exc.strerror))
                else:
                    self.stderr.append('%s: write error: %s\n' % (name, exc.strerror))
                return 1
        return rc

    def _apply_redirect(self, redirect, targets, writers, line):
        if redirect.op == '>&':
            targets[redirect.fd] = targets.get(redirect.target, ('null',))
            return
        words = self._expand(redirect.target, line)
        if len(words) != 1:
            raise _CommandFailed('bash: line %d: %s: ambiguous redirect\n'
                                 % (line, redirect.target.literal()))
        path = words[0]
        if redirect.op == '<':
            try:
                targets[0] = ('stdin', self.system.fs_read(path))
            except FsError as exc:
                raise _CommandFailed('bash: line %d: %s: %s\n' % (line, path, exc.strerror))
            return
        if path == '/dev/null':
            targets[redirect.fd] = ('null',)
            return
        key = len(writers)
        try:
            writers[key] = self.system.fs_open_write(path, append=redirect.op == '>>')
        except FsError as exc:
            raise _CommandFailed('bash: line %d: %s: %s\n' % (line, path, exc.strerror))
        targets[redirect.fd] = ('file', path, key)

    # -- expansion ---------------------------------------------------------

    def _expand(self, word, line):
        """Parameter expansion and pathname expansion of one word."""
        text, pattern, has_glob = [], [], False
        parts = word.parts
        i = 0
        while i < len(parts):
            seg, quoted = parts[i]
            if quoted in ('dq', 'unq'):
                value, consumed = self._param(parts, i, line)
                text.append(value)
                pattern.append(_glob_escape(value))
                i += consumed
                continue
            text.append(seg)
            if quoted:
                pattern.append(_glob_escape(seg))
            else:
                pattern.append(seg)
                has_glob = has_glob or any(c in seg for c in '*?[')
            i += 1
        literal = ''.join(text)
        if has_glob and literal.startswith('/'):
            matches = self.system.fs_glob(''.join(pattern))
            if matches:
                return matches
        unquoted_empty = literal == '' and all(not q for _, q in parts)
        return [] if unquoted_empty else [literal]

    def _param(self, parts, i, line):
        """Expand '$' at parts[i]; returns (value, segments consumed)."""
        if i + 1 >= len(parts) or parts[i + 1][1] in ('dq', 'unq'):
            return '$', 1
        nxt, quoted = parts[i + 1]
        if parts[i][1] == 'dq' and quoted is not True:
            return '$', 1
        if parts[i][1] == 'unq' and quoted is not False:
            return '$', 1
        if nxt.startswith('('):
            # outside the documented subset: say so rather than guess
            raise _CommandFailed('bash: line %d: $(...): command substitution is not '
                                 'supported by the guest model\n' % line)
        if nxt.startswith('{') and '}' in nxt:
            name, rest = nxt[1:nxt.index('}')], nxt[nxt.index('}') + 1:]
        elif nxt[:1] == '?':
            name, rest = '?', nxt[1:]
        else:
            match = _NAME_RE.match(nxt)
            if not match:
                return '$', 1
            name, rest = match.group(0), nxt[match.end():]
        if name == '?':
            value = str(self.last_rc)
        else:
            value = self.variables.get(name, self.system.env.get(name))
            if value is None:
                if self.nounset:
                    self.stderr.append('bash: line %d: %s: unbound variable\n' % (line, name))
                    raise ExitScript(1)
                value = ''
        parts[i + 1] = (rest, quoted)
        return value, 1

    # -- builtins that change the shell itself -----------------------------

    def _builtin_set(self, argv, line):
        args = argv[1:]
        i = 0
        while i < len(args):
            arg = args[i]
            if arg in ('-o', '+o') and i + 1 < len(args):
                on = arg == '-o'
                option = args[i + 1]
                if option == 'pipefail':
                    self.pipefail = on
                elif option == 'errexit':
                    self.errexit = on
                elif option == 'nounset':
                    self.nounset = on
                elif option == 'xtrace':
                    self.xtrace = on
                else:
                    return 2, '', 'bash: line %d: set: %s: invalid option name\n' % (
                        line, option)
                i += 2
                continue
            if arg[:1] not in '-+' or len(arg) < 2:
                return 2, '', 'bash: line %d: set: %s: invalid option\n' % (line, arg)
            on = arg[0] == '-'
            for flag in arg[1:]:
                if flag == 'e':
                    self.errexit = on
                elif flag == 'u':
                    self.nounset = on
                elif flag == 'x':
                    self.xtrace = on
                else:
                    return 2, '', 'bash: line %d: set: %s%s: invalid option\n' % (
                        line, arg[0], flag)
            i += 1
        return 0, '', ''

    def _builtin_export(self, argv, line):
        """``export NAME[=value]...``: the values become shell variables."""
        rc, err = 0, []
        for arg in argv[1:]:
            name, eq, value = arg.partition('=')
            if not _NAME_RE.fullmatch(name):
                err.append("bash: line %d: export: `%s': not a valid identifier\n"
                           % (line, arg))
                rc = 1
            elif eq:
                self.variables[name] = value
        return rc, '', ''.join(err)

    def _builtin_exit(self, argv, line):
        if len(argv) == 1:
            raise ExitScript(self.last_rc)
        try:
            rc = int(argv[1]) & 0xff
        except ValueError:
            self.stderr.append('bash: line %d: exit: %s: numeric argument required\n'
                               % (line, argv[1]))
            raise ExitScript(2)
        raise ExitScript(rc)


class _CommandFailed(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _glob_escape(text):
    return ''.join('[%s]' % c if c in '*?[' else c for c in text)


def _complete_lines_before(script, line):
    """The commands bash ran before reaching a syntax error on ``line``."""
    head = '\n'.join(script.split('\n')[:max(line - 1, 0)])
    try:
        return lexer.parse(head)
    except lexer.ShellSyntaxError:
        return []
