"""The aa scenario's verdict on volumes left stuck (tools/fullstack/aa_checks)."""

import testtools

from tools.fullstack import aa_checks

V1 = '11111111-1111-1111-1111-111111111111'
V2 = '22222222-2222-2222-2222-222222222222'
W = '500507680b21bac6'
VOL = {3, 4}       # the cinder-volume services' ids


def row(lun, status='free', owner=''):
    return {'wwpn': W, 'lun': lun, 'status': status, 'owner': owner}


def prov(lun):
    return '%s:%s' % (W, lun)


class JudgeStuckTest(testtools.TestCase):

    def test_lost_delete_with_its_lun_held_and_freed_by_the_retry_is_ok(self):
        before = [row('4001', 'reserved', 'volume-' + V1), row('4002')]
        after = [row('4001'), row('4002')]
        v = aa_checks.judge_stuck({V1: ('deleting', prov('4001'))}, {}, VOL,
                                  before, after, {V1})[V1]
        self.assertTrue(v['ok'])
        self.assertEqual('request never reached a cinder-volume (worker row '
                         'of service -)', v['cause'])
        self.assertEqual('LUN 4001 reserved, owner volume-' + V1, v['pool'])
        self.assertEqual([('free', '')], v['lun_after'])

    def test_create_worker_without_service_is_a_lost_request(self):
        v = aa_checks.judge_stuck({V1: ('creating', None)}, {V1: None}, VOL,
                                  [row('4001')], [row('4001')], {V1})[V1]
        self.assertTrue(v['ok'])
        self.assertEqual('no LUN', v['pool'])

    def test_create_the_scheduler_took_is_a_lost_request(self):
        # the scheduler's cast to the cinder-volume was the one dropped
        v = aa_checks.judge_stuck({V1: ('creating', None)}, {V1: 1}, VOL,
                                  [row('4001')], [row('4001')], {V1})[V1]
        self.assertTrue(v['ok'])
        self.assertEqual('request never reached a cinder-volume (worker row '
                         'of service 1)', v['cause'])

    def test_a_service_took_it_so_cinders_cleanup_should_have(self):
        before = [row('4001', 'reserved', 'volume-' + V1)]
        v = aa_checks.judge_stuck({V1: ('deleting', prov('4001'))}, {V1: 3},
                                  VOL, before, [row('4001')], {V1})[V1]
        self.assertFalse(v['ok'])
        self.assertEqual('taken by a cinder-volume (worker row of service 3)',
                         v['cause'])

    def test_lun_owned_by_another_volume_is_not_ok(self):
        before = [row('4001', 'reserved', 'volume-' + V2)]
        v = aa_checks.judge_stuck({V1: ('deleting', prov('4001'))}, {}, VOL,
                                  before, before, {V1})[V1]
        self.assertFalse(v['ok'])
        self.assertEqual('LUN 4001 owned by volume-' + V2, v['pool'])

    def test_lun_unknown_to_cinder_is_not_ok(self):
        before = [row('4001', 'reserved', 'volume-' + V1)]
        v = aa_checks.judge_stuck({V1: ('creating', None)}, {}, VOL,
                                  before, before, {V1})[V1]
        self.assertFalse(v['ok'])
        self.assertIn('unknown to cinder', v['pool'])

    def test_retry_that_left_it_quarantined_is_not_reconciled(self):
        before = [row('4001', 'reserved', 'volume-' + V1)]
        after = [row('4001', 'reserved', 'wipe-' + V1)]
        v = aa_checks.judge_stuck({V1: ('deleting', prov('4001'))}, {}, VOL,
                                  before, after, {V1})[V1]
        self.assertFalse(v['reconciled'])
        self.assertFalse(v['ok'])

    def test_volume_still_there_is_not_reconciled(self):
        before = [row('4001', 'reserved', 'volume-' + V1)]
        v = aa_checks.judge_stuck({V1: ('deleting', prov('4001'))}, {}, VOL,
                                  before, [row('4001')], set())[V1]
        self.assertFalse(v['ok'])

    def test_lun_already_free_is_consistent(self):
        self.assertEqual((True, 'LUN 4001 already free'),
                         aa_checks.pool_view(V1, prov('4001'), [row('4001')]))
