"""ZVMFCPDriver with the zFCP helpers mocked: which xCAT calls, and errors."""

from unittest import mock

from cinder import context
from cinder import exception
from cinder.tests.unit import fake_volume
from cinder.volume import configuration
import ddt

from cinder_zvm import driver
from cinder_zvm import location
from cinder_zvm import opts
from cinder_zvm import pool_access
from tests.cinder import cinder_test
from tests.cinder.unit import pool_rows as pr
from zvm_xcat import exception as xexc
from zvm_xcat import zfcp

GROUP = 'zvm1b'
VID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'
LUN1 = pr.lun(1)
LOC1 = 'zvmfcp1:zvm1:gold:%s:%s' % (pr.W1, LUN1)


def make_driver(test_case, **options):
    conf = configuration.Configuration(opts.driver_opts(), config_group=GROUP)
    drv = driver.ZVMFCPDriver(configuration=conf, host='h@' + GROUP)
    values = {'zvm_xcat_server': 'https://xcat.example.com',
              'zvm_xcat_username': 'admin', 'zvm_xcat_password': 's3cret',
              'zvm_host': 'zvm1', 'zvm_scsi_pool': ['gold', 'Silver']}
    values.update(options)
    for name, value in values.items():
        test_case.override_config(name, value, group=GROUP)
    return drv


class DriverTestBase(cinder_test.TestCase):

    def setUp(self):
        super().setUp()
        self.ctxt = context.get_admin_context()
        self.zfcp = self.patch('cinder_zvm.common.zfcp')
        # the same fake for the pool reads and row writes below the operations
        self.patch('cinder_zvm.pool_access.zfcp', self.zfcp)
        # The pure helpers stay real; writes change the listed rows, so the
        # driver's read-back of each write sees it (as on the simulator).
        self.zfcp.lun_clashes.side_effect = zfcp.lun_clashes
        self.zfcp.describe_clash.side_effect = zfcp.describe_clash
        self.zfcp.reserve.side_effect = self._reserve_writes
        self.zfcp.release.side_effect = self._release_writes
        self.client = mock.Mock(server_url='https://xcat.example.com:443/xcatws')
        self.patch('zvm_xcat.client.XCATClient.from_config',
                   return_value=self.client)
        self.drv = make_driver(self)
        self.drv.do_setup(self.ctxt)

    def volume(self, **kw):
        values = {'id': VID, 'size': 5, 'host': 'h@%s#gold' % GROUP,
                  'provider_location': LOC1}
        values.update(kw)
        return fake_volume.fake_volume_obj(self.ctxt, **values)

    def pool(self, *rows):
        self.zfcp.list_pool.return_value = pr.entries(*rows)

    def _write(self, status, owner, wwpns, lun):
        current = self.zfcp.list_pool.return_value
        lines = [e.line for e in current] if isinstance(current, list) else []
        new, found = [], False
        for line in lines:
            f = line.split(',')
            if f[2] == lun and tuple(f[1].split(';')) == tuple(wwpns):
                f[0], f[5], found = status, owner, True
            new.append(','.join(f))
        if not found:
            new.append('%s,%s,%s,10G,1f00-1f0f,%s,,' % (
                status, ';'.join(wwpns), lun, owner))
        self.zfcp.list_pool.return_value = pr.entries(*new)

    def _reserve_writes(self, client, hv, pool, status, owner, device,
                        size=None, wwpns=None, lun=None):
        picked = self.zfcp.reserve.return_value
        if wwpns is None and isinstance(picked, zfcp.ReservedLun):
            wwpns, lun = picked.wwpns, picked.lun
        if wwpns is not None:
            self._write(status, owner, tuple(wwpns), lun)
        return mock.DEFAULT

    def _release_writes(self, client, hv, pool, wwpns, lun):
        self._write('free', '', tuple(wwpns), lun)
        return mock.DEFAULT


