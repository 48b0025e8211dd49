"""bestfit, stats, ownership and manage: the pure pool logic."""

from cinder import objects
from cinder.tests.unit import fake_constants as fake
from cinder.tests.unit import fake_volume
import ddt
from oslo_utils import units

from cinder_zvm import bestfit
from cinder_zvm import manage
from cinder_zvm import ownership
from cinder_zvm import stats
from tests.cinder import cinder_test
from tests.cinder.unit import pool_rows as pr

VID = '11111111-2222-3333-4444-555555555555'


class BestFitTest(cinder_test.TestCase):

    def setUp(self):
        super().setUp()
        self.pool = pr.entries(
            pr.row('free', 1, '20G'), pr.row('used', 2, '5G', 'vm1'),
            pr.row('free', 3, '5G'), pr.row('free', 4, ''),
            pr.row('free', 5, '5120M'), pr.row('reserved', 6, '50G',
                                               'volume-x'))

    def test_smallest_sufficient_first_in_file_order(self):
        self.assertEqual(pr.lun(3), bestfit.best_fit(self.pool, 5 * units.Gi).lun)
        self.assertEqual(pr.lun(3), bestfit.best_fit(self.pool, units.Gi).lun)
        self.assertEqual(pr.lun(1), bestfit.best_fit(self.pool, 6 * units.Gi).lun)

    def test_no_fit(self):
        self.assertIsNone(bestfit.best_fit(self.pool, 21 * units.Gi))

    def test_largest_free_skips_unsized_and_taken(self):
        self.assertEqual(pr.lun(1), bestfit.largest_free(self.pool).lun)
        self.assertIsNone(bestfit.largest_free(pr.entries(pr.row('free', 1, ''))))


class StatsTest(cinder_test.TestCase):

    def test_free_capacity_is_what_the_free_luns_hold(self):
        entries = pr.entries(
            pr.row('free', 1, '10G'), pr.row('free', 2, '10G'),
            pr.row('free', 3, '15872M'),             # 15.5 GiB
            pr.row('used', 4, '30G', 'vm1'),
            pr.row('reserved', 5, '8G', 'volume-' + VID),
            pr.row('reserved', 6, '4G', 'wipe-' + VID),
            pr.row('reserved', 7, '2G', ''),
            pr.row('free', 8, ''))
        s = stats.pool_stats('gold', entries, reserved_percentage=5)
        self.assertEqual('gold', s['pool_name'])
        # 10 + 10 + 15 (a 15.5 GiB LUN holds a 15 GiB volume at most); the
        # unsized free row is never handed out
        self.assertEqual(35, s['free_capacity_gb'])
        self.assertEqual(15, s['max_free_lun_gb'])
        self.assertEqual(35.5, s['free_lun_capacity_gb'])
        self.assertEqual(3, s['free_lun_count'])
        self.assertEqual(1, s['unsized_free_lun_count'])
        self.assertEqual(79.5, s['total_capacity_gb'])
        self.assertEqual(4, s['quarantined_capacity_gb'])
        self.assertEqual(1, s['quarantined_lun_count'])
        self.assertEqual(40, s['provisioned_capacity_gb'])
        self.assertEqual(1, s['attached_lun_count'])
        self.assertEqual(2, s['volume_lun_count'])
        self.assertEqual(5, s['reserved_percentage'])
        self.assertFalse(s['thin_provisioning_support'])

    def test_snapshot_capacity_is_reported(self):
        # A snapshot is a full copy in a LUN of its own: its capacity is
        # provisioned, and shown on its own so operators can see it.
        entries = pr.entries(
            pr.row('free', 1, '10G'),
            pr.row('reserved', 2, '8G', 'volume-' + VID),
            pr.row('reserved', 3, '6G', 'snapshot-' + VID),
            pr.row('reserved', 4, '2G', 'snapshot-other'))
        s = stats.pool_stats('gold', entries)
        self.assertEqual(8, s['snapshot_capacity_gb'])
        self.assertEqual(2, s['snapshot_lun_count'])
        self.assertEqual(16, s['provisioned_capacity_gb'])
        self.assertEqual(0, s['foreign_lun_count'])
        self.assertEqual(10, s['free_capacity_gb'])

    def test_exhausted_pool(self):
        s = stats.pool_stats('gold', pr.entries(pr.row('used', 1, '10G', 'v')))
        self.assertEqual(0, s['free_capacity_gb'])
        self.assertEqual(10, s['total_capacity_gb'])

    def test_unreachable(self):
        s = stats.unreachable_pool_stats('gold', 'boom')
        self.assertEqual(0, s['free_capacity_gb'])
        self.assertEqual('down', s['backend_state'])


