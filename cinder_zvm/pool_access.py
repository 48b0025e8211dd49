"""One backend's access to its xCAT zFCP pools: the part below the
operations of common.py.

Options and setup, the pool lock, reading a pool (through pool_guard),
and the single-row writes that every operation is built from: reserve,
release, and the read back that follows each (xCAT answers "Done" without
writing when a LUN number is on several rows; zvm_xcat.zfcp). Also the
error helpers the operations share: what a user may see of an xCAT error,
and which failed writes may still have landed.
"""

import contextlib
import threading

from cinder import exception
from cinder.i18n import _
from cinder.volume import volume_utils
from oslo_log import log as logging

from cinder_zvm import location
from cinder_zvm import locking
from cinder_zvm import manage
from cinder_zvm import pool_guard
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


def backend_error(message, **kwargs):
    """VolumeBackendAPIException with summaries; xCAT's raw text is logged."""
    shown = {key: user_text(value) for key, value in kwargs.items()}
    text = message % shown
    if any(shown[key] is not value for key, value in kwargs.items()):
        LOG.error(message, kwargs)
        text = _('%(message)s (details in the cinder-volume log)') % {
            'message': text}
    return exception.VolumeBackendAPIException(data=text)


def checked_owner(builder, object_id):
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


class PoolAccess(object):
    """Options, lock, pool reads and single-row writes of one backend."""

    def __init__(self, configuration, client=None):
        self.configuration = configuration
        self.hypervisor = None      # set from the options by setup()
        self.pools = []
        self.client = client
        self._pool_entries = {}     # pool -> entries of the last stats read
        # pool_guard.LiveObjects of cinder's live volumes and snapshots,
        # set by the driver: every pool read looks for entries freed under
        # them (pool_guard). None: not checked (the CLI).
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
            raise backend_error(
                _('xCAT at %(server)s refused the credentials of '
                  'zvm_xcat_username (HTTP 401)'), **where)
        except xcat_exc.XCATNodeNotFound:
            raise backend_error(
                _('xCAT at %(server)s has no node %(hv)s (zvm_host): it must '
                  'be the xCAT node name of the z/VM hypervisor'), **where)
        except xcat_exc.XCATConnectionError as exc:
            raise backend_error(_('xCAT at %(server)s is not reachable: '
                                  '%(exc)s'), exc=exc, **where)
        except xcat_exc.XCATError as exc:
            raise backend_error(_('xCAT at %(server)s could not list the zFCP '
                                  'pools of %(hv)s: %(exc)s'), exc=exc, **where)
        missing = [p for p in self.pools if p not in names]
        if missing:
            raise backend_error(
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
            raise backend_error(_('pool %(pool)s of %(hv)s: %(exc)s'),
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
            raise backend_error(
                _('volume %(id)s is placed on pool %(pool)r, which is not one of '
                  'zvm_scsi_pool (%(pools)s) of this backend'), id=volume.id,
                pool=pool, pools=', '.join(self.pools))
        return pool

    def location_of(self, volume):
        """The LunLocation of a volume, None if it has none."""
        try:
            loc = location.decode(volume.provider_location)
        except location.InvalidLocation as exc:
            raise backend_error(_('volume %(id)s: %(exc)s'), id=volume.id,
                                exc=exc)
        if loc is not None and loc.hypervisor != self.hypervisor:
            raise backend_error(
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
            raise backend_error(_('cannot read xCAT pool %(pool)s of %(hv)s: '
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

    def note_reserved(self, loc, owner):
        """``owner`` (a new volume or snapshot) holds ``loc`` from now on.

        The pool guard counts it live before cinder's row says so.
        """
        if self.live_objects is not None:
            self.live_objects.note(owner, loc)

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
        raise backend_error(_('%(what)s: %(why)s'), what=what, why=why)

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
            raise backend_error(_('%(what)s: %(exc)s'), what=what, exc=exc)

    def _release_entry(self, pool, entry):
        self.released.note(entry.wwpns, entry.lun)
        zfcp.release(self.client, self.hypervisor, pool, entry.wwpns,
                     entry.lun)
        loc = location.LunLocation(self.hypervisor, pool, entry.wwpns,
                                   entry.lun)
        self.read_back(loc, 'free', '', 'releasing LUN %s of pool %s'
                       % (loc.source_name, pool))
