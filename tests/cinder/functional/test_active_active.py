"""Two cinder-volume processes of one cluster never hand out one LUN twice.

The simulator runs "unlocked": like xCAT's sed-over-ssh pool edits, two
overlapping ``--reservezfcp`` calls can both pick the same free LUN.  Two
worker processes (aa_worker: cinder-volume's start-up of one backend,
cluster ``aa``, shared tooz file-lock backend) create volumes concurrently.
With the driver's coordination lock: no LUN goes to two volumes.  The
control run without the lock shows the race is real, so the first result
means something.
"""

import json
import os
import subprocess
import sys

import fixtures
import testtools

from zvm_sim.fixture import SimulatorFixture

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
LUNS = 40
PER_WORKER = 12


def topology():
    entries = [{'status': 'free', 'wwpn': '500507680b21bac6',
                'lun': '40%02x400000000000' % n, 'size': '1G',
                'range': '1f00-1f0f'} for n in range(LUNS)]
    return {'users': {'admin': 'passw0rd'}, 'xcat_node': 'xcat',
            'systems': [{'hypervisor': 'zvm1', 'zhcp': 'zhcp1',
                         'fcp_devices': [{'devno': '1f00', 'chpid': '27',
                                          'physical_wwpn': 'c05076ffe5005611',
                                          'npiv_wwpn': 'c05076ffe5005612'}],
                         'pools': {'gold': entries}, 'guests': []}]}


class ActiveActiveTest(testtools.TestCase):
    """Plain testtools: the workers are the cinder processes here."""

    def setUp(self):
        super().setUp()
        self.sim = self.useFixture(SimulatorFixture(topology=topology(),
                                                    subprocess=True))
        self.sim.admin.set_unlocked(True, delay=0.05)
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.conf = os.path.join(self.tmp, 'cinder.conf')
        with open(self.conf, 'w') as f:
            f.write('[DEFAULT]\nhost = aahost\ncluster = aa\n'
                    'enabled_backends = zvm1\ntransport_url = fake://\n'
                    'lock_path = %(tmp)s\n'
                    '[coordination]\nbackend_url = file://%(tmp)s/locks\n'
                    '[zvm1]\nvolume_driver = cinder_zvm.driver.ZVMFCPDriver\n'
                    'volume_backend_name = zvm1\n'
                    'zvm_xcat_server = %(url)s\nzvm_xcat_username = %(u)s\n'
                    'zvm_xcat_password = %(p)s\nzvm_host = zvm1\n'
                    'zvm_scsi_pool = gold\n'
                    % {'tmp': self.tmp, 'url': self.sim.url,
                       'u': self.sim.username, 'p': self.sim.password})

    def run_workers(self, *extra):
        procs = [subprocess.Popen(
            [sys.executable, '-m', 'tests.cinder.functional.aa_worker',
             self.conf, str(PER_WORKER)] + list(extra),
            cwd=TOP, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True) for _ in range(2)]
        results = []
        for proc in procs:
            out, err = proc.communicate(timeout=300)
            self.assertEqual(0, proc.returncode, err[-3000:])
            results += [json.loads(line) for line in out.splitlines()
                        if line.startswith('{')]
        self.assertEqual(2 * PER_WORKER, len(results))
        return results

    def double_allocations(self, results):
        by_lun = {}
        for r in results:
            if 'lun' in r:
                by_lun.setdefault(r['lun'], []).append(r['id'])
        return {lun: ids for lun, ids in by_lun.items() if len(ids) > 1}

    def test_locked_cluster_never_double_allocates(self):
        results = self.run_workers()
        errors = [r for r in results if 'error' in r]
        self.assertEqual([], errors)
        self.assertEqual({}, self.double_allocations(results))
        rows = self.sim.admin.pool('zvm1', 'gold')
        owners = [r['owner'] for r in rows if r['status'] == 'reserved']
        self.assertEqual(sorted('volume-' + r['id'] for r in results),
                         sorted(owners))

    def test_without_the_lock_the_race_is_real(self):
        results = self.run_workers('--no-lock')
        doubles = self.double_allocations(results)
        # create_volume reads its reservation back: a create whose row was
        # taken over by the other worker fails instead of sharing the LUN.
        lost = [r for r in results if 'error' in r and
                'xCAT reported it done' in r['error']]
        self.assertTrue(doubles or lost, 'the unlocked simulator did not '
                        'race: the locked test would prove nothing')