@ddt.ddt
class SetupTest(DriverTestBase):

    def test_driver_options(self):
        names = {o.name for o in driver.ZVMFCPDriver.get_driver_options()}
        self.assertLessEqual({'zvm_host', 'zvm_scsi_pool', 'zvm_xcat_server',
                              'zvm_xcat_username', 'zvm_xcat_password',
                              'zvm_xcat_ca_file', 'zvm_xcat_read_timeout'},
                             names)

    def test_pools_lowercased(self):
        self.assertEqual(['gold', 'silver'], self.drv.backend.pools)

    @ddt.unpack
    @ddt.data(('zvm_xcat_server', None), ('zvm_xcat_username', None),
              ('zvm_xcat_password', None), ('zvm_host', None),
              ('zvm_host', 'bad host'), ('zvm_scsi_pool', []),
              ('zvm_scsi_pool', ['gold', 'go ld']),
              ('zvm_scsi_pool', ['gold', 'a,b.c']),
              ('zvm_scsi_pool', ['gold', 'GOLD']))
    def test_bad_option_named(self, option, value):
        drv = make_driver(self, **{option: value})
        exc = self.assertRaises(exception.InvalidConfigurationValue,
                                drv.do_setup, self.ctxt)
        self.assertIn(option, str(exc))

    def test_check_ok_is_one_call_and_a_read_per_pool(self):
        self.zfcp.list_pool_names.return_value = ['gold', 'silver', 'other']
        self.pool(pr.row('free', 1))
        self.drv.check_for_setup_error()
        self.zfcp.list_pool_names.assert_called_once_with(self.client, 'zvm1')
        self.assertEqual([mock.call(self.client, 'zvm1', 'gold'),
                          mock.call(self.client, 'zvm1', 'silver')],
                         self.zfcp.list_pool.call_args_list)

    def test_check_missing_pool(self):
        self.zfcp.list_pool_names.return_value = ['gold']
        exc = self.assertRaises(exception.VolumeBackendAPIException,
                                self.drv.check_for_setup_error)
        self.assertIn('silver', str(exc))
        self.assertIn('has: gold', str(exc))

    @ddt.unpack
    @ddt.data((xexc.XCATAuthError('Authentication failure'), 'credentials'),
              (xexc.XCATNodeNotFound('Invalid nodes'), 'has no node zvm1'),
              (xexc.XCATConnectionError('refused', False), 'not reachable'),
              (xexc.XCATTLSError('bad cert'), 'not reachable'),
              (xexc.XCATCommandError(['boom']), 'could not list'))
    def test_check_errors(self, error, text):
        self.zfcp.list_pool_names.side_effect = error
        exc = self.assertRaises(exception.VolumeBackendAPIException,
                                self.drv.check_for_setup_error)
        self.assertIn(text, str(exc))
        self.assertNotIn('s3cret', str(exc))