@ddt.ddt
class OwnershipTest(cinder_test.TestCase):

    @ddt.unpack
    @ddt.data(('free', '', ownership.FREE),
              ('used', 'vm1', ownership.ATTACHED),
              ('reserved', 'volume-' + VID, ownership.VOLUME),
              ('reserved', 'wipe-' + VID, ownership.QUARANTINED),
              ('reserved', '', ownership.UNOWNED),
              ('reserved', 'unmanaged-' + VID, ownership.UNOWNED),
              ('reserved', 'snapshot-' + VID, ownership.SNAPSHOT),
              ('reserved', 'someone', ownership.FOREIGN))
    def test_classify(self, status, owner, kind):
        entry = pr.entries(pr.row(status, 1, owner=owner))[0]
        self.assertEqual(kind, ownership.classify(entry))

    @ddt.unpack
    @ddt.data(('free', '', True, ownership.ALREADY_FREE),
              ('used', 'vm1', True, ownership.BUSY),
              ('reserved', 'volume-' + VID, True, ownership.QUARANTINE),
              ('reserved', 'volume-' + VID, False, ownership.RELEASE),
              ('reserved', '', True, ownership.QUARANTINE),
              ('reserved', '', False, ownership.RELEASE),
              ('reserved', 'volume-other', False, ownership.NOT_OURS),
              ('reserved', 'wipe-' + VID, True, ownership.ALREADY_QUARANTINED),
              ('reserved', 'wipe-other', False, ownership.NOT_OURS),
              ('reserved', 'unmanaged-' + VID, False, ownership.NOT_OURS),
              ('reserved', 'admin', False, ownership.NOT_OURS))
    def test_delete_action(self, status, owner, wipe, action):
        entry = pr.entries(pr.row(status, 1, owner=owner))[0]
        self.assertEqual(action, ownership.delete_action(entry, VID, wipe))

    def test_delete_action_gone(self):
        self.assertEqual(ownership.GONE, ownership.delete_action(None, VID, True))

    def test_stamp_id_is_name_id(self):
        """After cinder's generic migration the LUN carries the name_id."""
        migrated = fake_volume.fake_volume_obj(None, id=VID,
                                               _name_id=fake.VOLUME2_ID)
        self.assertEqual(fake.VOLUME2_ID, ownership.stamp_id(migrated))
        self.assertEqual(VID, ownership.stamp_id(
            fake_volume.fake_volume_obj(None, id=VID)))
        self.assertEqual(fake.VOLUME2_ID, ownership.stamp_id(
            {'id': VID, '_name_id': fake.VOLUME2_ID}))
        self.assertEqual(VID, ownership.stamp_id({'id': VID}))
        # built in memory without _name_id (no lazy load attempted)
        self.assertEqual(VID, ownership.stamp_id(objects.Volume(id=VID)))


@ddt.ddt
class ManageTest(cinder_test.TestCase):

    @ddt.data({'source-name': '%s:%s' % (pr.W1, pr.lun(1))},
              {'source-id': '%s:%s' % (pr.W1, pr.lun(1))})
    def test_reference(self, ref):
        self.assertEqual(((pr.W1,), pr.lun(1)), manage.reference_key(ref))

    @ddt.data(None, {}, {'source-name': 'x'}, 'abc')
    def test_bad_reference(self, ref):
        self.assertRaises(manage.NotManageable, manage.reference_key, ref)

    @ddt.unpack
    @ddt.data(('free', '', None),
              ('reserved', '', 'reserved without owner'),
              ('reserved', 'unmanaged-x', None),
              ('reserved', 'volume-' + VID, None),
              ('used', 'vm1', 'in use by guest vm1'),
              ('reserved', 'volume-other', 'already owned by cinder volume other'),
              ('reserved', 'wipe-x', 'holds data of a deleted volume'),
              ('reserved', 'snapshot-x', 'holds cinder snapshot x'),
              ('reserved', 'admin', 'reserved by admin'))
    def test_why_not(self, status, owner, reason):
        entry = pr.entries(pr.row(status, 1, owner=owner))[0]
        got = manage.why_not_manageable(entry, VID)
        if reason is None:
            self.assertIsNone(got)
        else:
            self.assertIn(reason, got)

    def test_size_rounds_up(self):
        entry = pr.entries(pr.row('free', 1, '10241M'))[0]
        self.assertEqual(11, manage.size_gb(entry))
        unsized = pr.entries(pr.row('free', 1, ''))[0]
        self.assertRaises(manage.NotManageable, manage.size_gb, unsized)

    def test_manageable_list(self):
        pools = {'gold': pr.entries(pr.row('free', 1, '10G'),
                                    pr.row('reserved', 2, '5G', 'volume-' + VID),
                                    pr.row('used', 3, '5G', 'vm1'),
                                    pr.row('reserved', 4, '5G', ''))}
        other = '%s:%s' % (pr.W1, pr.lun(4))
        got = manage.manageable_list(pools, {VID: None, 'v2': other})
        self.assertEqual(4, len(got))
        self.assertEqual('v2', got[3]['cinder_id'])
        self.assertEqual('already managed', got[3]['reason_not_safe'])
        self.assertTrue(got[0]['safe_to_manage'])
        self.assertEqual({'source-name': '%s:%s' % (pr.W1, pr.lun(1))},
                         got[0]['reference'])
        self.assertEqual(10, got[0]['size'])
        self.assertEqual(VID, got[1]['cinder_id'])
        self.assertFalse(got[1]['safe_to_manage'])
        self.assertEqual('already managed', got[1]['reason_not_safe'])
        self.assertFalse(got[2]['safe_to_manage'])
