"""A fault on each xCAT call of create, delete, extend and manage.

Faults come from the simulator: an xCAT error element, HTTP 503, a delay
longer than the client's read timeout, a dropped connection, a body that
is not JSON; ``execute=True`` runs the command before the faulty answer
(the change reached xCAT, the answer was lost).  After each, cinder's
volume row has the right status and the pools are consistent (base.
assert_pools_consistent); then the volume is deleted and no LUN is left
reserved for it.
"""

import time

from cinder import exception
import ddt

from tests.cinder.functional import base
from zvm_sim.fixture import real_xcat_requested

FAULTS = [
    ('error', False), ('status', False), ('status', True), ('drop', False),
    ('drop', True), ('malformed', False), ('malformed', True), ('delay', True),
]
# The delay faults wait out the client's read timeout, so it stays short
# here, also with xCAT's own (slower) zvm.pm behind the simulator.
READ_TIMEOUT = 8.0 if real_xcat_requested() else 2.0
DELAY = READ_TIMEOUT + 1.5


def _fault(sim, option, action, execute, count=1, after=0):
    kwargs = {'option': option, 'action': action, 'count': count,
              'after': after}
    if action == 'error':
        kwargs['text'] = 'zvm1: (Error) injected failure'
    elif action == 'status':
        kwargs['status'] = 503
    elif action == 'delay':
        kwargs['delay'] = DELAY
    if action != 'delay':
        kwargs['execute'] = execute
    sim.admin.add_fault(**kwargs)


