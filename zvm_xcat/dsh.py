# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.
"""What an xdsh reply says about the command it ran. Pure.

xdsh replies are not zvm.pm replies (xcat-core xdsh.pm 1280-1316,
perl-xCAT/xCAT/DSHCLI.pm 580-690 and 2605-2621, DSHCore.pm
pipe_handler_buffer):

- the command's stdout comes back in ``data`` elements, every line as
  ``<node>: <line>``;
- EVERY stderr line comes back in an ``error`` element (``<node>: `` in
  front, ``NoErrorPrefix``, errorcode 0), also when the command worked;
- xdsh appends ``; export DSH_TARGET_RC=$?; echo ":DSH_TARGET_RC=...:"``
  and reads the status from that line. A command that runs to its end with
  a non-zero status adds no error element: the only sign is the closing
  ``{"errorcode": ["N"]}``, N the number of failed nodes;
- a command that exits before that echo with a non-zero status (``exit 3``,
  a ``set -e`` stop) fails with ssh's exit status, also with no error
  element of its own (DSHCLI.pm 610);
- one that exits 0 before it (``exit 0``, a last line that is a comment)
  comes back as the error " A return code for the command run on the host
  <node> was not received.", without a status (DSHCLI.pm 664-681).

Shown by running xCAT's own xdsh.pm/DSHCLI.pm: tests/oracle/test_dsh_diff.py.

So an error element is not a failure and its absence is not a success.
:func:`parse` turns the reply into a :class:`DshResult`; callers decide.
"""

import dataclasses
import re

from zvm_xcat import redact

_NOT_RECEIVED = re.compile(
    r'A return code for the command run on the host \S+ was not received')


@dataclasses.dataclass(frozen=True)
class DshResult:
    """One node's run of an xdsh command."""

    node: str
    stdout: tuple = ()      # lines, without the "<node>: " prefix
    stderr: tuple = ()      # lines (the command's, ssh's), prefix removed
    errorcode: int = None   # failed nodes per xCAT's closing element
    status_received: bool = True

    @property
    def ok(self):
        """xdsh's own verdict: a status came back and it was 0."""
        return self.status_received and self.errorcode == 0

    def node_lines(self, node):
        """The stdout lines (for callers of the generic XCATResult API)."""
        return list(self.stdout) if node == self.node else []

    def summary(self):
        """A short text for logs and errors (no output body)."""
        if not self.status_received:
            status = 'no return code received'
        elif self.errorcode is None:
            status = 'no status'
        else:
            status = 'errorcode %d' % self.errorcode
        tail = ' | '.join(self.stderr[-4:])
        return '%s%s' % (status, ('; stderr: %s' % tail) if tail else '')


def _strip(line, prefix):
    return line[len(prefix):] if line.startswith(prefix) else line


def parse(result, node):
    """The :class:`DshResult` of one node's ``PUT nodes/<node>/dsh`` reply.

    ``result`` is the :class:`zvm_xcat.parsers.XCATResult` of the reply.
    """
    prefix = node + ': '
    stderr, received = [], True
    for text in tuple(result.errors) + tuple(result.warnings):
        for line in text.split('\n'):
            if not line.strip():
                continue
            if _NOT_RECEIVED.search(line):
                received = False
                continue
            stderr.append(redact.redact(_strip(line, prefix)))
    codes = [c.strip() for c in result.errorcode if c and c.strip()]
    errorcode = None
    if codes and codes[-1].isdigit():
        # The closing element is the last one xdsh.pm sends.
        errorcode = int(codes[-1])
    return DshResult(node=node, stdout=tuple(result.node_lines(node)),
                     stderr=tuple(stderr), errorcode=errorcode,
                     status_received=received)
