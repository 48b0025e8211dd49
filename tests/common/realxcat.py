"""xCAT's own zvm.pm behind /xcatws, for tests: ../shared/realxcat's oracle.

The oracle (../shared/realxcat/oracle.py, next to this checkout) runs
xcat-core's zvm.pm and zvmUtils.pm for real on a sandbox zHCP, behind the
REST v1 routes the pool commands use (rinv, chhypervisor, chvm). Tests that
hold the product to it call :func:`skip_unless_available` first: a user's
clone without ../shared skips them with one line saying why.
"""

import json
import os
import shutil
import subprocess
import tempfile
import urllib.request

import fixtures

HERE = os.path.dirname(os.path.abspath(__file__))
REALXCAT = os.environ.get('REALXCAT_DIR') or os.path.normpath(
    os.path.join(HERE, '..', '..', '..', 'shared', 'realxcat'))
HEADER = '#status,wwpn,lun,size,range,owner,channel,tag'


def why_unavailable():
    """None when the oracle can run here, else the reason."""
    if not os.path.isfile(os.path.join(REALXCAT, 'oracle.py')):
        return 'no xCAT oracle at %s (set REALXCAT_DIR)' % REALXCAT
    if shutil.which('perl') is None:
        return 'perl is not installed'
    return None


def skip_unless_available(test):
    reason = why_unavailable()
    if reason:
        test.skipTest('real xCAT not available: %s' % reason)


def scenario(pools, guests=()):
    """A realxcat scenario: hypervisor zvm1, zHCP zhcp1, ``pools`` {name: rows}."""
    return {'users': {'admin': 'passw0rd'}, 'xcat_node': 'xcat',
            'hypervisor': 'zvm1', 'zhcp': 'zhcp1', 'zhcp_userid': 'ZHCP',
            'pools': pools,
            'fcp_devices': [
                {'devno': '1f00', 'chpid': '27',
                 'physical_wwpn': 'c05076ffe5005611',
                 'npiv_wwpn': 'c05076ffe5005612'},
                {'devno': '2f00', 'chpid': '3a',
                 'physical_wwpn': 'c05076ffe5007711',
                 'npiv_wwpn': 'c05076ffe5007712'}],
            'guests': list(guests)}


class RealXCATFixture(fixtures.Fixture):
    """oracle.py in a subprocess; ``url``, ``username``, ``password``."""

    username = 'admin'
    password = 'passw0rd'

    def __init__(self, pools, guests=()):
        super().__init__()
        self.scenario = scenario(pools, guests)

    def _setUp(self):
        tmp = tempfile.mkdtemp(prefix='realxcat-')
        self.addCleanup(shutil.rmtree, tmp, True)
        path = os.path.join(tmp, 'scenario.json')
        with open(path, 'w') as f:
            json.dump(self.scenario, f)
        self.proc = subprocess.Popen(
            ['python3', os.path.join(REALXCAT, 'oracle.py'), '--scenario',
             path, '--sandbox', os.path.join(tmp, 'sb'), '--port', '0'],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.addCleanup(self._stop)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError('realxcat oracle did not start')
        self.url = json.loads(line)['url']

    def _stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()

    def pool_text(self, pool):
        """The pool file as zvm.pm left it (None when it does not exist)."""
        with urllib.request.urlopen('%s/_oracle/pool_text?pool=%s'
                                    % (self.url, pool), timeout=30) as r:
            return json.loads(r.read().decode())

    def rows(self, pool):
        text = self.pool_text(pool) or ''
        return [ln for ln in text.splitlines() if ln and ln != HEADER]
