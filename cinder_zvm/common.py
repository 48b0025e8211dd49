"""The z/VM FCP backend: cinder operations as xCAT zFCP pool calls.

One instance per backend (one z/VM system).  Every pool mutation runs
under a cinder coordination lock named after (xCAT server, hypervisor,
pool): xCAT edits the pool file on the zHCP with sed and no locking, so
two writers can hand out the same LUN (see locking.py).

xCAT calls per operation (the minimum the xCAT contract allows):

=======================  =====  ===========================================
operation                calls  why
=======================  =====  ===========================================
create_volume            2      ``--reservezfcp`` without WWPN/LUN: xCAT
                                picks the best fit and marks it owned;
                                read back
delete_volume            3      read the entry (used? still ours?), then
                                release or quarantine it; ``--releasezfcp``
                                alone would free a LUN a guest still uses;
                                read back
initialize_connection    0      everything is in provider_location
terminate_connection     2      re-stamp the owner nova's detach cleared;
                                read back
stats (per pool)         1      ``--zfcppool <pool> all``
extend_volume            1      read the LUN's real size
manage_existing          3      read + re-check under the lock, reserve,
                                read back
=======================  =====  ===========================================

Every write is read back: xCAT answers "Done" without writing when a LUN
number is on several rows of the pool (zvm_xcat.zfcp, "two defects"), and
never checks its own sed. Writes that name a row do it the way that works
on xCAT for multipath rows too (zfcp.address_wwpn).

When a write may have reached xCAT but gave no clear answer (timeout,
dropped connection, 503, unreadable reply) the driver reads the pool once
to learn what happened instead of guessing.
"""

from cinder import exception
from cinder.i18n import _
from cinder.volume import volume_utils
from oslo_log import log as logging
from oslo_utils import units

from cinder_zvm import bestfit
from cinder_zvm import connection
from cinder_zvm import location
from cinder_zvm import manage
from cinder_zvm import ownership
from cinder_zvm import pool_access
from cinder_zvm import stats
from zvm_xcat import exception as xcat_exc
from zvm_xcat import zfcp

LOG = logging.getLogger(__name__)
# Shorthands for the operations below (pool_access says what they do).
_backend_error = pool_access.backend_error
_owner = pool_access.checked_owner


def _error_text(exc):
    return ' '.join(getattr(exc, 'errors', ()) or (str(exc),))


def _no_lun_error(exc):
    """True for xCAT's "no suitable free entry" answer to --reservezfcp."""
    return 'suitable device' in _error_text(exc)


def _no_pool_error(exc):
    """True for findAndUpdatezFcpPool's "FCP storage pool does not exist"."""
    return 'pool does not exist' in _error_text(exc)


