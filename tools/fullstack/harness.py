"""The scenarios' machinery: steps with timings, programs, state comparison.

Pure parts (state comparison, the step bookkeeping) are tested in
tests/common/unit/test_fullstack.py; the rest runs programs.
"""

import argparse
import json
import re
import subprocess
import time


class StepFailed(Exception):
    """A step's assertion or command failed; the message says which."""


class Fatal(StepFailed):
    """A failure no waiting can mend (e.g. a volume in error): stop polling."""


class CLIError(StepFailed):
    def __init__(self, argv, rc, out, err):
        self.argv, self.rc, self.out, self.err = argv, rc, out, err
        super().__init__('%s exited %s: %s' % (
            ' '.join(argv[:1] + argv[-4:]), rc, (err or out).strip()[-800:]))


def nova_connection_info(flat, volume_id):
    """connection_info as nova hands it to its driver, from cinder's reply.

    Cinder's attachment API returns the driver's ``data`` flattened with
    ``driver_volume_type`` and ``attachment_id`` (and nova-facing fields);
    nova (nova.volume.cinder._translate_attachment_ref) splits them back
    into ``{'driver_volume_type', 'data'}`` and adds the volume id as
    ``serial``. We do the same so that our nova driver gets what nova
    would give it.
    """
    data = dict(flat or {})
    driver_volume_type = data.pop('driver_volume_type', None)
    for key in ('attachment_id', 'status', 'instance', 'attach_mode'):
        data.pop(key, None)
    return {'driver_volume_type': driver_volume_type, 'data': data,
            'serial': volume_id}


def size_mib(text):
    """'2G' / '512M' (xCAT pool sizes) -> MiB; unknown sizes sort last."""
    text = (text or '').strip().upper()
    try:
        if text.endswith('G'):
            return int(float(text[:-1]) * 1024)
        if text.endswith('M'):
            return int(float(text[:-1]))
    except ValueError:
        pass
    return float('inf')


# -- simulator state ------------------------------------------------------

# Read-back parts that record history rather than state.
IGNORED_KEYS = frozenset({'calls', 'call_log', 'faults', 'latency', 'clock'})

# Differences that are not a leaked resource, each with the reason; the
# patterns match a whole diff line of state_diff. A real system keeps these
# after a detach too, and none holds a LUN, an FCP device or a guest
# configuration entry. They are reported, not failed.
HISTORY = (
    (re.compile(r'/next_\w+: '), 'allocation counters (SCSI host / dm numbers)'),
    (re.compile(r'/files/files//etc/multipath/'), "multipath's own WWID/binding memory"),
    (re.compile(r'/kernel/ports/'), 'remote ports seen by a port scan (the fabric)'),
    (re.compile(r'/kernel/cio_(freed|added): '), 'cio_ignore list history'),
    # xCAT's --removefilesysnode deletes its rule lines but keeps the file.
    (re.compile(r'/files/files//etc/udev/rules\.d/56-zfcp\.rules: added ""$'),
     "xCAT's emptied 56-zfcp.rules"),
)


def _hollow(value):
    """True for a container with no leaf value (e.g. {'wwpn': []})."""
    if isinstance(value, dict):
        return all(_hollow(v) for v in value.values())
    if isinstance(value, list):
        return all(_hollow(v) for v in value)
    return False


def state_diff(before, after, path='', ignore=IGNORED_KEYS):
    """Paths where two JSON states differ (ignoring call logs).

    Returns a list of 'path: before -> after' strings, empty when equal.
    A key that appears or disappears holding only empty containers is no
    difference.
    """
    diffs = []
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after), key=str):
            if key in ignore:
                continue
            sub = '%s/%s' % (path, key)
            if key not in before:
                if not _hollow(after[key]):
                    diffs.append('%s: added %s' % (sub, _short(after[key])))
            elif key not in after:
                if not _hollow(before[key]):
                    diffs.append('%s: removed %s' % (sub, _short(before[key])))
            else:
                diffs.extend(state_diff(before[key], after[key], sub, ignore))
    elif isinstance(before, list) and isinstance(after, list) and \
            len(before) == len(after):
        for i, (a, b) in enumerate(zip(before, after)):
            diffs.extend(state_diff(a, b, '%s[%d]' % (path, i), ignore))
    elif before != after:
        diffs.append('%s: %s -> %s' % (path or '/', _short(before), _short(after)))
    return diffs


def split_history(diffs, rules=HISTORY):
    """(leaks, [(diff, reason)]): separate history from real differences."""
    leaks, history = [], []
    for diff in diffs:
        for pattern, reason in rules:
            if pattern.search(diff):
                history.append((diff, reason))
                break
        else:
            leaks.append(diff)
    return leaks, history


def _short(value, limit=200):
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= limit else text[:limit] + '...'


# -- steps ---------------------------------------------------------------

