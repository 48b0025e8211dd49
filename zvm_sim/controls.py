"""Test controls: injected faults, per-command latency and the call log.

A fault matches a request by method, resource, option and node (each optional;
``None`` matches anything) and then acts:

- ``error``: HTTP 200 with an xCAT error message (``text``), command not run;
- ``status``: that HTTP status with an HTML ``<p>text</p>`` body, not run;
- ``delay``: sleep ``delay`` seconds, then run normally;
- ``drop``: close the connection without a response;
- ``malformed``: HTTP 200 with a body that is not JSON;
- xdsh only, the command runs in the guest: ``stderr`` adds ``text`` as a
  line of the command's stderr (a tool's warning on a run that worked);
  ``guest_fail`` makes the guest command named ``text`` fail during that
  run (rc 1, ``<text>: injected failure`` on stderr), like a broken tool.

``after`` skips the first N matching requests; ``count`` is how many times the
fault fires (0 = for ever).  With ``execute=True`` (an extension of the
internals.rst API) the command runs before an error/status/drop/malformed
answer, which shows a client a failure for a change that did reach xCAT.
"""

import threading
import time

ACTIONS = ('error', 'status', 'delay', 'drop', 'malformed', 'stderr', 'guest_fail')
GUEST_ACTIONS = ('stderr', 'guest_fail')


class Fault:
    def __init__(self, method=None, resource=None, option=None, node=None, action='error',
                 text=None, status=None, delay=None, count=1, after=0, execute=False):
        if action not in ACTIONS:
            raise ValueError('unknown fault action %r' % action)
        self.method = method.upper() if method else None
        self.resource, self.option, self.node = resource, option, node
        self.action, self.text, self.status = action, text, status
        self.delay = float(delay or 0)
        self.count, self.after, self.execute = int(count or 0), int(after or 0), bool(execute)
        self.seen = 0
        self.fired = 0

    def matches(self, call):
        return ((self.method is None or self.method == call['method']) and
                (self.resource is None or self.resource in (call['resource'],
                                                            call['path'])) and
                (self.option is None or self.option == call['option']) and
                (self.node is None or self.node == call['node']))

    def to_dict(self):
        return {k: getattr(self, k) for k in ('method', 'resource', 'option', 'node', 'action',
                                              'text', 'status', 'delay', 'count', 'after',
                                              'execute', 'seen', 'fired')}


class Controls:
    def __init__(self):
        self._lock = threading.Lock()
        self.faults = []
        self.latency = {}
        self.calls = []

    def reset(self):
        with self._lock:
            self.faults, self.latency, self.calls = [], {}, []

    def add_fault(self, **kwargs):
        fault = Fault(**kwargs)
        with self._lock:
            self.faults.append(fault)
        return fault.to_dict()

    def clear_faults(self):
        with self._lock:
            self.faults = []

    def take_fault(self, call):
        """The fault that fires for this call, if any (counts consumed here)."""
        with self._lock:
            for fault in self.faults:
                if not fault.matches(call):
                    continue
                fault.seen += 1
                if fault.seen <= fault.after:
                    continue
                if fault.count and fault.fired >= fault.count:
                    continue
                fault.fired += 1
                return fault
        return None

    def set_latency(self, option, seconds):
        with self._lock:
            if seconds:
                self.latency[option] = float(seconds)
            else:
                self.latency.pop(option, None)

    def wait_latency(self, option):
        with self._lock:
            delay = self.latency.get(option, self.latency.get('*', 0.0))
        if delay:
            time.sleep(delay)

    def log(self, call):
        with self._lock:
            self.calls.append(call)

    def get_calls(self):
        with self._lock:
            return list(self.calls)

    def clear_calls(self):
        with self._lock:
            self.calls = []