class CreateDeleteTest(DriverTestBase):

    def test_create_is_one_reserve_read_back(self):
        self.zfcp.reserve.return_value = zfcp.ReservedLun(None, (pr.W1,), LUN1)
        model = self.drv.create_volume(self.volume(provider_location=None))
        self.zfcp.reserve.assert_called_once_with(
            self.client, 'zvm1', 'gold', 'reserved', 'volume-' + VID, 'auto',
            size='5G')
        self.assertEqual({'provider_location': LOC1,
                          'provider_id': '%s:%s' % (pr.W1, LUN1)}, model)
        self.zfcp.list_pool.assert_called_once_with(self.client, 'zvm1',
                                                    'gold')

    def test_create_takes_the_pool_lock(self):
        self.zfcp.reserve.return_value = zfcp.ReservedLun(None, (pr.W1,), LUN1)
        with mock.patch('cinder.coordination.COORDINATOR.get_lock') as lock:
            self.drv.create_volume(self.volume(provider_location=None))
        lock.assert_called_once_with(
            'zvm-fcp-https_xcat.example.com_443_xcatws-zvm1-gold')
        # a bounded wait (zvm_pool_lock_timeout), then released
        lock.return_value.acquire.assert_called_once_with(blocking=300.0)
        lock.return_value.release.assert_called_once_with()

    def test_create_fails_when_the_pool_lock_stays_taken(self):
        self.override_config('zvm_pool_lock_timeout', 42, group=GROUP)
        with mock.patch('cinder.coordination.COORDINATOR.get_lock') as lock:
            lock.return_value.acquire.return_value = False
            exc = self.assertRaises(exception.VolumeBackendAPIException,
                                    self.drv.create_volume,
                                    self.volume(provider_location=None))
        lock.return_value.acquire.assert_called_once_with(blocking=42.0)
        self.assertIn('pool gold of zvm1: pool lock zvm-fcp-https_xcat.'
                      'example.com_443_xcatws-zvm1-gold not acquired in 42 s',
                      str(exc))
        self.zfcp.reserve.assert_not_called()
        lock.return_value.release.assert_not_called()

    def test_create_no_lun_names_pool_and_size(self):
        self.zfcp.reserve.side_effect = xexc.XCATCommandError(
            ['zvm1: (Error) A suitable device of 5120M or larger could not '
             'be found'])
        self.zfcp.list_pool.return_value = pr.entries(pr.row('free', 2, '3G'))
        self.drv._update_volume_stats()
        exc = self.assertRaises(exception.VolumeBackendAPIException,
                                self.drv.create_volume,
                                self.volume(provider_location=None))
        self.assertIn('pool gold of zvm1 has no free LUN of 5 GiB', str(exc))
        self.assertIn('largest free LUN at the last stats read: 3 GiB',
                      str(exc))

    def test_create_exhausted_pool(self):
        self.zfcp.reserve.side_effect = xexc.XCATCommandError(
            ['zvm1: (Error) A suitable device of 1024M or larger could not '
             'be found'])
        self.zfcp.list_pool.return_value = pr.entries(
            pr.row('reserved', 2, '3G', 'volume-x'))
        self.drv._update_volume_stats()
        exc = self.assertRaises(exception.VolumeBackendAPIException,
                                self.drv.create_volume,
                                self.volume(size=1, provider_location=None))
        self.assertIn('pool gold of zvm1 has no free LUN of 1 GiB', str(exc))
        self.assertIn('no free LUN at the last stats read', str(exc))

    def test_create_pool_gone(self):
        self.zfcp.reserve.side_effect = xexc.XCATCommandError(
            ['zvm1: (Error) FCP storage pool does not exist'])
        exc = self.assertRaises(exception.VolumeBackendAPIException,
                                self.drv.create_volume,
                                self.volume(provider_location=None))
        self.assertIn('xCAT pool gold does not exist on zvm1', str(exc))

    def test_create_unknown_pool(self):
        exc = self.assertRaises(exception.VolumeBackendAPIException,
                                self.drv.create_volume,
                                self.volume(host='h@%s#bronze' % GROUP))
        self.assertIn("'bronze'", str(exc))
        self.zfcp.reserve.assert_not_called()

    def test_create_timeout_reserved_anyway(self):
        self.zfcp.reserve.side_effect = xexc.XCATTimeout('read timed out')
        self.pool(pr.row('reserved', 3, owner='volume-' + VID),
                  pr.row('free', 1))
        model = self.drv.create_volume(self.volume(provider_location=None))
        self.assertIn(pr.lun(3), model['provider_location'])

    def test_create_timeout_not_reserved(self):
        self.zfcp.reserve.side_effect = xexc.XCATTimeout('read timed out')
        self.pool(pr.row('free', 1))
        self.assertRaises(exception.VolumeBackendAPIException,
                          self.drv.create_volume,
                          self.volume(provider_location=None))
        self.zfcp.release.assert_not_called()

    def test_create_refused_connection_is_not_reconciled(self):
        self.zfcp.reserve.side_effect = xexc.XCATConnectionError('no', False)
        self.assertRaises(exception.VolumeBackendAPIException,
                          self.drv.create_volume,
                          self.volume(provider_location=None))
        self.zfcp.list_pool.assert_not_called()

    def test_delete_quarantines_by_default(self):
        self.pool(pr.row('reserved', 1, owner='volume-' + VID))
        self.drv.delete_volume(self.volume())
        self.zfcp.reserve.assert_called_once_with(
            self.client, 'zvm1', 'gold', 'reserved', 'wipe-' + VID, 'auto',
            wwpns=(pr.W1,), lun=LUN1)
        self.zfcp.release.assert_not_called()

    def test_delete_after_nova_detach_empty_owner(self):
        self.pool(pr.row('reserved', 1, owner=''))
        self.drv.delete_volume(self.volume())
        self.zfcp.reserve.assert_called_once()

    def test_delete_releases_with_volume_clear_none(self):
        self.override_config('volume_clear', 'none', group=GROUP)
        self.pool(pr.row('reserved', 1, owner='volume-' + VID))
        self.drv.delete_volume(self.volume())
        self.zfcp.release.assert_called_once_with(
            self.client, 'zvm1', 'gold', (pr.W1,), LUN1)
        self.zfcp.reserve.assert_not_called()

    def test_delete_busy(self):
        self.pool(pr.row('used', 1, owner='vm1'))
        exc = self.assertRaises(exception.VolumeIsBusy, self.drv.delete_volume,
                                self.volume())
        self.assertIn('in use by guest vm1', str(exc))
        self.zfcp.reserve.assert_not_called()
        self.zfcp.release.assert_not_called()

    def test_delete_idempotent(self):
        for rows in ([pr.row('free', 1)], [pr.row('free', 2)],
                     [pr.row('reserved', 1, owner='wipe-' + VID)],
                     [pr.row('reserved', 1, owner='volume-someoneelse')]):
            self.pool(*rows)
            self.drv.delete_volume(self.volume())
        self.zfcp.reserve.assert_not_called()
        self.zfcp.release.assert_not_called()

    def test_delete_uncertain_write_confirmed_by_read(self):
        self.zfcp.list_pool.side_effect = [
            pr.entries(pr.row('reserved', 1, owner='volume-' + VID)),
            pr.entries(pr.row('reserved', 1, owner='wipe-' + VID))]
        self.zfcp.reserve.side_effect = xexc.XCATUnavailable('down')
        self.drv.delete_volume(self.volume())

    def test_delete_uncertain_write_not_done(self):
        self.pool(pr.row('reserved', 1, owner='volume-' + VID))
        self.zfcp.reserve.side_effect = xexc.XCATTimeout('slow')
        self.assertRaises(exception.VolumeBackendAPIException,
                          self.drv.delete_volume, self.volume())

    def quarantined_luns(self, wipe=True, **kw):
        """What the control path's delete hands to the wipe."""
        return [(loc.lun, entry.owner) for loc, entry in
                self.drv.backend.delete_volume(self.volume(**kw), wipe=wipe)]

    def test_delete_hands_the_quarantined_lun_to_the_wipe(self):
        self.pool(pr.row('reserved', 1, owner='volume-' + VID))
        self.assertEqual([(LUN1, 'volume-' + VID)], self.quarantined_luns())
        self.pool(pr.row('reserved', 1, owner='wipe-' + VID))     # retried delete
        self.assertEqual([(LUN1, 'wipe-' + VID)], self.quarantined_luns())

    def test_delete_hands_nothing_to_wipe_when_released_or_not_ours(self):
        self.pool(pr.row('reserved', 1, owner='volume-' + VID))
        self.assertEqual([], self.quarantined_luns(wipe=False))
        for rows in ([pr.row('free', 1)], [pr.row('used', 2, owner='vm1')],
                     [pr.row('reserved', 1, owner='volume-someoneelse')]):
            self.pool(*rows)
            self.assertEqual([], self.quarantined_luns())

    def test_uncertain_quarantine_then_free_is_not_wiped(self):
        # The answer was lost and the LUN is free by now: it may already be
        # another volume's, so it must not be wiped.
        self.zfcp.list_pool.side_effect = [
            pr.entries(pr.row('reserved', 1, owner='volume-' + VID)),
            pr.entries(pr.row('free', 1))]
        self.zfcp.reserve.side_effect = xexc.XCATUnavailable('down')
        self.assertEqual([], self.quarantined_luns())

    def test_uncertain_quarantine_confirmed_is_wiped(self):
        self.zfcp.list_pool.side_effect = [
            pr.entries(pr.row('reserved', 1, owner='volume-' + VID)),
            pr.entries(pr.row('reserved', 1, owner='wipe-' + VID))]
        self.zfcp.reserve.side_effect = xexc.XCATUnavailable('down')
        self.assertEqual([(LUN1, 'volume-' + VID)], self.quarantined_luns())

    def test_delete_without_location_finds_owner(self):
        rows = {'gold': [pr.row('free', 1),
                         pr.row('reserved', 2, owner='volume-' + VID)],
                'silver': [pr.row('free', 3)]}
        self.zfcp.list_pool.side_effect = (
            lambda c, hv, pool: pr.entries(*rows[pool]))
        self.zfcp.reserve.side_effect = self._restamp(rows)
        self.drv.delete_volume(self.volume(provider_location=None))
        self.zfcp.reserve.assert_called_once_with(
            self.client, 'zvm1', 'gold', 'reserved', 'wipe-' + VID, 'auto',
            wwpns=(pr.W1,), lun=pr.lun(2))

    @staticmethod
    def _restamp(rows):
        def write(client, hv, pool, status, owner, device, **kw):
            rows[pool] = [r.replace('volume-' + VID, owner)
                          for r in rows[pool]]
            return mock.DEFAULT
        return write

    def test_delete_without_location_nothing(self):
        self.pool(pr.row('free', 1))
        self.drv.delete_volume(self.volume(provider_location=None))
        self.zfcp.reserve.assert_not_called()
        self.assertEqual(2, self.zfcp.list_pool.call_count)   # both pools

    def test_delete_without_location_searches_every_pool(self):
        rows = {'silver': [pr.row('reserved', 2, owner='volume-' + VID)],
                'gold': [pr.row('free', 1)]}
        self.zfcp.list_pool.side_effect = (
            lambda c, hv, pool: pr.entries(*rows[pool]))
        self.zfcp.reserve.side_effect = self._restamp(rows)
        self.drv.delete_volume(self.volume(provider_location=None))
        self.zfcp.reserve.assert_called_once_with(
            self.client, 'zvm1', 'silver', 'reserved', 'wipe-' + VID, 'auto',
            wwpns=(pr.W1,), lun=pr.lun(2))

    def test_foreign_hypervisor_location(self):
        vol = self.volume(provider_location=LOC1.replace('zvm1', 'zvm2'))
        exc = self.assertRaises(exception.VolumeBackendAPIException,
                                self.drv.delete_volume, vol)
        self.assertIn('zvm2', str(exc))


