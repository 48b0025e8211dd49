"""Shell builtins and coreutils/grep/sed as the zfcp scripts use them.

Messages and exit codes follow GNU coreutils 8.x/9.x, grep 3 and sed 4
(the versions of the modelled distros).
"""

import re

from zvm_sim.core.guest.commands import command
from zvm_sim.core.guest import shell as shell_mod
from zvm_sim.core.guest.shell import FsError


@command('true', ':')
def cmd_true(inv):
    return 0, '', ''


@command('false')
def cmd_false(inv):
    return 1, '', ''


@command('echo')
def cmd_echo(inv):
    args = inv.argv[1:]
    newline, escapes = True, False
    while args and re.fullmatch(r'-[neE]+', args[0]):
        newline = newline and 'n' not in args[0]
        escapes = 'e' in args[0] or (escapes and 'E' not in args[0])
        args = args[1:]
    text = ' '.join(args)
    if escapes:
        text = (text.replace('\\n', '\n').replace('\\t', '\t').replace('\\\\', '\\'))
    return 0, text + ('\n' if newline else ''), ''


@command('sleep')
def cmd_sleep(inv):
    """Validated but instant: the model has no clock to wait for."""
    if len(inv.argv) < 2:
        return 1, '', 'sleep: missing operand\n'
    for arg in inv.argv[1:]:
        if not re.fullmatch(r'\d+(\.\d+)?[smhd]?', arg):
            return 1, '', "sleep: invalid time interval '%s'\n" % arg
    return 0, '', ''


@command('cat')
def cmd_cat(inv):
    files = [a for a in inv.argv[1:] if a != '-' and not a.startswith('-')]
    if not files:
        return 0, inv.stdin, ''
    out, err, rc = [], [], 0
    for path in files:
        try:
            out.append(inv.system.fs_read(path))
        except FsError as exc:
            err.append('cat: %s: %s\n' % (path, exc.strerror))
            rc = 1
    return rc, ''.join(out), ''.join(err)


