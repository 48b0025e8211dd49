"""xdsh's reply shaping (xdsh.pm 1274-1316, DSHCLI.pm, DSHCore.pm). Pure.

Written from xcat-core and held against it: tests/oracle/test_dsh_diff.py runs
xCAT's own xdsh.pm/DSHCLI.pm on the same commands (realxcat) and requires
equal replies. What it reproduces, for one node and the default (buffered,
not ``-s``) run:

- the remote command (DSHCLI.pm fork_fanout_dsh 1097-1116): the command loses
  trailing white space and one trailing ``;``, gets ``export NODE=<node>; ``
  and the locale pre-command in front and, unless it ends with ``&``, the
  post-command ``; export DSH_TARGET_RC=$?; echo ":DSH_TARGET_RC=...:"``
  (config_dsh 2605-2621, ``export`` being ``$env_set``). So a script's final
  newline is harmless, and a last line that is a comment swallows the
  post-command;
- each stream goes through DSHCore.pm pipe_handler_buffer (498-640) read by read (4096
  bytes): complete lines get ``<node>: `` in front, a final line without a
  newline is dropped, trailing empty lines are dropped (Perl ``split``), the
  ``:DSH_TARGET_RC=N:`` line is cut out and N kept; each read is one element;
- DSHCLI.pm 580-597: one ``data`` message with the stdout elements, one
  ``error`` message with the stderr elements (NoErrorPrefix, errorcode 0), each
  element chomped, each message only when it has text;
- DSHCLI.pm 604-690 (610, 678): the node failed when ssh's exit code (the remote
  command's status) is not 0, or when the status N is not 0; when ssh exited 0
  and no status came (an ``exit 0``, a commented-out post-command) the error
  " A return code for the command run on the host <node> was not received."
  follows; a background command (``&``) never has a status and is not failed;
- xdsh.pm 1313: the closing ``{"errorcode": [<failed nodes>]}``.

Not modelled: the locale pre-command is a fixed text (DSHCLI runs the
management node's /usr/bin/locale); the guest model ignores it either way.
"""

import re

# DSHCLI.pm 2616 (bash syntax).
POST_COMMAND = '; export DSH_TARGET_RC=$?; echo ":DSH_TARGET_RC=${DSH_TARGET_RC}:"'
# DSHCLI.pm 2550-2585 builds it from /usr/bin/locale (2557) on the management node.
LOCALE_PRE_COMMAND = 'export LANG=C.UTF-8 LC_ALL= PERL_BADLANG=0 ; '
NOT_RECEIVED = ' A return code for the command run on the host %s was not received.'
READ_SIZE = 4096    # DSHCLI.pm buffer_output/buffer_error: pipe_handler_buffer(..., 4096)


def remote_command(node, command):
    """(text the remote shell runs, background?) for ``command`` (DSHCLI.pm 1097-1116)."""
    command = re.sub(r'\s*$', '', command)
    if command.endswith(';'):
        command = command[:-1]
    background = command.endswith('&')
    post = '' if background else POST_COMMAND
    return 'export NODE=%s; %s%s%s' % (node, LOCALE_PRE_COMMAND, command, post), background


def _perl_split(text, separator):
    """Perl ``split``: trailing empty fields dropped."""
    fields = text.split(separator)
    while fields and fields[-1] == '':
        fields.pop()
    return fields


def label_stream(node, text):
    """(elements, target_rc) of one stream (DSHCore.pm pipe_handler_buffer 498-640).

    ``target_rc`` is the text after ``=`` of a ``:DSH_TARGET_RC=...:`` line, or None.
    """
    label = node + ': '
    elements, pending, target_rc = [], [], None
    for start in range(0, len(text), READ_SIZE):
        chunk = text[start:start + READ_SIZE]
        if chunk in ('\n', '\n\n') and not pending:   # Perl /^\n$/
            chunk = label + chunk      # keep a blank line
        lines = _perl_split(chunk, '\n')
        if pending:
            lines[:1] = [pending.pop() + (lines[0] if lines else '')]
        if not chunk.endswith('\n'):
            pending.append(lines.pop() if lines else '')
        if not lines:
            continue
        chunk = '\n'.join(lines) + '\n'
        if ':DSH_TARGET_RC=' in chunk:
            begin = chunk.index(':DSH_TARGET_RC')
            end = chunk.find(':', begin + 1)
            # my ($discard, $target_rc) = split '=', ...: an implied limit of 3
            # keeps an empty status ('', which counts as 0).
            fields = (chunk[begin:end] if end >= 0 else chunk[begin:-1]).split('=', 2)
            target_rc = fields[1] if len(fields) > 1 else None
            chunk = chunk.replace(':DSH_TARGET_RC=%s:\n' % (target_rc or ''), '')
        if chunk != '':
            if chunk != label + '\n':
                chunk = label + chunk
            if not chunk.endswith('\n'):
                chunk += '\n'
        chunk = chunk.replace('\n', '\n' + label)
        if chunk.endswith('\n' + label):
            chunk = chunk[:-len(label)]
        elements.append(chunk)
    # A final line without a newline stays in the read buffer: never shown.
    return elements, target_rc


def _chomped(elements):
    if elements == ['']:
        return []
    return [e[:-1] if e.endswith('\n') else e for e in elements]


def _numeric(text):
    """Perl's numeric value of a status text ('' and 'x' are 0)."""
    m = re.match(r'\s*[-+]?[0-9]+', text or '')
    return int(m.group(0)) if m else 0


def messages(node, out, err, exit_code, background=False):
    """The reply messages of one node's run (DSHCLI.pm 580-690, xdsh.pm 1313)."""
    out_elements, rc_out = label_stream(node, out)
    err_elements, rc_err = label_stream(node, err)
    target_rc = rc_err if rc_err is not None else rc_out
    msgs = []
    data = _chomped(out_elements)
    if data:
        msgs.append({'data': data})
    errors = _chomped(err_elements)
    if errors:
        msgs.append({'error': errors, 'NoErrorPrefix': ['1'], 'errorcode': ['0']})
    if exit_code:
        failed = 1
    elif target_rc is not None:
        failed = 1 if _numeric(target_rc) else 0
    elif background:
        failed = 0
    else:
        msgs.append({'error': [NOT_RECEIVED % node], 'errorcode': ['1']})
        failed = 1
    msgs.append({'errorcode': [str(failed)]})
    return msgs
