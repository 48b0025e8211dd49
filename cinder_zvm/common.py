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

import contextlib
import threading

from cinder import exception
from cinder.i18n import _
from cinder.volume import volume_utils
from oslo_log import log as logging
from oslo_utils import units

from cinder_zvm import bestfit
from cinder_zvm import connection
from cinder_zvm import location
from cinder_zvm import locking
from cinder_zvm import manage
from cinder_zvm import ownership
from cinder_zvm import pool_guard
from cinder_zvm import stats
from zvm_xcat import client as xcat_client
from zvm_xcat import exception as xcat_exc
from zvm_xcat import validate as xcat_validate
from zvm_xcat import zfcp

LOG = logging.getLogger(__name__)

# --reservezfcp needs a device argument; with status ``reserved`` xCAT only
# checks it is hex or ``auto`` and writes it to the channel column (zvm.pm,
# zvmUtils.pm findAndUpdatezFcpPool).  ``auto`` says "no device chosen yet";
# nova's ``--addzfcp`` writes the real device when it attaches.
RESERVE_DEVICE = 'auto'


def user_text(value):
    """What a user may see of ``value``: an xCAT error's summary.

    xCAT's own output names internal hosts (the zHCP, the management node)
    and quotes the ssh command lines it ran; cinder shows exception texts
    to users (API error bodies, RPC errors). That text stays in the log.
    """
    if isinstance(value, xcat_exc.XCATError):
        return value.summary
    return value


def _backend_error(message, **kwargs):
    """VolumeBackendAPIException with summaries; xCAT's raw text is logged."""
    shown = {key: user_text(value) for key, value in kwargs.items()}
    text = message % shown
    if any(shown[key] is not value for key, value in kwargs.items()):
        LOG.error(message, kwargs)
        text = _('%(message)s (details in the cinder-volume log)') % {
            'message': text}
    return exception.VolumeBackendAPIException(data=text)


def _owner(builder, object_id):
    """``ownership.<builder>(object_id)`` of a cinder id checked to be a UUID.

    xCAT pastes owners into an ssh command line on its management node
    and into the CSV pool file (zvmUtils.pm findAndUpdatezFcpPool); the
    client's validate.owner is the second line. InvalidInput when the id
    is not a UUID: nothing has been sent to xCAT then.
    """
    try:
        xcat_validate.uuid(object_id, 'id')
    except xcat_exc.XCATInvalidArgument as exc:
        raise exception.InvalidInput(reason=str(exc))
    return builder(object_id)


def is_uncertain(exc):
    """True when a failed write may still have been carried out by xCAT."""
    if isinstance(exc, xcat_exc.XCATConnectionError):
        return exc.may_have_reached
    return isinstance(exc, (xcat_exc.XCATResponseError,
                            xcat_exc.XCATParseError,
                            xcat_exc.XCATUnavailable,
                            xcat_exc.XCATRequestTimeout))


def _error_text(exc):
    return ' '.join(getattr(exc, 'errors', ()) or (str(exc),))


def _no_lun_error(exc):
    """True for xCAT's "no suitable free entry" answer to --reservezfcp."""
    return 'suitable device' in _error_text(exc)


def _no_pool_error(exc):
    """True for findAndUpdatezFcpPool's "FCP storage pool does not exist"."""
    return 'pool does not exist' in _error_text(exc)