class Steps:
    """Ordered steps; each prints PASS/FAIL/SKIP with its time.

    A step runs only when the steps it needs passed; otherwise it fails
    as blocked (so a broken early step cannot hide behind skips). A step
    marked for one driver is skipped (not failed) on the other.
    """

    def __init__(self, driver, out=print, t0_ns=None, clock=time.monotonic_ns):
        self.driver = driver
        self.out = out
        self.clock = clock
        self.t0 = t0_ns
        self.steps = []
        self.results = {}
        self.timings = {}
        self.notes = {}

    def add(self, name, func, needs=(), driver=None):
        self.steps.append((name, func, tuple(needs), driver))

    def _say(self, text):
        if self.t0 is not None:
            ms = (time.time_ns() - self.t0) // 1000000
            text = '[%4d.%ds] %s' % (ms // 1000, ms % 1000 // 100, text)
        self.out(text)

    def run(self):
        for name, func, needs, driver in self.steps:
            if driver and driver != self.driver:
                self.results[name] = 'skip'
                self.notes[name] = 'needs driver %s' % driver
                self._say('SKIP %s (needs driver %s)' % (name, driver))
                continue
            blocked = [n for n in needs if self.results.get(n) != 'pass']
            if blocked:
                self.results[name] = 'fail'
                self.notes[name] = 'blocked: %s did not pass' % ', '.join(blocked)
                self._say('FAIL %s (blocked: %s did not pass)' % (name, ', '.join(blocked)))
                continue
            self._say('step %s ...' % name)
            start = self.clock()
            try:
                note = func()
                self.results[name] = 'pass'
            except Exception as e:   # every failure is reported, none stops the run
                note = '%s: %s' % (type(e).__name__, e)
                self.results[name] = 'fail'
            ms = (self.clock() - start) // 1000000
            self.timings[name] = ms
            self.notes[name] = note
            word = 'PASS' if self.results[name] == 'pass' else 'FAIL'
            self._say('%s %s (%d ms)%s' % (word, name, ms, (': %s' % note) if note else ''))
        return self.counts()

    def report(self):
        """Every planned step with its result, duration and note.

        The result is 'pass', 'fail', 'skip' or 'not-run'.
        """
        return [{'name': name, 'result': self.results.get(name, 'not-run'),
                 'ms': self.timings.get(name), 'note': self.notes.get(name)}
                for name, _f, _n, _d in self.steps]

    def counts(self):
        values = list(self.results.values())
        return (values.count('pass'), values.count('fail'), values.count('skip'))


# -- programs ----------------------------------------------------------------

def run_steps(steps, counts_path, results_path, cli_log, cli_name):
    """Run the planned steps, write their counts and report, print the summary.

    The summary names the slowest CLI calls. Returns the process exit
    status (1 when a step failed).
    """
    start = time.monotonic()
    passed, failed, skipped = steps.run()
    with open(counts_path, 'w', encoding='utf-8') as f:
        f.write('%d %d %d\n' % (passed, failed, skipped))
    if results_path:
        with open(results_path, 'w', encoding='utf-8') as f:
            json.dump(steps.report(), f, indent=1)
    slow = sorted(cli_log, key=lambda c: -c[2])[:5]
    steps.out('scenario done in %.1f s: %d steps passed, %d failed, %d skipped; '
              '%d %s CLI calls (slowest: %s)'
              % (time.monotonic() - start, passed, failed, skipped, len(cli_log),
                 cli_name, ', '.join('%s %.1fs' % (c[0], c[2]) for c in slow)))
    return 1 if failed else 0


# The options every openstack-CLI scenario takes from tools/fullstack.sh.
SCENARIO_OPTIONS = (('--sim-url', {'required': True}),
                    ('--sim-ca', {'default': ''}),
                    ('--workdir', {'required': True}),
                    ('--counts', {'required': True}),
                    ('--results', {'default': None}),
                    ('--t0-ns', {'type': int, 'default': None}))


def planned_steps(scenario_class, **options):
    """The step names a scenario plans, without running or reaching anything.

    ``options`` are the scenario's own options beyond SCENARIO_OPTIONS.
    """
    args = argparse.Namespace(sim_url='http://127.0.0.1:9', sim_ca='',
                              workdir='/nonexistent', **options)
    steps = Steps('zvm', out=lambda s: None)
    scenario_class(args).plan(steps)
    return [name for name, _func, _needs, _driver in steps.steps]


def scenario_main(prog, scenario_class, argv=None, extra_options=()):
    """Plan and run an openstack-CLI scenario: its program's main().

    ``scenario_class(args)`` has ``plan(steps)`` and ``os`` (the CLI
    runner whose log the summary reads). Returns the exit status.
    """
    p = argparse.ArgumentParser(prog=prog)
    for flag, kwargs in tuple(SCENARIO_OPTIONS) + tuple(extra_options):
        p.add_argument(flag, **kwargs)
    args = p.parse_args(argv)
    steps = Steps('zvm', out=lambda s: print(s, flush=True), t0_ns=args.t0_ns)
    scenario = scenario_class(args)
    scenario.plan(steps)
    return run_steps(steps, args.counts, args.results, scenario.os.log,
                     'openstack')


def noauth_cinder(endpoint, service=False):
    """python-cinderclient's API with noauth, as nova's wrapper uses it.

    ``service``: also send ``X-Service-Roles: service``, the header
    keystonemiddleware derives from nova's service token (cinder 29 lets
    only a service delete an attachment connected to a server, bug
    2004555).
    """
    from cinderclient import client
    from cinderclient.contrib import noauth
    from keystoneauth1 import session

    class Auth(noauth.CinderNoAuthPlugin):
        def get_headers(self, session, **kwargs):
            headers = super().get_headers(session, **kwargs)
            if service:
                headers['X-Service-Roles'] = 'service'
            return headers
    auth = Auth('admin', 'admin', endpoint=endpoint)
    return client.Client('3.70', session=session.Session(auth=auth),
                         os_endpoint=endpoint)


def run(argv, timeout=120, env=None, check=True):
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
    if check and proc.returncode != 0:
        raise CLIError(argv, proc.returncode, proc.stdout, proc.stderr)
    return proc


def wait_until(check, timeout, what, interval=1.0):
    """Poll ``check()`` until it returns a true value; StepFailed after timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            value = check()
            if value:
                return value
            last = value
        except Fatal:
            raise
        except StepFailed as e:
            last = e
        if time.monotonic() >= deadline:
            raise StepFailed('%s: not reached in %ss (last: %s)' % (what, timeout, last))
        time.sleep(interval)