class ConnectionTest(DriverTestBase):

    connector = {'host': 'c1', 'zvm_fcp': ['1f00'],
                 'wwpns': ['c05076ffe5005612'], 'zvm_hypervisor': 'zvm1',
                 'zvm_userid': 'VM1', 'zvm_node': 'vm1', 'multipath': False}

    def test_initialize_no_xcat_call(self):
        info = self.drv.initialize_connection(self.volume(), self.connector)
        self.assertEqual(pr.W1, info['data']['target_wwn'])
        self.assertEqual(LUN1, info['data']['zvm_fcp_lun'])
        self.assertEqual(location.fcp_lun_to_scsi_lun(LUN1),
                         info['data']['target_lun'])
        self.assertEqual('5G', info['data']['zvm_lun_size'])
        self.assertEqual(VID, info['data']['volume_id'])
        self.assertEqual([], self.zfcp.mock_calls)

    def test_initialize_bad_connector(self):
        self.assertRaises(exception.InvalidConnectorException,
                          self.drv.initialize_connection, self.volume(),
                          {'host': 'x'})
        exc = self.assertRaises(exception.InvalidConnectorException,
                                self.drv.initialize_connection, self.volume(),
                                dict(self.connector, zvm_hypervisor='zvm2'))
        self.assertIn('zvm2', str(exc))

    def test_validate_connector(self):
        self.drv.validate_connector(self.connector)
        self.drv.validate_connector({'wwpns': ['c05076ffe5005612']})
        exc = self.assertRaises(exception.InvalidConnectorException,
                                self.drv.validate_connector,
                                dict(self.connector, zvm_fcp=[]))
        self.assertIn('zvm_fcp', str(exc))

    def test_terminate_restamps_owner(self):
        self.drv.terminate_connection(self.volume(), self.connector)
        self.zfcp.reserve.assert_called_once_with(
            self.client, 'zvm1', 'gold', 'reserved', 'volume-' + VID, 'auto',
            wwpns=(pr.W1,), lun=LUN1)

    def test_terminate_still_used(self):
        self.zfcp.reserve.side_effect = xexc.XCATCommandError(
            ['zvm1: (Error) FCP device 0x%s/0x%s is in use.' % (pr.W1, LUN1)])
        self.drv.terminate_connection(self.volume(), self.connector)

    def test_terminate_xcat_down_does_not_fail_detach(self):
        self.zfcp.reserve.side_effect = xexc.XCATConnectionError('down', False)
        self.drv.terminate_connection(self.volume(), None)