@ddt.ddt
class FaultTest(base.SimulatorTestCase):

    READ_TIMEOUT = READ_TIMEOUT

    def setUp(self):
        super().setUp()
        self.mgr = self.start_backend('zvm1')

    def settle(self, action):
        """Let a delayed command finish on the simulator, drop the faults."""
        if action == 'delay':
            time.sleep(DELAY - READ_TIMEOUT + 0.5)
        self.sim.admin.clear_faults()

    def cleanup_and_check(self, vol):
        """Delete whatever is left; no LUN may stay reserved for it."""
        row = self.db_volume(vol.id)
        if row.status != 'deleted':
            row.status = 'deleting'
            row.save()
            self.delete(row)
            self.assert_status(vol, 'deleted')
        for pool in base.BACKENDS['zvm1'][1]:
            owners = [r['owner'] for r in self.pool('zvm1', pool)]
            self.assertNotIn('volume-' + vol.id, owners)
        self.assert_pools_consistent()

    # -- create: --reservezfcp ------------------------------------------

    @ddt.data(*FAULTS)
    @ddt.unpack
    def test_create_reserve(self, action, execute):
        before = self.pool()
        _fault(self.sim, '--reservezfcp', action, execute)
        vol = self.new_volume(size=3)
        try:
            self.mgr.create_volume(self.ctxt, vol, allow_reschedule=False)
        except Exception:
            pass
        row = self.db_volume(vol.id)
        if action == 'error' or (action != 'delay' and not execute):
            # Nothing reached the pool: error, nothing reserved.
            self.assertEqual('error', row.status)
            self.assertEqual(before, self.pool())
        elif action != 'delay':
            # The reservation landed, the answer was lost: recovered.
            self.assertEqual('available', row.status)
            self.assertEqual('volume-' + vol.id, self.entry(row)['owner'])
        else:
            self.assertIn(row.status, ('available', 'error'))
        self.settle(action)
        self.assert_pools_consistent()
        self.cleanup_and_check(vol)

    def test_create_answer_lost_and_read_back_fails(self):
        # The reservation lands, its answer is lost, and the read-back fails
        # too: the volume ends in error, its LUN carries its owner, and the
        # delete of the error volume finds it by owner and quarantines it.
        _fault(self.sim, '--reservezfcp', 'drop', True)
        _fault(self.sim, '--zfcppool', 'status', False, count=0)
        vol = self.new_volume(size=3)
        self.assertRaises(exception.VolumeBackendAPIException,
                          self.mgr.create_volume, self.ctxt, vol,
                          allow_reschedule=False)
        row = self.assert_status(vol, 'error')
        self.assertIsNone(row.provider_location)
        self.settle('drop')
        owned = [r for r in self.pool() if r['owner'] == 'volume-' + vol.id]
        self.assertEqual(1, len(owned))
        self.assert_pools_consistent()
        self.cleanup_and_check(vol)
        self.assertEqual(['wipe-' + vol.id], [
            r['owner'] for r in self.pool() if r['lun'] == owned[0]['lun']])

    # -- delete: --zfcppool then --reservezfcp (wipe) or --releasezfcp ---

    @ddt.data(*FAULTS)
    @ddt.unpack
    def test_delete_read(self, action, execute):
        vol = self.create(size=1)
        # count=0: the client retries reads, so fail every attempt.
        _fault(self.sim, '--zfcppool', action, execute, count=0)
        vol.status = 'deleting'
        vol.save()
        try:
            self.delete(vol)
        except Exception:
            pass
        self.assert_status(vol, 'error_deleting')
        self.assertEqual('volume-' + vol.id, self.entry(vol)['owner'])
        self.settle(action)
        self.assert_pools_consistent()
        self.cleanup_and_check(vol)

    @ddt.data(*[(a, e, clear) for a, e in FAULTS for clear in ('zero', 'none')])
    @ddt.unpack
    def test_delete_write(self, action, execute, clear):
        self.override_config('volume_clear', clear, group='zvm1')
        option = '--releasezfcp' if clear == 'none' else '--reservezfcp'
        vol = self.create(size=1)
        _fault(self.sim, option, action, execute)
        vol.status = 'deleting'
        vol.save()
        try:
            self.delete(vol)
        except Exception:
            pass
        row = self.db_volume(vol.id)
        landed = execute and action != 'error'
        if landed and action != 'delay':
            self.assertEqual('deleted', row.status)
        elif not landed:
            self.assertEqual('error_deleting', row.status)
            self.assertEqual('volume-' + vol.id, self.entry(vol)['owner'])
        self.settle(action)
        self.assert_pools_consistent()
        self.cleanup_and_check(vol)
        expected = ('free', '') if clear == 'none' else ('reserved',
                                                         'wipe-' + vol.id)
        entry = self.entry(vol)
        self.assertEqual(expected, (entry['status'], entry['owner']))

    # -- extend: --zfcppool -----------------------------------------------

    @ddt.data(*FAULTS)
    @ddt.unpack
    def test_extend_read(self, action, execute):
        vol = self.create(size=3)                  # the 5G LUN
        before = self.pool()
        _fault(self.sim, '--zfcppool', action, execute, count=0)
        vol.status = 'extending'
        vol.save()
        self.mgr.extend_volume(self.ctxt, vol, 4, None)
        row = self.assert_status(vol, 'error_extending')
        self.assertEqual(3, row.size)
        self.settle(action)
        self.assertEqual(before, self.pool())
        self.assert_pools_consistent()
        self.cleanup_and_check(vol)

    # -- manage: --zfcppool (size), --zfcppool + --reservezfcp (take) ----

    REF = {'source-name': '500507680b21bac6;500507680b22bac6:4001400900000000'}

    def _manage(self):
        vol = self.new_volume(status='managing', size=0)
        try:
            self.mgr.manage_existing(self.ctxt, vol, self.REF)
        except Exception:
            pass
        return vol

    @ddt.data(*[(a, e, after) for a, e in FAULTS for after in (0, 1)])
    @ddt.unpack
    def test_manage_read(self, action, execute, after):
        before = self.pool()
        _fault(self.sim, '--zfcppool', action, execute, count=0, after=after)
        vol = self._manage()
        self.assert_status(vol, 'error_managing')
        self.settle(action)
        self.assertEqual(before, self.pool())
        self.assert_pools_consistent()
        self.cleanup_and_check(vol)

    @ddt.data(*FAULTS)
    @ddt.unpack
    def test_manage_write(self, action, execute):
        _fault(self.sim, '--reservezfcp', action, execute)
        vol = self._manage()
        row = self.db_volume(vol.id)
        landed = execute and action != 'error'
        if landed and action != 'delay':
            self.assertEqual('available', row.status)
        elif not landed:
            self.assertEqual('error_managing', row.status)
            self.assertEqual('free', self.entry(
                'zvmfcp1:zvm1:gold:500507680b21bac6;500507680b22bac6:'
                '4001400900000000')[
                    'status'])
        self.settle(action)
        self.assert_pools_consistent()
        self.cleanup_and_check(vol)