class ZVMFCPBackend(object):
    """The logic of one backend, below the thin cinder driver class."""

    def __init__(self, configuration, client=None):
        self.configuration = configuration
        self.hypervisor = None      # set from the options by setup()
        self.pools = []
        self.client = client
        self._pool_entries = {}     # pool -> entries of the last stats read
        # () -> [(owner, LunLocation)] of cinder's live volumes and
        # snapshots, set by the driver: every pool read looks for entries
        # freed under them (pool_guard). None: not checked (the CLI).
        self.live_objects = None
        self.released = pool_guard.Released()   # what this process freed
        self._held = threading.local()      # .pools: locks this thread holds

    # -- setup ----------------------------------------------------------

    def check_options(self):
        """Read the options; raise InvalidConfigurationValue for a bad one.

        The exception names the option.
        """
        conf = self.configuration
        self.hypervisor = conf.safe_get('zvm_host')
        self.pools = [p.strip().lower() for p in
                      (conf.safe_get('zvm_scsi_pool') or []) if p.strip()]
        if not conf.safe_get('zvm_xcat_server'):
            raise exception.InvalidConfigurationValue(
                option='zvm_xcat_server', value='')
        for option in ('zvm_xcat_username', 'zvm_xcat_password'):
            if not conf.safe_get(option):
                raise exception.InvalidConfigurationValue(option=option,
                                                          value='')
        # The client's own validators, so that a name accepted here is one
        # the client will send.
        try:
            xcat_validate.node_name(self.hypervisor or '', 'zvm_host')
        except xcat_exc.XCATInvalidArgument:
            raise exception.InvalidConfigurationValue(
                option='zvm_host', value=self.hypervisor or '')
        if not self.pools:
            raise exception.InvalidConfigurationValue(
                option='zvm_scsi_pool', value='')
        for pool in self.pools:
            try:
                xcat_validate.pool_name(pool, 'zvm_scsi_pool')
            except xcat_exc.XCATInvalidArgument:
                raise exception.InvalidConfigurationValue(
                    option='zvm_scsi_pool', value=pool)
        if len(set(self.pools)) != len(self.pools):
            raise exception.InvalidConfigurationValue(
                option='zvm_scsi_pool', value=','.join(self.pools))

    def setup(self):
        self.check_options()
        if self.client is None:
            try:
                self.client = xcat_client.XCATClient.from_config(
                    self.configuration)
            except xcat_exc.XCATConfigError as exc:
                raise exception.InvalidConfigurationValue(
                    option=exc.option, value=exc.reason)
        # The normalised URL, so "xcat" and "https://xcat:443/xcatws" share
        # one lock.
        self.lock_scope = locking.scope(self.client.server_url, self.hypervisor)

    def check_setup(self):
        """Check xCAT, credentials, hypervisor node and pools.

        One ``--zfcppoolnames`` call answers all four; then each pool is
        read once for rows xCAT cannot update (report_lun_clashes).
        """
        where = {'server': self.client.server_url, 'hv': self.hypervisor}
        try:
            names = zfcp.list_pool_names(self.client, self.hypervisor)
        except xcat_exc.XCATAuthError:
            raise _backend_error(
                _('xCAT at %(server)s refused the credentials of '
                  'zvm_xcat_username (HTTP 401)'), **where)
        except xcat_exc.XCATNodeNotFound:
            raise _backend_error(
                _('xCAT at %(server)s has no node %(hv)s (zvm_host): it must '
                  'be the xCAT node name of the z/VM hypervisor'), **where)
        except xcat_exc.XCATConnectionError as exc:
            raise _backend_error(_('xCAT at %(server)s is not reachable: '
                                   '%(exc)s'), exc=exc, **where)
        except xcat_exc.XCATError as exc:
            raise _backend_error(_('xCAT at %(server)s could not list the zFCP '
                                   'pools of %(hv)s: %(exc)s'), exc=exc, **where)
        missing = [p for p in self.pools if p not in names]
        if missing:
            raise _backend_error(
                _('zvm_scsi_pool names pool(s) %(missing)s that %(hv)s does not '
                  'have (it has: %(names)s). Note that xCAT deletes a pool '
                  'file that has no entries left.'),
                missing=', '.join(missing),
                names=', '.join(names) or 'none', **where)
        for pool in self.pools:
            self.report_lun_clashes(pool, self.list_pool(pool))

    def report_lun_clashes(self, pool, entries):
        """Log each LUN number that is on several rows of ``pool``.

        xCAT finds a row to update by its LUN alone (zvmUtils.pm ~3928):
        none of those rows can be reserved, used or released until an
        operator gives the LUN one row. Returns the clashes.
        """
        clashes = zfcp.lun_clashes(entries)
        for rows in clashes.values():
            LOG.warning('xCAT pool %(pool)s of %(hv)s: %(text)s',
                        {'pool': pool, 'hv': self.hypervisor,
                         'text': zfcp.describe_clash(pool, rows)})
        return clashes

    # -- helpers --------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, pool):
        held = self.held_pools()
        timeout = self.configuration.safe_get('zvm_pool_lock_timeout') or 300
        try:
            with locking.pool_lock(self.lock_scope, pool, timeout,
                                   'cinder-volume %s' % self.hypervisor):
                held.add(pool)
                try:
                    yield
                finally:
                    held.discard(pool)
        except locking.LockWaitTimeout as exc:
            raise _backend_error(_('pool %(pool)s of %(hv)s: %(exc)s'),
                                 pool=pool, hv=self.hypervisor, exc=str(exc))

    def held_pools(self):
        """The pools whose lock this thread holds (lock() is not re-entrant)."""
        if not hasattr(self._held, 'pools'):
            self._held.pools = set()
        return self._held.pools

    def pool_of(self, volume):
        """The pool cinder's scheduler chose (host@backend#pool)."""
        pool = volume_utils.extract_host(volume.host, 'pool')
        if pool is None and len(self.pools) == 1:
            return self.pools[0]
        if pool not in self.pools:
            raise _backend_error(
                _('volume %(id)s is placed on pool %(pool)r, which is not one of '
                  'zvm_scsi_pool (%(pools)s) of this backend'), id=volume.id,
                pool=pool, pools=', '.join(self.pools))
        return pool

    def location_of(self, volume):
        """The LunLocation of a volume, None if it has none."""
        try:
            loc = location.decode(volume.provider_location)
        except location.InvalidLocation as exc:
            raise _backend_error(_('volume %(id)s: %(exc)s'), id=volume.id,
                                 exc=exc)
        if loc is not None and loc.hypervisor != self.hypervisor:
            raise _backend_error(
                _('volume %(id)s is a LUN of z/VM host %(theirs)s but this '
                  'backend serves %(ours)s (zvm_host changed?)'), id=volume.id,
                theirs=loc.hypervisor, ours=self.hypervisor)
        return loc

    def list_pool(self, pool):
        """The rows of ``pool``; a pool without a file has none.

        xCAT deletes a pool file when its last row is removed, and lists a
        missing pool as nothing at all (zfcp.list_pool raises
        XCATPoolNotFound for it): said here, and in the stats, which
        report such a pool down with that reason.
        """
        try:
            return self._guarded(pool, zfcp.list_pool(
                self.client, self.hypervisor, pool))
        except xcat_exc.XCATPoolNotFound as exc:
            LOG.warning('%s: taken as a pool without rows', exc)
            return []
        except xcat_exc.XCATError as exc:
            raise _backend_error(_('cannot read xCAT pool %(pool)s of %(hv)s: '
                                   '%(exc)s'), pool=pool, hv=self.hypervisor,
                                 exc=exc)

    def _guarded(self, pool, entries):
        """``entries`` after pool_guard took back what xCAT freed."""
        return pool_guard.take_back(self, pool, entries, self._reserve)

    def entry_of(self, loc):
        entries = self.list_pool(loc.pool)
        return manage.find_entry(entries, loc.wwpns, loc.lun)

    def _find_owned(self, pool, owner):
        return [e for e in self.list_pool(pool) if e.owner == owner]

    def _reserve(self, loc, owner):
        """Set an entry ``reserved`` with ``owner`` (one write, no read).

        xCAT refuses this for an entry that is ``used``, and ignores the
        size when WWPN and LUN are given. pool_guard uses it as is: it
        reads the pool afterwards itself.
        """
        zfcp.reserve(self.client, self.hypervisor, loc.pool, 'reserved', owner,
                     RESERVE_DEVICE, wwpns=loc.wwpns, lun=loc.lun)

    def reserve_entry(self, loc, owner, what):
        """_reserve, then read it back.

        Raises the XCATError of the write, or VolumeBackendAPIException
        (``what`` names the step) when the pool does not show it done.
        """
        self._reserve(loc, owner)
        self.read_back(loc, 'reserved', owner, what)

    def read_back(self, loc, status, owner, what):
        """The entry of ``loc``, which must now be ``status`` for ``owner``.

        Otherwise raises VolumeBackendAPIException naming the rows that
        share the LUN number, if that is why xCAT wrote nothing.
        """
        entries = self.list_pool(loc.pool)
        entry = manage.find_entry(entries, loc.wwpns, loc.lun)
        if entry is not None and (entry.status, entry.owner) == (status,
                                                                 owner):
            return entry
        clash = zfcp.lun_clashes(entries).get(loc.lun)
        why = (zfcp.describe_clash(loc.pool, clash) if clash else
               'xCAT reported it done, but the pool shows %s'
               % (repr(entry.line) if entry else 'no such row'))
        raise _backend_error(_('%(what)s: %(why)s'), what=what, why=why)

    def _reserve_confirmed(self, loc, owner, what):
        """_reserve, and when the answer is lost read back whether it landed.

        Raises VolumeBackendAPIException (``what`` names the step) unless
        the entry is afterwards ``reserved`` for ``owner``.
        """
        try:
            self.reserve_entry(loc, owner, what)
            return
        except xcat_exc.XCATError as exc:
            if is_uncertain(exc):
                entry = self.entry_of(loc)
                if (entry is not None and entry.status == 'reserved' and
                        entry.owner == owner):
                    LOG.warning('%(what)s: xCAT gave no clear answer '
                                '(%(exc)s) but the pool shows it done',
                                {'what': what, 'exc': exc})
                    return
            raise _backend_error(_('%(what)s: %(exc)s'), what=what, exc=exc)

    # -- create / delete ------------------------------------------------

    def create_volume(self, volume):
        pool = self.pool_of(volume)
        owner = _owner(ownership.volume_owner, ownership.stamp_id(volume))
        size = '%dG' % volume.size
        with self.lock(pool):
            try:
                reserved = zfcp.reserve(self.client, self.hypervisor, pool,
                                        'reserved', owner, RESERVE_DEVICE,
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
                if not is_uncertain(exc):
                    raise _backend_error(
                        _('could not reserve a %(size)s LUN in pool %(pool)s of '
                          '%(hv)s: %(exc)s'), size=size, pool=pool,
                        hv=self.hypervisor, exc=exc)
                loc = self._recover_create(volume, pool, owner, exc)
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

    def _release_entry(self, pool, entry):
        self.released.note(entry.wwpns, entry.lun)
        zfcp.release(self.client, self.hypervisor, pool, entry.wwpns,
                     entry.lun)
        loc = location.LunLocation(self.hypervisor, pool, entry.wwpns,
                                   entry.lun)
        self.read_back(loc, 'free', '', 'releasing LUN %s of pool %s'
                       % (loc.source_name, pool))

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
            if not is_uncertain(exc):
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
            self._reserve_confirmed(
                loc, _owner(ownership.volume_owner, ownership.stamp_id(volume)),
                'could not take LUN %s of pool %s' % (loc.source_name, pool))
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
