# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.
"""Connections for os-brick consumers: cinder-backup and other services.

cinder-backup attaches a volume itself: ``initialize_connection`` with
os-brick's connector properties of its host, then the os-brick connector
of the returned ``driver_volume_type`` (cinder/backup/manager.py
``_attach_volume``/``_connect_device``). So do cinder-volume services of
other backends during a generic migration (cinder/volume/driver.py
``_attach_volume`` with ``remote``). For ``fibre_channel`` on s390x that is
os-brick's FibreChannelConnectorS390X, which fails in os-brick 4.0.0 to
7.1.1 and only addresses 32-bit LUNs.

So a request whose connector comes from this driver's own host (the
Cinder node) is served by the driver: it attaches the LUN with its own
host attach (cinder_zvm.hostattach) and returns a ``local`` connection
whose ``device_path`` is the attached disk. os-brick's LocalConnector
only hands that path over (os_brick/initiator/connectors/local.py
``connect_volume``), as for cinder's LINSTOR DRBD driver
(cinder/volume/drivers/linstordrv.py ``_return_drbd_config``).
``terminate_connection`` detaches it. A request from another s390x host
is refused before anything is attached, with the reason. Which kind a
connector is is decided by :func:`kind_of` (pure).
"""

import socket
import threading

from cinder import exception
from cinder.i18n import _
from oslo_log import log as logging

LOG = logging.getLogger(__name__)

GUEST = 'guest'              # nova_volumeops: a z/VM guest's FCP devices
LOCAL = 'local'              # os-brick on this host (the Cinder node)
S390X_HOST = 's390x-host'    # os-brick on another s390x host
OTHER_HOST = 'other-host'    # os-brick elsewhere (or no connector)

S390X_PLATFORMS = ('s390x', 's390')


def kind_of(connector, hostname):
    """Which of the module's connector kinds ``connector`` is.

    os-brick's ``get_connector_properties`` sets ``host`` to the caller's
    ``socket.gethostname()`` (cinder passes no host: cinder/volume/
    volume_utils.py ``brick_get_connector_properties``) and ``platform``
    to ``platform.machine()``; nova_volumeops' connector has ``zvm_fcp``.
    """
    if not isinstance(connector, dict):
        return OTHER_HOST
    if 'zvm_fcp' in connector:
        return GUEST
    host = connector.get('host')
    if isinstance(host, str) and host and host == hostname:
        return LOCAL
    if str(connector.get('platform') or '').lower() in S390X_PLATFORMS:
        return S390X_HOST
    return OTHER_HOST


class AttachRefused(exception.VolumeDriverException):
    """The reason alone: cinder-backup keeps 255 characters of it.

    The volume manager prefixes 105 (``Bad or unexpected response from the
    storage volume backend API: Driver initialize connection failed
    (error: ``) before the backup's ``fail_reason`` column cuts it.
    """
    message = '%(reason)s'


def refusal(connector, hostname):
    """The error for a connector os-brick cannot serve on its host.

    The reason comes first; only the Cinder node's name at the end may be
    cut from a backup's fail_reason when host names are long.
    """
    return AttachRefused(reason=_(
        "os-brick's s390x FC connector (broken in 4.0.0-7.1.1) cannot "
        "attach on host %(there)s; run cinder-backup on the Cinder node "
        "%(here)s") % {'there': connector.get('host') or '(unknown)',
                       'here': hostname})


class LocalConnections(object):
    """The LUNs this driver attached for os-brick consumers on its host.

    :param datapath: a callable returning the cinder_zvm.datapath
        .ZVMDataPath (it raises a clear error when the data path is not
        configured).
    Each ``connect`` holds one reference of the host connector on the
    LUN (ZVMHostConnector counts them per LUN); ``disconnect`` gives one
    back, and only references this object took: a clone reading the same
    LUN at that moment keeps its disk.
    """

    def __init__(self, datapath, hostname=None):
        self._datapath = datapath
        self.hostname = hostname or socket.gethostname()
        self._held = {}         # volume id -> [attach_info, ...]
        self._lock = threading.Lock()

    def kind_of(self, connector):
        return kind_of(connector, self.hostname)

    def connect(self, volume):
        """Attach the volume's LUN here; the ``local`` connection_info."""
        try:
            datapath = self._datapath('a local connection')
        except exception.VolumeDriverException:
            raise AttachRefused(reason=_(
                'this backend attaches volumes for cinder-backup only with '
                'zvm_cinder_node and zvm_cinder_node_fcp set'))
        attach_info, _vol = datapath.attach_volume(None, volume, None)
        with self._lock:
            self._held.setdefault(volume.id, []).append(attach_info)
        path = attach_info['device']['path']
        LOG.info('Volume %(id)s attached to this host at %(path)s for an '
                 'os-brick consumer (local connection)',
                 {'id': volume.id, 'path': path})
        return {'driver_volume_type': 'local',
                'data': {'device_path': path, 'volume_id': volume.id,
                         'discard': False}}

    def disconnect(self, volume, force=False):
        """Give back one attach taken by ``connect``; False if none."""
        with self._lock:
            held = self._held.get(volume.id)
            if not held:
                return False
            attach_info = held.pop()
            if not held:
                del self._held[volume.id]
        self._datapath('a local connection').detach_volume(
            None, attach_info, volume, None, force=force)
        LOG.info('Volume %s detached from this host (local connection)',
                 volume.id)
        return True

    def release(self, volume):
        """Detach every local connection of a volume that is going away."""
        count = 0
        while self.disconnect(volume, force=True):
            count += 1
        if count:
            LOG.warning('Volume %(id)s: %(n)d local connection(s) were not '
                        'terminated; detached before the delete',
                        {'id': volume.id, 'n': count})

    def held(self, volume_id):
        with self._lock:
            return len(self._held.get(volume_id, ()))