class ExtendManageTest(DriverTestBase):

    def test_extend_within_lun(self):
        self.pool(pr.row('reserved', 1, '10G', owner='volume-' + VID))
        self.drv.extend_volume(self.volume(), 10)
        self.zfcp.reserve.assert_not_called()

    def test_extend_beyond_lun(self):
        self.pool(pr.row('reserved', 1, '10G', owner='volume-' + VID))
        exc = self.assertRaises(exception.ExtendVolumeError,
                                self.drv.extend_volume, self.volume(), 11)
        self.assertIn('10.00 GiB', str(exc))
        self.assertIn(LUN1, str(exc))

    def ref(self, n=1):
        return {'source-name': '%s:%s' % (pr.W1, pr.lun(n))}

    def test_manage(self):
        self.pool(pr.row('free', 1, '7G'))
        vol = self.volume(provider_location=None)
        self.assertEqual(7, self.drv.manage_existing_get_size(vol, self.ref()))
        model = self.drv.manage_existing(vol, self.ref())
        self.assertEqual(LOC1, model['provider_location'])
        self.zfcp.reserve.assert_called_once_with(
            self.client, 'zvm1', 'gold', 'reserved', 'volume-' + VID, 'auto',
            wwpns=(pr.W1,), lun=LUN1)

    def test_manage_refused(self):
        vol = self.volume(provider_location=None)
        for row, text in ((pr.row('used', 1, owner='vm1'), 'in use by guest'),
                          (pr.row('reserved', 1, owner='volume-x'),
                           'owned by cinder volume x'),
                          (pr.row('free', 2), 'no LUN')):
            self.pool(row)
            exc = self.assertRaises(exception.ManageExistingInvalidReference,
                                    self.drv.manage_existing, vol, self.ref())
            self.assertIn(text, str(exc))
        self.zfcp.reserve.assert_not_called()

    def test_unmanage_keeps_lun_reserved(self):
        self.drv.unmanage(self.volume())
        self.zfcp.reserve.assert_called_once_with(
            self.client, 'zvm1', 'gold', 'reserved', 'unmanaged-' + VID,
            'auto', wwpns=(pr.W1,), lun=LUN1)

    def test_manageable(self):
        self.pool(pr.row('free', 1, '7G'))
        got = self.drv.get_manageable_volumes([], None, 10, 0, ['size'],
                                              ['asc'])
        self.assertEqual(2, len(got))     # one per configured pool (mocked)
        self.assertTrue(got[0]['safe_to_manage'])