def bre_to_python(pattern):
    """POSIX basic regex -> Python re (grep/sed default syntax)."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == '\\' and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            out.append(nxt if nxt in '(){}|+?' else '\\' + nxt)
            i += 2
            continue
        out.append('\\' + c if c in '(){}|+?' else c)
        i += 1
    return ''.join(out)


@command('grep', 'egrep', 'fgrep')
def cmd_grep(inv):
    args = inv.argv[1:]
    opts, patterns, files = set(), [], []
    extended = inv.name == 'egrep'
    fixed = inv.name == 'fgrep'
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == '-e' and i + 1 < len(args):
            patterns.append(args[i + 1])
            i += 2
            continue
        if arg.startswith('-') and len(arg) > 1 and not files and (patterns or arg != '-'):
            for flag in arg[1:]:
                if flag == 'E':
                    extended = True
                elif flag == 'F':
                    fixed = True
                elif flag in 'qivcxsh':
                    opts.add(flag)
                else:
                    return 2, '', "grep: invalid option -- '%s'\n" % flag
            i += 1
            continue
        if not patterns and not any(a == '-e' for a in args):
            patterns.append(arg)
        else:
            files.append(arg)
        i += 1
    if not patterns:
        return 2, '', 'Usage: grep [OPTION]... PATTERNS [FILE]...\n'
    flags = re.IGNORECASE if 'i' in opts else 0
    regexes = []
    for pattern in patterns:
        for alt in pattern.split('\n'):
            src = re.escape(alt) if fixed else (alt if extended else bre_to_python(alt))
            if 'x' in opts:
                src = '^(?:%s)$' % src
            regexes.append(re.compile(src, flags))
    sources = [(None, inv.stdin)] if not files else []
    err, rc_err = [], False
    for path in files:
        try:
            sources.append((path, inv.system.fs_read(path)))
        except FsError as exc:
            if 's' not in opts:
                err.append('grep: %s: %s\n' % (path, exc.strerror))
            rc_err = True
    out, count_total = [], 0
    for path, text in sources:
        count = 0
        for line in text.splitlines():
            hit = any(r.search(line) for r in regexes)
            if hit != ('v' in opts):
                count += 1
                if len(files) > 1 and 'h' not in opts:
                    out.append('%s:%s\n' % (path, line))
                else:
                    out.append(line + '\n')
        if 'c' in opts:
            out = out if len(files) < 2 else out
        count_total += count
    if 'c' in opts:
        out = ['%d\n' % count_total]
    if 'q' in opts:
        return (0 if count_total else (2 if rc_err else 1)), '', ''.join(err)
    rc = 0 if count_total else 1
    if rc_err:
        rc = 2
    return rc, ''.join(out), ''.join(err)


def _sed_script(script):
    """Parse one sed command: '/re/d' or 's/re/rep/flags'. -> callable."""
    if not script:
        raise ValueError('no previous regular expression')
    if script[0] in '/\\':
        delim = '/' if script[0] == '/' else script[1]
        start = 1 if script[0] == '/' else 2
        end = _find_delim(script, start, delim)
        regex = re.compile(bre_to_python(script[start:end]))
        rest = script[end + 1:].strip()
        if rest == 'd':
            return lambda line: None if regex.search(line) else line
        raise ValueError('unknown command: `%s\'' % rest[:1])
    if script[0] == 's' and len(script) > 1:
        delim = script[1]
        mid = _find_delim(script, 2, delim)
        end = _find_delim(script, mid + 1, delim)
        regex = re.compile(bre_to_python(script[2:mid]))
        repl = script[mid + 1:end].replace('&', r'\g<0>')
        count = 0 if 'g' in script[end + 1:] else 1
        return lambda line: regex.sub(repl, line, count=count)
    raise ValueError('unknown command: `%s\'' % script[0])


def _find_delim(text, start, delim):
    i = start
    while i < len(text):
        if text[i] == '\\':
            i += 2
            continue
        if text[i] == delim:
            return i
        i += 1
    raise ValueError('unterminated address regex')


@command('sed')
def cmd_sed(inv):
    args = inv.argv[1:]
    in_place, scripts, files = False, [], []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ('-i', '--in-place'):
            in_place = True
        elif arg == '-e' and i + 1 < len(args):
            scripts.append(args[i + 1])
            i += 1
        elif arg.startswith('-') and arg != '-':
            if 'i' in arg[1:] and set(arg[1:]) <= {'i', 'e'} and arg[-1] == 'e':
                in_place = True
                scripts.append(args[i + 1])
                i += 1
            else:
                return 1, '', "sed: invalid option -- '%s'\n" % arg[1:]
        elif not scripts:
            scripts.append(arg)
        else:
            files.append(arg)
        i += 1
    try:
        funcs = [_sed_script(s) for s in scripts]
    except ValueError as exc:
        return 1, '', 'sed: -e expression #1, char 1: %s\n' % exc
    if not files:
        if in_place:
            return 1, '', 'sed: no input files\n'
        return 0, _apply(funcs, inv.stdin), ''
    out, err, rc = [], [], 0
    for path in files:
        try:
            text = inv.system.fs_read(path)
        except FsError as exc:
            err.append("sed: can't read %s: %s\n" % (path, exc.strerror))
            rc = 2
            continue
        result = _apply(funcs, text)
        if in_place:
            inv.system.write_file(inv.system.realpath(path), result)
        else:
            out.append(result)
    return rc, ''.join(out), ''.join(err)


def _apply(funcs, text):
    out = []
    for line in text.splitlines():
        for func in funcs:
            line = func(line)
            if line is None:
                break
        if line is not None:
            out.append(line + '\n')
    return ''.join(out)


@command('rm')
def cmd_rm(inv):
    force = False
    paths = []
    for arg in inv.argv[1:]:
        if arg.startswith('-') and len(arg) > 1:
            force = force or 'f' in arg
        else:
            paths.append(arg)
    rc, err = 0, []
    for path in paths:
        try:
            inv.system.unlink(path)
        except FsError as exc:
            if force and exc.strerror == 'No such file or directory':
                continue
            err.append("rm: cannot remove '%s': %s\n" % (path, exc.strerror))
            rc = 1
    return rc, '', ''.join(err)


@command('ln')
def cmd_ln(inv):
    symbolic = force = no_deref = False
    paths = []
    for arg in inv.argv[1:]:
        if arg.startswith('-') and len(arg) > 1:
            symbolic = symbolic or 's' in arg
            force = force or 'f' in arg
            no_deref = no_deref or 'n' in arg or 'T' in arg
        else:
            paths.append(arg)
    if len(paths) != 2:
        return 1, '', 'ln: missing file operand\n'
    if not symbolic:
        return 1, '', "ln: failed to create hard link '%s': Operation not permitted\n" % paths[1]
    target, link = paths
    system = inv.system
    if not no_deref and system.stat_kind(link) == 'dir':
        link = link.rstrip('/') + '/' + target.rstrip('/').rsplit('/', 1)[-1]
    if system.exists(link, follow=False):
        if not force:
            return 1, '', "ln: failed to create symbolic link '%s': File exists\n" % link
        try:
            system.unlink(link)
        except FsError:
            pass
    try:
        system.symlink(target, link)
    except FsError as exc:
        return 1, '', "ln: failed to create symbolic link '%s': %s\n" % (link, exc.strerror)
    return 0, '', ''


@command('mkdir')
def cmd_mkdir(inv):
    parents = any(a.startswith('-') and 'p' in a for a in inv.argv[1:])
    rc, err = 0, []
    for path in [a for a in inv.argv[1:] if not a.startswith('-')]:
        try:
            inv.system.mkdir(path, parents=parents)
        except FsError as exc:
            err.append("mkdir: cannot create directory '%s': %s\n" % (path, exc.strerror))
            rc = 1
    return rc, '', ''.join(err)


@command('touch')
def cmd_touch(inv):
    rc, err = 0, []
    for path in [a for a in inv.argv[1:] if not a.startswith('-')]:
        if inv.system.exists(path):
            continue
        try:
            inv.system.fs_open_write(path, append=True)
        except FsError as exc:
            err.append("touch: cannot touch '%s': %s\n" % (path, exc.strerror))
            rc = 1
    return rc, '', ''.join(err)


@command('tee')
def cmd_tee(inv):
    append = any(a in ('-a', '--append') for a in inv.argv[1:])
    rc, err = 0, []
    for path in [a for a in inv.argv[1:] if not a.startswith('-')]:
        if path == '/dev/null':
            continue
        try:
            inv.system.fs_open_write(path, append=append)(inv.stdin)
        except FsError as exc:
            err.append('tee: %s: %s\n' % (path, exc.strerror))
            rc = 1
    return rc, inv.stdin, ''.join(err)


@command('ls')
def cmd_ls(inv):
    args = [a for a in inv.argv[1:] if not a.startswith('-')]
    only_dir = any(a.startswith('-') and 'd' in a for a in inv.argv[1:])
    out, err, rc = [], [], 0
    for path in args or ['/']:
        kind = inv.system.stat_kind(path, follow=True) or \
            inv.system.stat_kind(path, follow=False)
        if kind is None:
            err.append("ls: cannot access '%s': No such file or directory\n" % path)
            rc = 2
        elif kind == 'dir' and not only_dir:
            out.extend(n + '\n' for n in inv.system.listdir(path))
        else:
            out.append(path + '\n')
    return rc, ''.join(out), ''.join(err)


@command('stat')
def cmd_stat(inv):
    fmt, paths, follow = None, [], False
    args = inv.argv[1:]
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith('--printf=') or arg.startswith('--format='):
            fmt = arg.split('=', 1)[1]
            if arg.startswith('--format='):
                fmt += '\n'
        elif arg in ('-c', '--printf', '--format') and i + 1 < len(args):
            fmt = args[i + 1] + ('' if arg == '--printf' else '\n')
            i += 1
        elif arg in ('-L', '--dereference'):
            follow = True
        else:
            paths.append(arg)
        i += 1
    out, err, rc = [], [], 0
    for path in paths:
        kind = inv.system.stat_kind(path, follow=follow)
        if kind is None:
            err.append("stat: cannot statx '%s': No such file or directory\n" % path)
            rc = 1
            continue
        kinds = {'dir': 'directory', 'file': 'regular file', 'link': 'symbolic link',
                 'block': 'block special file', 'attr': 'regular file'}
        text = (fmt or '  File: %n\n').replace('%n', path).replace('%F', kinds[kind])
        out.append(text.replace('\\n', '\n'))
    return rc, ''.join(out), ''.join(err)


@command('readlink')
def cmd_readlink(inv):
    canon = any(a.startswith('-') and ('f' in a or 'e' in a or 'm' in a)
                for a in inv.argv[1:])
    out, rc = [], 0
    for path in [a for a in inv.argv[1:] if not a.startswith('-')]:
        if canon:
            if inv.system.exists(path):
                out.append(inv.system.realpath(path) + '\n')
            else:
                rc = 1
            continue
        kind, info = inv.system._entry(path)
        if kind == 'link':
            out.append(info + '\n')
        else:
            rc = 1
    return rc, ''.join(out), ''


@command('which')
def cmd_which(inv):
    out, rc = [], 0
    for name in inv.argv[1:]:
        if inv.system.lookup_command(name) and name not in shell_mod.BUILTINS:
            out.append('/usr/sbin/%s\n' % name)
        else:
            rc = 1
    return rc, ''.join(out), ''


@command('sudo')
def cmd_sudo(inv):
    """Runs the rest as root (the model has only root)."""
    args = inv.argv[1:]
    while args and args[0].startswith('-'):
        takes_value = args[0] in ('-u', '-g', '-C', '-p')
        args = args[2:] if takes_value else args[1:]
    if not args:
        return 1, '', 'usage: sudo command\n'
    return inv.shell.call(args, inv.stdin, inv.line)


@command('sh', 'bash')
def cmd_sh(inv):
    """``sh -c SCRIPT`` and ``bash FILE`` run in a fresh shell of the guest.

    xCAT's rExecute wraps commands as ``sudo sh -c '<cmd>'``.
    """
    args = inv.argv[1:]
    sub = shell_mod.Shell(inv.system)
    script = None
    while args:
        arg = args[0]
        if arg == '-c' and len(args) > 1:
            script = args[1]
            break
        if arg.startswith('-') and len(arg) > 1:
            rc, _, err = sub.call(['set', arg], '', inv.line)
            if rc:
                return rc, '', err
            args = args[1:]
            continue
        try:
            script = inv.system.fs_read(arg)
        except FsError as exc:
            return 127, '', '%s: %s: %s\n' % (inv.name, arg, exc.strerror)
        break
    if script is None:
        return 0, '', ''
    return sub.run(script, stdin=inv.stdin)


@command('test', '[')
def cmd_test(inv):
    args = inv.argv[1:]
    if inv.name == '[':
        if not args or args[-1] != ']':
            return 2, '', "bash: line %d: [: missing `]'\n" % inv.line
        args = args[:-1]
    try:
        return (0 if _test(inv.system, args) else 1), '', ''
    except ValueError as exc:
        return 2, '', 'bash: line %d: %s: %s\n' % (inv.line, inv.name, exc)


_FILE_TESTS = {
    '-e': lambda s, p: s.exists(p),
    '-f': lambda s, p: s.stat_kind(p) in ('file', 'attr'),
    '-d': lambda s, p: s.stat_kind(p) == 'dir',
    '-L': lambda s, p: s.stat_kind(p, follow=False) == 'link',
    '-h': lambda s, p: s.stat_kind(p, follow=False) == 'link',
    '-b': lambda s, p: s.stat_kind(p) == 'block',
    '-r': lambda s, p: s.exists(p),
    '-w': lambda s, p: s.exists(p),
    '-s': lambda s, p: s.stat_kind(p) == 'file' and bool(s.fs_read(p)),
}


def _test(system, args):
    if not args:
        return False
    if args[0] == '!':
        return not _test(system, args[1:])
    if len(args) == 1:
        return args[0] != ''
    if len(args) == 2:
        op, operand = args
        if op in _FILE_TESTS:
            return _FILE_TESTS[op](system, operand)
        if op == '-n':
            return operand != ''
        if op == '-z':
            return operand == ''
        raise ValueError('%s: unary operator expected' % op)
    if len(args) == 3:
        left, op, right = args
        if op in ('=', '=='):
            return left == right
        if op == '!=':
            return left != right
        numeric = {'-eq': int.__eq__, '-ne': int.__ne__, '-lt': int.__lt__,
                   '-le': int.__le__, '-gt': int.__gt__, '-ge': int.__ge__}
        if op in numeric:
            try:
                return numeric[op](int(left), int(right))
            except ValueError:
                raise ValueError('integer expression expected')
        raise ValueError('%s: binary operator expected' % op)
    raise ValueError('too many arguments')
