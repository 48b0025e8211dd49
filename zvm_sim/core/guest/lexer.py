"""Tokeniser and parser for the guest shell subset (see internals.rst).

Pure: text in, a list of and-or lists out. The grammar is the documented
subset of bash: simple commands separated by newlines, ``;``, ``&&``,
``||`` and ``|``; ``#`` comments; POSIX quoting (single, double,
backslash); redirections ``>``, ``>>``, ``<``, ``N>``, ``N>>``, ``N>&M``,
``&>``. Words keep which characters were quoted, so that the executor can
expand ``$NAME`` and globs only where bash would.

The standard library's shlex cannot tell a quoted ``*`` from an unquoted
one nor report line numbers, which bash's error messages need, so this is a
small hand-written POSIX lexer in the same spirit.
"""

import dataclasses


class ShellSyntaxError(Exception):
    """bash's 'syntax error near unexpected token' (rc 2)."""

    def __init__(self, line, token):
        super().__init__(token)
        self.line = line
        self.token = token


@dataclasses.dataclass
class Word:
    """A shell word: a list of (text, quoted) segments."""
    parts: list

    def literal(self):
        return ''.join(text for text, _ in self.parts)


@dataclasses.dataclass
class Redirect:
    fd: int            # 0, 1 or 2
    op: str            # '>', '>>', '<', '>&'
    target: object     # Word, or int fd for '>&'


@dataclasses.dataclass
class Command:
    words: list
    redirects: list
    line: int


@dataclasses.dataclass
class Op:
    text: str
    line: int


_OPERATORS = ('&&', '||', ';', '|', '&', '\n')
_DQ_ESCAPES = '$`"\\\n'


def tokenize(text):
    """Split text into Word, Redirect-operator and Op tokens.

    Returns a list of (kind, value, line) with kind 'word', 'op' or 'redir';
    a redir value is (fd, op).
    """
    tokens = []
    i, n, line = 0, len(text), 1
    parts, cur, cur_quoted = [], [], False
    start_line = line

    def flush_seg():
        nonlocal cur
        if cur:
            parts.append((''.join(cur), cur_quoted))
            cur = []

    def flush_word():
        nonlocal parts
        flush_seg()
        if parts:
            tokens.append(('word', Word(parts), start_line))
            parts = []

    def in_word():
        return bool(parts or cur)

    while i < n:
        c = text[i]
        if c == '\\' and i + 1 < n and text[i + 1] == '\n':
            i += 2
            line += 1
            continue
        if c in ' \t':
            flush_word()
            i += 1
            continue
        if c == '#' and not in_word():
            while i < n and text[i] != '\n':
                i += 1
            continue
        if not in_word():
            start_line = line
        if c == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise ShellSyntaxError(line, "unexpected EOF while looking for matching `''")
            flush_seg()
            cur_quoted = True
            cur.extend(text[i + 1:end])
            line += text.count('\n', i, end)
            if not cur:
                parts.append(('', True))
            flush_seg()
            cur_quoted = False
            i = end + 1
            continue
        if c == '"':
            flush_seg()
            cur_quoted = True
            i += 1
            empty = True
            while True:
                if i >= n:
                    raise ShellSyntaxError(line, 'unexpected EOF while looking for matching `"\'')
                ch = text[i]
                if ch == '"':
                    break
                if ch == '\\' and i + 1 < n and text[i + 1] in _DQ_ESCAPES:
                    if text[i + 1] != '\n':
                        cur.append(text[i + 1])
                    i += 2
                    empty = False
                    continue
                if ch == '$':
                    # keep '$' marked quoted-but-expandable: segment '$' kind
                    flush_seg()
                    parts.append(('$', 'dq'))
                    i += 1
                    empty = False
                    continue
                if ch == '\n':
                    line += 1
                cur.append(ch)
                empty = False
                i += 1
            if empty and not cur:
                parts.append(('', True))
            flush_seg()
            cur_quoted = False
            i += 1
            continue
        if c == '\\':
            flush_seg()
            if i + 1 < n:
                parts.append((text[i + 1], True))
            i += 2
            continue
        if c in '<>' or (c == '&' and text[i + 1:i + 2] == '>'):
            fd = None
            if c == '&':
                # '&>' and '&>>': stdout and stderr to one file
                flush_word()
                append = text[i + 2:i + 3] == '>'
                tokens.append(('redir', ('&', '>>' if append else '>'), line))
                i += 3 if append else 2
                continue
            if cur and not parts and not cur_quoted and ''.join(cur).isdigit():
                fd = int(''.join(cur))
                cur = []
            flush_word()
            if c == '<':
                op = '<'
                i += 1
            elif text[i + 1:i + 2] == '>':
                op = '>>'
                i += 2
            elif text[i + 1:i + 2] == '&':
                op = '>&'
                i += 2
            else:
                op = '>'
                i += 1
                if text[i:i + 1] == '|':
                    i += 1
            if fd is None:
                fd = 0 if op == '<' else 1
            tokens.append(('redir', (fd, op), line))
            continue
        if c in ';|&\n':
            flush_word()
            two = text[i:i + 2]
            if two in ('&&', '||'):
                tokens.append(('op', two, line))
                i += 2
            else:
                tokens.append(('op', c, line))
                i += 1
            if c == '\n':
                line += 1
            continue
        if c == '$':
            flush_seg()
            parts.append(('$', 'unq'))
            i += 1
            continue
        cur.append(c)
        i += 1
    flush_word()
    return tokens