class StatsTest(DriverTestBase):

    def test_stats_one_call_per_pool_and_cached(self):
        self.pool(pr.row('free', 1, '10G'), pr.row('free', 2, '20G'))
        stats = self.drv.get_volume_stats(refresh=True)
        self.assertEqual(2, self.zfcp.list_pool.call_count)
        self.assertEqual(['gold', 'silver'],
                         [p['pool_name'] for p in stats['pools']])
        self.assertEqual(30, stats['pools'][0]['free_capacity_gb'])
        self.assertEqual(20, stats['pools'][0]['max_free_lun_gb'])
        self.assertEqual('volume.size <= capabilities.max_free_lun_gb',
                         stats['pools'][0]['filter_function'])
        self.assertEqual('FC', stats['storage_protocol'])
        again = self.drv.get_volume_stats(refresh=False)
        self.assertIs(stats, again)
        self.assertEqual(2, self.zfcp.list_pool.call_count)

    def test_unreadable_pool_reported_down(self):
        self.zfcp.list_pool.side_effect = [
            xexc.XCATUnavailable('down'), pr.entries(pr.row('free', 1))]
        stats = self.drv.get_volume_stats(refresh=True)
        self.assertEqual('down', stats['pools'][0]['backend_state'])
        self.assertEqual(0, stats['pools'][0]['free_capacity_gb'])
        self.assertEqual(10, stats['pools'][1]['free_capacity_gb'])


