#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.
"""Persistent per-instance FCP state of one nova-compute host.

Why a file: xCAT knows which FCP devices are dedicated to which guest, but
not which volumes use them, nor reservations made by get_volume_connector,
nor how far an interrupted attach got. A JSON file under nova's state_path,
replaced atomically (write temp, fsync, rename, fsync dir) on every change,
keeps all of that across a nova-compute restart; ``init_host`` then
reconciles it with xCAT (volumeops.reconcile).

Shape (plain JSON, version 1)::

  {"version": 1,
   "instances": {
     "<instance uuid>": {
       "node": "vm1", "userid": "VM1",
       "fcps": ["1f00", "2f00"],            # one per path, path order
       "wwpns": {"1f00": "c0507...", ...},  # initiator WWPN per FCP
       "reserved_until": 1700000000.0,      # None while volumes exist
       "dedicated": ["1f00"],               # dedicated by us, not undone
       "volumes": {"<volume id>": {"state": "attached" | "pending-boot"
                                    | "boot-failed", ...}},
       "ops": {"<volume id>": {"kind": "attach" | "detach",
                               "steps": [{"name": ..., ...}, ...]}},
       "unpersist": {"<volume id>": {...}}}}}  # detached while logged
                                               # off: un-persist at boot

``ops`` is a write-ahead journal: a step is recorded BEFORE it runs, and
removed with its op when the flow ends, so after a crash every step that
may have happened is known and can be undone (undo steps are idempotent).
"""

import contextlib
import copy
import json
import logging
import os
import tempfile
import threading
import time

LOG = logging.getLogger(__name__)

VERSION = 1

ATTACHED = 'attached'
PENDING_BOOT = 'pending-boot'
BOOT_FAILED = 'boot-failed'


class StateError(Exception):
    """The state file cannot be read or written."""


def empty_state():
    return {'version': VERSION, 'instances': {}}


def new_instance(node, userid):
    return {'node': node, 'userid': userid, 'fcps': [], 'wwpns': {},
            'reserved_until': None, 'dedicated': [], 'volumes': {},
            'ops': {}}


class FcpStateStore:
    """The state file, read once and written through on every change.

    Thread-safe within one process (nova-compute is one process per host);
    ``transaction()`` hands out a deep copy and stores it only if the block
    ends without an exception, so a failing caller never half-writes.
    """

    def __init__(self, path):
        self.path = path
        self._lock = threading.RLock()
        self._state = None

    def _load(self):
        try:
            with open(self.path, encoding='utf-8') as f:
                state = json.load(f)
        except FileNotFoundError:
            return empty_state()
        except (OSError, ValueError) as e:
            # Keep the broken file for the operator; start from xCAT's view.
            aside = '%s.corrupt-%d' % (self.path, int(time.time()))
            LOG.error('FCP state file %s is unreadable (%s); moved to %s, '
                      'reconciling from xCAT', self.path, e, aside)
            try:
                os.replace(self.path, aside)
            except OSError:
                raise StateError('cannot read or move aside %s: %s'
                                 % (self.path, e))
            return empty_state()
        if not isinstance(state, dict) or state.get('version') != VERSION:
            raise StateError('%s: unsupported state version %r'
                             % (self.path, state.get('version')
                                if isinstance(state, dict) else None))
        state.setdefault('instances', {})
        return state

    def _write(self, state):
        directory = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(directory, mode=0o750, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix='.fcp_state.', dir=directory)
        try:
            with os.fdopen(fd, 'w', encoding='utf-8') as f:
                json.dump(state, f, indent=1, sort_keys=True)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)

    def read(self):
        """A deep copy of the current state (for reports and decisions)."""
        with self._lock:
            if self._state is None:
                self._state = self._load()
            return copy.deepcopy(self._state)

    @contextlib.contextmanager
    def transaction(self):
        """Yield a mutable copy; persist it when the block succeeds."""
        with self._lock:
            if self._state is None:
                self._state = self._load()
            work = copy.deepcopy(self._state)
            yield work
            if work != self._state:
                self._write(work)
                self._state = work


# -- pure helpers on the state dict ---------------------------------------

def busy_devnos(state, now, exclude=None):
    """devno -> instance uuid for FCPs held by instances.

    An instance holds its FCPs while it has volumes, in-flight ops or
    dedications, or while its reservation has not expired.
    """
    busy = {}
    for uuid, inst in state['instances'].items():
        if uuid == exclude or not holds_fcps(inst, now):
            continue
        for devno in inst['fcps']:
            busy[devno] = uuid
        for devno in inst['dedicated']:
            busy[devno] = uuid
    return busy


def holds_fcps(inst, now):
    if inst['volumes'] or inst['ops'] or inst['dedicated'] or \
            inst.get('unpersist'):
        return True
    until = inst.get('reserved_until')
    return until is not None and now < until


def volumes_on_fcp(inst, devno, exclude_volume=None):
    """Volume ids of the instance using that FCP."""
    return sorted(vid for vid, vol in inst['volumes'].items()
                  if vid != exclude_volume and devno in vol.get('fcps', ()))


def drop_expired(state, now):
    """Forget instances that hold nothing; returns their uuids."""
    gone = [uuid for uuid, inst in state['instances'].items()
            if not holds_fcps(inst, now)]
    for uuid in gone:
        del state['instances'][uuid]
    return gone