class ZVMFCPBackend(pool_access.PoolAccess):
    """The logic of one backend, below the thin cinder driver class."""

    # -- create / delete ------------------------------------------------

    def create_volume(self, volume):
        pool = self.pool_of(volume)
        owner = _owner(ownership.volume_owner, ownership.stamp_id(volume))
        size = '%dG' % volume.size
        with self.lock(pool):
            try:
                reserved = zfcp.reserve(self.client, self.hypervisor, pool,
                                        'reserved', owner, pool_access.RESERVE_DEVICE,
                                        size=size)
                loc = location.LunLocation(self.hypervisor, pool,
                                           reserved.wwpns, reserved.lun)
                self.read_back(loc, 'reserved', owner,
                               'volume %s: reserving a %s LUN in pool %s'
                               % (volume.id, size, pool))
            except xcat_exc.XCATCommandError as exc:
                if _no_lun_error(exc):
                    raise self._no_lun(pool, volume.size)
                if _no_pool_error(exc):
                    raise _backend_error(
                        _('xCAT pool %(pool)s does not exist on %(hv)s (xCAT '
                          'deletes a pool file whose last entry was removed)'),
                        pool=pool, hv=self.hypervisor)
                raise _backend_error(
                    _('xCAT refused to reserve a %(size)s LUN in pool %(pool)s '
                      'of %(hv)s: %(exc)s'), size=size, pool=pool,
                    hv=self.hypervisor, exc=exc)
            except xcat_exc.XCATError as exc:
                if not pool_access.is_uncertain(exc):
                    raise _backend_error(
                        _('could not reserve a %(size)s LUN in pool %(pool)s of '
                          '%(hv)s: %(exc)s'), size=size, pool=pool,
                        hv=self.hypervisor, exc=exc)
                loc = self._recover_create(volume, pool, owner, exc)
            self.note_reserved(loc, owner)
        LOG.info('Volume %(id)s is LUN %(wwpn)s:%(lun)s of pool %(pool)s '
                 'on %(hv)s', {'id': volume.id, 'wwpn': loc.wwpn,
                               'lun': loc.lun, 'pool': pool,
                               'hv': self.hypervisor})
        return {'provider_location': loc.encode(),
                'provider_id': loc.source_name}

    def _no_lun(self, pool, size_gb):
        hint = ''
        if pool in self._pool_entries:
            largest = bestfit.largest_free(self._pool_entries[pool])
            hint = (' (largest free LUN at the last stats read: %d GiB)'
                    % stats.whole_gib(largest.size_bytes) if largest else
                    ' (the pool had no free LUN at the last stats read)')
        return _backend_error(
            _('xCAT pool %(pool)s of %(hv)s has no free LUN of %(size)d GiB or '
              'larger%(hint)s'), pool=pool, hv=self.hypervisor, size=size_gb,
            hint=hint)

    def _recover_create(self, volume, pool, owner, exc):
        """The reservation may or may not have happened: read the pool."""
        LOG.warning('Reserving a LUN for volume %(id)s gave no clear answer '
                    '(%(exc)s); reading pool %(pool)s to find out',
                    {'id': volume.id, 'exc': exc, 'pool': pool})
        owned = self._find_owned(pool, owner)
        if not owned:
            raise _backend_error(
                _('could not reserve a LUN in pool %(pool)s of %(hv)s for volume '
                  '%(id)s: %(exc)s (xCAT did not reserve one)'), pool=pool,
                hv=self.hypervisor, id=volume.id, exc=exc)
        keep, extra = owned[0], owned[1:]
        for entry in extra:     # cannot happen under the lock; never leak
            self._release_entry(pool, entry)
        return location.LunLocation(self.hypervisor, pool, keep.wwpns, keep.lun)

    def delete_volume(self, volume, wipe):
        """Free or quarantine the volume's LUN(s).

        Returns [(LunLocation, PoolEntry)] of the LUNs now quarantined for
        this volume, so that the wipe needs no second read of the pool.
        """
        # a UUID, or nothing sent
        _owner(ownership.volume_owner, ownership.stamp_id(volume))
        loc = self.location_of(volume)
        if loc is None:
            return self._delete_unlocated(volume, wipe)
        with self.lock(loc.pool):
            entry = self.entry_of(loc)
            return self._apply_delete(volume, loc, entry, wipe)

    def _delete_unlocated(self, volume, wipe):
        """Delete a volume without provider_location (its create failed).

        A LUN may still carry its owner if the create's answer was lost
        (in the volume's pool, or in another one if cinder rescheduled the
        create there): every configured pool is searched, its own first.
        """
        try:
            first = [self.pool_of(volume)]
        except exception.VolumeBackendAPIException:
            first = []
        owner = _owner(ownership.volume_owner, ownership.stamp_id(volume))
        found = 0
        quarantined = []
        for pool in first + [p for p in self.pools if p not in first]:
            with self.lock(pool):
                for entry in self._find_owned(pool, owner):
                    loc = location.LunLocation(self.hypervisor, pool,
                                               entry.wwpns, entry.lun)
                    quarantined += self._apply_delete(volume, loc, entry, wipe)
                    found += 1
        if not found:
            LOG.warning('Volume %s has no LUN (its creation failed); nothing '
                        'to delete', volume.id)
        return quarantined

    def _apply_delete(self, volume, loc, entry, wipe):
        """[(loc, entry)] if the LUN is now quarantined for the volume."""
        stamp = ownership.stamp_id(volume)
        action = ownership.delete_action(entry, stamp, wipe)
        args = {'id': volume.id, 'lun': loc.source_name, 'pool': loc.pool,
                'owner': entry.owner if entry else '', 'stamp': stamp}
        if action == ownership.BUSY:
            raise exception.VolumeIsBusy(
                message=_('volume %(id)s: LUN %(lun)s in pool %(pool)s is in '
                          'use by guest %(owner)s') % args)
        if action in (ownership.GONE, ownership.ALREADY_FREE,
                      ownership.NOT_OURS, ownership.ALREADY_QUARANTINED):
            LOG.warning('Deleting volume %(id)s: LUN %(lun)s in pool %(pool)s '
                        'is ' + {ownership.GONE: 'not in the pool',
                                 ownership.ALREADY_FREE: 'already free',
                                 ownership.NOT_OURS: 'owned by %(owner)s, '
                                                     'left alone',
                                 ownership.ALREADY_QUARANTINED:
                                     'already quarantined'}[action] +
                        '; nothing to do', args)
            return ([(loc, entry)] if action == ownership.ALREADY_QUARANTINED
                    else [])
        try:
            if action == ownership.RELEASE:
                self._release_entry(loc.pool, entry)
            else:
                self.reserve_entry(loc, _owner(ownership.wipe_owner, stamp),
                                   'could not quarantine LUN %s in pool %s'
                                   % (loc.source_name, loc.pool))
        except xcat_exc.XCATError as exc:
            if not pool_access.is_uncertain(exc):
                raise _backend_error(_('could not %(act)s LUN %(lun)s in pool '
                                       '%(pool)s: %(exc)s'), act=action,
                                     exc=exc, **args)
            after = self.entry_of(loc)
            settled = ownership.delete_action(after, stamp, wipe)
            if settled not in (ownership.GONE, ownership.ALREADY_FREE,
                               ownership.ALREADY_QUARANTINED):
                raise _backend_error(_('could not %(act)s LUN %(lun)s in pool '
                                       '%(pool)s: %(exc)s'), act=action,
                                     exc=exc, **args)
            if settled != ownership.ALREADY_QUARANTINED:
                # Free or gone: not ours to wipe any more.
                return []
        if action == ownership.QUARANTINE:
            LOG.info('Volume %(id)s deleted: LUN %(lun)s in pool %(pool)s is '
                     'quarantined (reserved, owner wipe-%(stamp)s) until it is '
                     'wiped', args)
            return [(loc, entry)]
        LOG.info('Volume %(id)s deleted: LUN %(lun)s returned to pool '
                 '%(pool)s', args)
        return []

    # -- attach / detach ------------------------------------------------

    def validate_connector(self, connector):
        try:
            connection.check_connector(connector, self.hypervisor)
        except connection.ConnectorError as exc:
            raise exception.InvalidConnectorException(missing=str(exc))

    def initialize_connection(self, volume, connector):
        loc = self.location_of(volume)
        if loc is None:
            raise _backend_error(_('volume %(id)s has no LUN (no '
                                   'provider_location)'), id=volume.id)
        try:
            return connection.connection_info(
                volume.id, loc, connector, self.hypervisor,
                '%dG' % volume.size)
        except connection.ConnectorError as exc:
            raise exception.InvalidConnectorException(missing=str(exc))

    def terminate_connection(self, volume, connector):
        """Re-stamp the owner that nova's detach cleared.

        ``chvm --removezfcp ... 1`` leaves the entry ``reserved`` with an
        empty owner.  If the entry is still ``used``, nova has not (yet)
        detached: xCAT refuses the reservation and the entry is left to
        nova; delete_volume refuses while it stays used.
        """
        loc = self.location_of(volume)
        if loc is None:
            LOG.warning('Volume %s has no LUN; nothing to terminate', volume.id)
            return
        with self.lock(loc.pool):
            try:
                self.reserve_entry(loc, _owner(ownership.volume_owner,
                                               ownership.stamp_id(volume)),
                                   'Volume %s: setting the owner of LUN %s '
                                   'after detach'
                                   % (volume.id, loc.source_name))
            except exception.VolumeBackendAPIException as exc:
                LOG.error('%s', exc)
            except xcat_exc.XCATCommandError as exc:
                if 'in use' in str(exc):
                    LOG.warning('Volume %(id)s: LUN %(lun)s is still attached '
                                'to a guest according to xCAT; its owner will '
                                'be set when the guest releases it',
                                {'id': volume.id, 'lun': loc.source_name})
                    return
                LOG.error('Volume %(id)s: could not set owner of LUN %(lun)s '
                          'after detach: %(exc)s',
                          {'id': volume.id, 'lun': loc.source_name, 'exc': exc})
            except xcat_exc.XCATError as exc:
                # The detach itself is done; the owner column is bookkeeping
                # that delete_volume and the next terminate also handle.
                LOG.error('Volume %(id)s: could not set owner of LUN %(lun)s '
                          'after detach: %(exc)s',
                          {'id': volume.id, 'lun': loc.source_name, 'exc': exc})

    # -- extend / manage ------------------------------------------------

    def extend_volume(self, volume, new_size):
        loc = self.location_of(volume)
        if loc is None:
            raise _backend_error(_('volume %(id)s has no LUN'), id=volume.id)
        entry = self.entry_of(loc)
        if entry is None:
            raise _backend_error(_('volume %(id)s: LUN %(lun)s is no longer in '
                                   'pool %(pool)s'), id=volume.id,
                                 lun=loc.source_name, pool=loc.pool)
        if not entry.size_bytes or entry.size_bytes < new_size * units.Gi:
            raise exception.ExtendVolumeError(reason=_(
                'volume %(id)s is LUN %(lun)s of %(size)s; a LUN cannot grow, '
                'and %(new)d GiB does not fit in it') % {
                    'id': volume.id, 'lun': loc.source_name,
                    'size': ('%.2f GiB' % (entry.size_bytes / units.Gi)
                             if entry.size_bytes else 'unknown size'),
                    'new': new_size})
        LOG.info('Volume %(id)s extended to %(size)d GiB within LUN %(lun)s',
                 {'id': volume.id, 'size': new_size, 'lun': loc.source_name})

    def _manage_entry(self, volume, existing_ref):
        pool = self.pool_of(volume)
        try:
            wwpns, lun = manage.reference_key(existing_ref)
        except manage.NotManageable as exc:
            raise exception.ManageExistingInvalidReference(
                existing_ref=existing_ref, reason=str(exc))
        entry = manage.find_entry(self.list_pool(pool), wwpns, lun)
        if entry is None:
            raise exception.ManageExistingInvalidReference(
                existing_ref=existing_ref, reason=_(
                    'no LUN %(wwpn)s:%(lun)s in pool %(pool)s of %(hv)s') % {
                        'wwpn': ';'.join(wwpns), 'lun': lun, 'pool': pool,
                        'hv': self.hypervisor})
        reason = manage.why_not_manageable(entry, ownership.stamp_id(volume))
        if reason:
            raise exception.ManageExistingInvalidReference(
                existing_ref=existing_ref, reason=_(
                    'LUN %(wwpn)s:%(lun)s in pool %(pool)s is %(why)s') % {
                        'wwpn': entry.wwpn, 'lun': lun, 'pool': pool,
                        'why': reason})
        return pool, entry

    def manage_existing_get_size(self, volume, existing_ref):
        return manage.size_gb(self._manage_entry(volume, existing_ref)[1])

    def manage_existing(self, volume, existing_ref):
        pool = self.pool_of(volume)
        with self.lock(pool):
            pool, entry = self._manage_entry(volume, existing_ref)
            loc = location.LunLocation(self.hypervisor, pool, entry.wwpns,
                                       entry.lun)
            owner = _owner(ownership.volume_owner, ownership.stamp_id(volume))
            self._reserve_confirmed(
                loc, owner,
                'could not take LUN %s of pool %s' % (loc.source_name, pool))
            self.note_reserved(loc, owner)
        return {'provider_location': loc.encode(),
                'provider_id': loc.source_name}

    def unmanage(self, volume):
        """Cinder forgets the volume; the LUN keeps its data.

        It stays reserved (owner ``unmanaged-<id>``) so it is never handed
        out free, and manage_existing may adopt it again.
        """
        loc = self.location_of(volume)
        if loc is None:
            return
        with self.lock(loc.pool):
            self._reserve_confirmed(
                loc, _owner(ownership.unmanaged_owner,
                            ownership.stamp_id(volume)),
                'could not mark LUN %s unmanaged' % loc.source_name)

    def get_manageable_volumes(self, cinder_volumes, marker, limit, offset,
                               sort_keys, sort_dirs):
        pools = {pool: self.list_pool(pool) for pool in self.pools}
        # keyed by the id the LUN's owner carries (name_id)
        known = {ownership.stamp_id(v): v.get('provider_id')
                 for v in cinder_volumes}
        entries = manage.manageable_list(pools, known)
        return volume_utils.paginate_entries_list(entries, marker, limit,
                                                  offset, sort_keys, sort_dirs)

    # -- stats ----------------------------------------------------------

    def pool_stats(self):
        """Read each pool once (one ``--zfcppool`` call per pool).

        A pool that cannot be read is reported down (no capacity) rather
        than failing the whole report.
        """
        reserved = self.configuration.safe_get('reserved_percentage') or 0
        result = []
        for pool in self.pools:
            try:
                entries = self._guarded(pool, zfcp.list_pool(
                    self.client, self.hypervisor, pool))
            except xcat_exc.XCATError as exc:
                LOG.error('Cannot read xCAT pool %(pool)s of %(hv)s: %(exc)s',
                          {'pool': pool, 'hv': self.hypervisor, 'exc': exc})
                self._pool_entries.pop(pool, None)
                result.append(stats.unreachable_pool_stats(pool, str(exc),
                                                           reserved))
                continue
            self._pool_entries[pool] = entries
            self.report_lun_clashes(pool, entries)
            result.append(stats.pool_stats(pool, entries, reserved))
        return result