class UncertainTest(cinder_test.TestCase):

    def test_classification(self):
        self.assertTrue(pool_access.is_uncertain(xexc.XCATTimeout('t')))
        self.assertTrue(pool_access.is_uncertain(xexc.XCATResponseError('t')))
        self.assertTrue(pool_access.is_uncertain(xexc.XCATUnavailable('t')))
        self.assertFalse(pool_access.is_uncertain(
            xexc.XCATConnectionError('t', may_have_reached=False)))
        self.assertFalse(pool_access.is_uncertain(xexc.XCATCommandError(['x'])))
        self.assertFalse(pool_access.is_uncertain(xexc.XCATAuthError('x')))


class DataPathWiringTest(DriverTestBase):
    """The data operations go to cinder_zvm.datapath when it is configured."""

    def test_without_cinder_node_data_operations_say_what_is_missing(self):
        self.assertIsNone(self.drv.datapath)
        for call in (lambda: self.drv.create_snapshot(mock.Mock()),
                     lambda: self.drv.create_cloned_volume(self.volume(),
                                                           self.volume()),
                     lambda: self.drv.copy_image_to_volume(
                         self.ctxt, self.volume(), mock.Mock(), 'img'),
                     lambda: self.drv._attach_volume(self.ctxt, self.volume(),
                                                     {})):
            exc = self.assertRaises(exception.VolumeDriverException, call)
            self.assertIn('zvm_cinder_node', str(exc))

    def test_with_cinder_node_operations_are_delegated(self):
        self.override_config('zvm_cinder_node', 'cinder1', group=GROUP)
        dp = self.patch('cinder_zvm.datapath.ZVMDataPath')
        self.drv.do_setup(self.ctxt)
        dp.assert_called_once_with(self.drv.backend)
        self.zfcp.list_pool_names.return_value = ['gold', 'silver']
        self.drv.check_for_setup_error()
        dp.return_value.check_setup.assert_called_once_with()
        vol = self.volume()
        self.drv.delete_volume(vol)
        dp.return_value.delete_volume.assert_called_once_with(vol)
        self.zfcp.reserve.assert_not_called()
        snap = mock.Mock()
        self.drv.create_snapshot(snap)
        dp.return_value.create_snapshot.assert_called_once_with(snap)
        self.drv.revert_to_snapshot(self.ctxt, vol, snap)
        dp.return_value.revert_to_snapshot.assert_called_once_with(
            self.ctxt, vol, snap)
