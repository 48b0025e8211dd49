"""Connector checks and connection_info, pure (internals.rst).

initialize_connection needs no xCAT call: the LUN's WWPN(s) and FCP LUN
are in provider_location, and nova's side performs the attach (xCAT
``--addzfcp``) with the data returned here.
"""

from cinder_zvm import location
from zvm_xcat import exception as xcat_exc
from zvm_xcat import validate as xcat_validate

# Paths of one connector: z/VM gives a guest at most a handful of FCP
# devices for one volume (8 is twice the usual four-CHPID layout). A list
# longer than that is refused before anything iterates over it.
MAX_PATHS = 8


class ConnectorError(ValueError):
    """The connector lacks or garbles something; ``missing`` names it."""

    def __init__(self, missing, reason):
        self.missing = missing
        # The reason quotes the caller's value, which may be of any size.
        if len(reason) > 300:
            reason = reason[:300] + '...'
        super().__init__('%s: %s' % (missing, reason))


def _devno(value):
    """FCP device number as 4 lower-case hex digits (``0.0.`` allowed)."""
    if not isinstance(value, str):
        raise ConnectorError('zvm_fcp', 'FCP device %r is not a string' % (value,))
    text = value.strip().lower()
    if text.startswith('0.0.'):
        text = text[4:]
    if not text or len(text) > 4 or any(c not in '0123456789abcdef' for c in text):
        raise ConnectorError('zvm_fcp', 'FCP device %r is not 1-4 hex digits' % (value,))
    return text.zfill(4)


def _list(connector, key):
    value = connector.get(key)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not value:
        raise ConnectorError(key, 'must be a non-empty list')
    if len(value) > MAX_PATHS:
        raise ConnectorError(key, 'lists %d entries; at most %d paths are '
                             'supported' % (len(value), MAX_PATHS))
    return list(value)


def _unique(values, key):
    """Refuse a repeated entry: it would be a second path that is not there."""
    if len(set(values)) != len(values):
        raise ConnectorError(key, 'lists %s twice' % ', '.join(
            sorted({v for v in values if values.count(v) > 1})))
    return values


def check_connector(connector, zvm_host):
    """Validated ``(initiator_wwpns, fcp_devices)`` of a connector.

    A z/VM connector (nova_volumeops) has ``zvm_fcp`` and ``wwpns`` in the
    same order and ``zvm_hypervisor``; a standard FC connector has only
    ``wwpns``/``wwnns`` (then ``fcp_devices`` is empty).  A guest on another
    z/VM system cannot reach this backend's LUNs through its FCP devices
    the way the pool's channel ranges describe, so it is refused.
    """
    if not isinstance(connector, dict):
        raise ConnectorError('connector', 'no connector given (got %r)'
                             % type(connector).__name__)
    try:
        wwpns = _unique([location.normalize_hex16(w, 'initiator WWPN')
                         for w in _list(connector, 'wwpns')], 'wwpns')
    except location.InvalidLocation as exc:
        raise ConnectorError('wwpns', str(exc))
    fcps = []
    if 'zvm_fcp' in connector:
        fcps = _unique([_devno(d) for d in _list(connector, 'zvm_fcp')],
                       'zvm_fcp')
        if len(fcps) != len(wwpns):
            raise ConnectorError(
                'zvm_fcp', '%d FCP devices but %d WWPNs; they must pair up in '
                'order' % (len(fcps), len(wwpns)))
        hypervisor = connector.get('zvm_hypervisor')
        if not hypervisor:
            raise ConnectorError('zvm_hypervisor',
                                 'a z/VM connector must name its hypervisor')
        try:
            xcat_validate.node_name(hypervisor, 'zvm_hypervisor')
        except xcat_exc.XCATInvalidArgument as exc:
            raise ConnectorError('zvm_hypervisor', exc.reason)
        if hypervisor.lower() != zvm_host.lower():
            raise ConnectorError(
                'zvm_hypervisor', 'the guest runs on z/VM host %r but this '
                'backend serves LUNs of %r' % (hypervisor, zvm_host))
    return wwpns, fcps


def connection_info(volume_id, loc, connector, zvm_host, lun_size):
    """The fibre_channel connection_info of internals.rst."""
    initiators, fcps = check_connector(connector, zvm_host)
    targets = list(loc.wwpns)
    data = {
        'target_discovered': False,
        'target_wwn': targets if len(targets) > 1 else targets[0],
        'target_lun': location.fcp_lun_to_scsi_lun(loc.lun),
        'zvm_fcp_lun': loc.lun,
        'zvm_pool': loc.pool,
        'zvm_hypervisor': zvm_host,
        'zvm_fcp': fcps,
        'zvm_lun_size': lun_size,
        'initiator_target_map': {w: list(targets) for w in initiators},
        'volume_id': volume_id,
        'discard': False,
    }
    return {'driver_volume_type': 'fibre_channel', 'data': data}
