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
"""Polling with a deadline, and an ordered undo list for rollback."""

import time

from oslo_log import log as logging

from cinder_zvm.hostattach import errors

LOG = logging.getLogger(__name__)


class Waiter(object):
    """Polls a condition until it holds or a timeout passes.

    The kernel (udev, zfcp) creates device nodes asynchronously, so the
    host attach polls. Clock and sleep are attributes so that unit tests
    can run timeouts without waiting.
    """

    def __init__(self, timeout, interval=0.1, clock=time.monotonic,
                 sleep=time.sleep):
        self.timeout = timeout
        self.interval = interval
        self.clock = clock
        self.sleep = sleep

    def until(self, condition, what, timeout=None, raise_on_timeout=True):
        """Return True once condition() is true; on timeout raise or False.

        :param what: what is awaited, for the error ("LUN ... to appear").
        """
        timeout = self.timeout if timeout is None else timeout
        deadline = self.clock() + timeout
        while True:
            if condition():
                return True
            if self.clock() >= deadline:
                if raise_on_timeout:
                    raise errors.DeviceWaitTimeout(what=what,
                                                   timeout=timeout)
                return False
            self.sleep(self.interval)


class UndoList(object):
    """Undo actions of a half-done operation, run in reverse order.

    Every rollback step is attempted even when an earlier one fails; the
    failures are logged (the original error is what the caller re-raises)
    and returned.
    """

    def __init__(self):
        self._steps = []

    def push(self, description, func, *args, **kwargs):
        self._steps.append((description, func, args, kwargs))

    def extend(self, other):
        """Take over the steps of ``other`` (after the ones already here)."""
        self._steps.extend(other._steps)
        other._steps = []

    def __len__(self):
        return len(self._steps)

    def clear(self):
        self._steps = []

    def run(self):
        failures = []
        while self._steps:
            description, func, args, kwargs = self._steps.pop()
            try:
                LOG.debug('Rollback: %s', description)
                func(*args, **kwargs)
            except Exception as exc:
                LOG.error('Rollback step failed: %(step)s: %(error)s',
                          {'step': description, 'error': exc})
                failures.append((description, exc))
        return failures
