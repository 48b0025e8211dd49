"""The /_sim test controls: faults, latency, call log, reset, unlocked pool edits."""

import threading
import time

import requests

from tests.common.functional import simbase


class TestFaults(simbase.SimTestCase):

    def test_error_fault_not_executed(self):
        self.sim.admin.add_fault(option='--reservezfcp', action='error', text='(Error) boom')
        data = self.hv('--reservezfcp gold reserved volume-1 auto 1G')
        self.assertEqual(['(Error) boom'], self.errors(data))
        self.assertFalse(any(r['owner'] for r in self.rows('gold')))
        data = self.hv('--reservezfcp gold reserved volume-1 auto 1G')
        self.assertEqual([], self.errors(data))

    def test_status_fault_with_after_and_count(self):
        self.sim.admin.add_fault(method='GET', resource='version', action='status', status=503,
                                 text='busy', after=1, count=2)
        codes = [self.request('GET', 'version').status_code for _ in range(4)]
        self.assertEqual([200, 503, 503, 200], codes)

    def test_drop_fault_executed_first(self):
        """execute=True: the change reaches xCAT, the client sees a dropped connection."""
        self.sim.admin.add_fault(option='--dedicatedevice', node='vm1', action='drop',
                                 execute=True)
        self.assertRaises(requests.ConnectionError, self.request, 'PUT', 'vms/vm1',
                          ['--dedicatedevice 1f03 1f03 0'])
        self.assertIn('1f03', self.sim.admin.guest('vm1')['directory'])

    def test_malformed_fault(self):
        self.sim.admin.add_fault(resource='version', action='malformed')
        resp = self.request('GET', 'version')
        self.assertEqual(200, resp.status_code)
        self.assertRaises(ValueError, resp.json)

    def test_delay_fault_then_normal(self):
        self.sim.admin.add_fault(resource='version', action='delay', delay=0.3)
        start = time.time()
        self.get('version')
        self.assertGreaterEqual(time.time() - start, 0.3)

    def test_latency_per_option(self):
        self.sim.admin.set_latency('--releasezfcp', 0.3)
        start = time.time()
        self.get('version')
        self.assertLess(time.time() - start, 0.3)
        start = time.time()
        self.hv('--releasezfcp gold')
        self.assertGreaterEqual(time.time() - start, 0.3)

    def test_reset_back_to_topology(self):
        self.hv('--reservezfcp gold reserved volume-1 auto 1G')
        self.chvm('vm1', '--dedicatedevice 1f03 1f03 0')
        self.sim.admin.reset()
        self.assertFalse(any(r['owner'] for r in self.rows('gold')))
        self.assertNotIn('1f03', self.sim.admin.guest('vm1')['directory'])
        self.assertEqual([], self.sim.admin.calls())


class TestConcurrency(simbase.SimTestCase):

    def reserve_many(self, n):
        results = [None] * n

        def work(i):
            data = self.put('hypervisor/zvm1', '--reservezfcp gold reserved volume-%d auto 1G'
                            % i)
            results[i] = self.infos(data)[-1]

        threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return results

    def test_locked_mode_hands_out_distinct_luns(self):
        results = self.reserve_many(4)
        self.assertEqual(4, len(set(r.split('/')[-1] for r in results)))
        owners = sorted(r['owner'] for r in self.rows('gold') if r['owner'])
        self.assertEqual(['volume-0', 'volume-1', 'volume-2', 'volume-3'], owners)

    def test_unlocked_mode_reproduces_xcat_race(self):
        """Unlocked: two concurrent reservations get the same LUN, as with xCAT.

        xCAT edits pool files with cat/sed over ssh without a lock: both requests
        pick the same free line and both are told it is theirs.
        """
        self.sim.admin.set_unlocked(True, delay=0.3)
        results = self.reserve_many(2)
        self.assertEqual(1, len(set(r.split('/')[-1] for r in results)), results)
        owners = [r['owner'] for r in self.rows('gold') if r['owner']]
        self.assertEqual(1, len(owners))

    def test_unlocked_mode_loses_one_of_two_line_edits(self):
        """Unlocked: two writers of different lines, one update is lost.

        zvmUtils.pm findAndUpdatezFcpPool (xcat-core perl-xCAT/xCAT/
        zvmUtils.pm:3930-3955) re-reads the file with ssh cat and rewrites
        it whole with ssh sed --in-place; a rewrite from an older read
        drops the other writer's line.  Both requests are told "Done".
        """
        free = [r for r in self.rows('gold') if r['status'] == 'free'][:2]
        self.sim.admin.set_unlocked(True, delay=0.3)

        def work(i):
            self.put('hypervisor/zvm1', '--reservezfcp gold reserved volume-%d '
                     'auto 0M %s %s' % (i, free[i]['wwpn'], free[i]['lun']))

        threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
            time.sleep(0.15)   # not in lockstep: the window, not luck
        for t in threads:
            t.join()
        owners = sorted(r['owner'] for r in self.rows('gold') if r['owner'])
        self.assertEqual(1, len(owners), owners)

    def test_requests_run_concurrently(self):
        """Latency (SMAPI time) does not serialise requests."""
        self.sim.admin.set_latency('*', 0.5)
        start = time.time()
        threads = [threading.Thread(target=self.get, args=('version',)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertLess(time.time() - start, 1.5)


class TestAdminToken(simbase.SimTestCase):

    def test_token_required_when_configured(self):
        from zvm_sim import admin_client
        self.sim.server.app.admin_token = 's3cret'
        self.assertRaises(admin_client.AdminError, self.sim.admin.calls)
        ok = admin_client.AdminClient(self.sim.url, token='s3cret')
        self.addCleanup(ok.close)
        self.assertEqual([], [c for c in ok.calls() if c['resource'] == 'nosuch'])