def parse(text):
    """Parse a script into a list of and-or lists.

    Each and-or list is a list of (connector, pipeline) where connector is
    None, '&&' or '||'; a pipeline is a list of Command.
    """
    tokens = tokenize(text)
    lists, andor, pipeline = [], [], []
    words, redirects = [], []
    connector = None
    cmd_line = None
    i = 0

    def end_command(tok_line, token):
        nonlocal words, redirects, cmd_line
        if not words and not redirects:
            raise ShellSyntaxError(tok_line, token)
        pipeline.append(Command(words, redirects, cmd_line))
        words, redirects, cmd_line = [], [], None

    while i < len(tokens):
        kind, value, tok_line = tokens[i]
        if kind == 'word':
            if cmd_line is None:
                cmd_line = tok_line
            words.append(value)
        elif kind == 'redir':
            fd, op = value
            if cmd_line is None:
                cmd_line = tok_line
            if i + 1 >= len(tokens) or tokens[i + 1][0] != 'word':
                nxt = tokens[i + 1][1] if i + 1 < len(tokens) else 'newline'
                raise ShellSyntaxError(tok_line, 'newline' if nxt == '\n' else nxt)
            target = tokens[i + 1][1]
            i += 1
            if op == '>&':
                lit = target.literal()
                if lit in ('0', '1', '2'):
                    redirects.append(Redirect(fd, '>&', int(lit)))
                else:
                    redirects.append(Redirect(fd, '>', target))
                    redirects.append(Redirect(2, '>&', 1))
            elif fd == '&':
                redirects.append(Redirect(1, op, target))
                redirects.append(Redirect(2, '>&', 1))
            else:
                redirects.append(Redirect(fd, op, target))
        else:  # operator
            if value == '|':
                end_command(tok_line, value)
            elif value in ('&&', '||'):
                end_command(tok_line, value)
                andor.append((connector, pipeline))
                pipeline = []
                connector = value
                # a newline may follow && and ||
                while i + 1 < len(tokens) and tokens[i + 1][1] == '\n':
                    i += 1
            elif value == '&':
                raise ShellSyntaxError(tok_line, '&')
            else:  # ';' or newline
                if words or redirects:
                    end_command(tok_line, value)
                elif pipeline or connector is not None:
                    raise ShellSyntaxError(tok_line, 'newline' if value == '\n' else value)
                elif value == ';':
                    raise ShellSyntaxError(tok_line, ';')
                if pipeline:
                    andor.append((connector, pipeline))
                if andor:
                    lists.append(andor)
                andor, pipeline, connector = [], [], None
        i += 1
    if words or redirects:
        end_command(cmd_line, 'newline')
    elif pipeline or connector is not None:
        raise ShellSyntaxError(tokens[-1][2], 'end of file')
    if pipeline:
        andor.append((connector, pipeline))
    if andor:
        lists.append(andor)
    return lists
