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
"""Bringing the Cinder node's own FCP devices into use.

An FCP device listed in ``zvm_cinder_node_fcp`` must be DEDICATEd to the
Cinder node's z/VM user and online in its Linux before a LUN can be
attached through it. Both are checked locally (sysfs) first, so a node
whose devices are already in place costs no xCAT call; only a missing
device is dedicated with ``chvm <node> --dedicatedevice <dev> <dev> 0``
(which xCAT applies to the directory and, for a running guest, to the
active configuration).

Prepared devices stay dedicated and online after a successful operation:
they belong to the Cinder node. A failed operation undoes what it changed
itself (offline, then --undedicatedevice), but only while no LUN unit is
configured on the device, so a concurrent attach is never cut off.
"""

from oslo_concurrency import processutils
from oslo_log import log as logging

from cinder_zvm.hostattach import sysfs as sysfs_mod

LOG = logging.getLogger(__name__)

# After cio_ignore -r the channel subsystem re-evaluates the device
# asynchronously; a device that is really dedicated shows up quickly.
CIO_UNIGNORE_WAIT = 3


class CinderNodeFcp(object):
    """Dedicate and online the Cinder node's FCP devices, with undo."""

    def __init__(self, client, node, sysfs, waiter, execute, root_helper,
                 in_use=None):
        """Set up the helper.

        :param in_use: callable(devno) -> bool, True while this process has
            a LUN attached through the device (besides the kernel's own
            record of configured units).
        """
        self._client = client
        self._node = node
        self._sysfs = sysfs
        self._waiter = waiter
        self._execute = execute
        self._root_helper = root_helper
        self._in_use = in_use or (lambda devno: False)

    def prepare(self, devno, undo):
        """Make ``devno`` usable; push the undo of every change onto undo.

        Raises the xCAT error of a failed dedicate, or DeviceWaitTimeout
        when the device does not appear or come online.
        """
        devno = sysfs_mod.normalize_devno(devno)
        ccw_dir = self._sysfs.ccw_device_dir(devno)
        if not self._sysfs.exists(ccw_dir) and self._unignore(devno):
            self._waiter.until(lambda: self._sysfs.exists(ccw_dir),
                               'FCP device %s to appear' % devno,
                               timeout=min(CIO_UNIGNORE_WAIT,
                                           self._waiter.timeout),
                               raise_on_timeout=False)
        if not self._sysfs.exists(ccw_dir):
            LOG.info('Dedicating FCP device %(dev)s to the Cinder node '
                     '%(node)s', {'dev': devno, 'node': self._node})
            self._client.chvm(self._node, '--dedicatedevice', devno, devno,
                              '0')
            undo.push('undedicate FCP %s' % devno, self._undedicate, devno)
            self._unignore(devno)
            self._waiter.until(lambda: self._sysfs.exists(ccw_dir),
                               'FCP device %s to appear after dedicate'
                               % devno)
        if not self._sysfs.is_online(devno):
            LOG.info('Setting FCP device %s of the Cinder node online',
                     devno)
            self._sysfs.write(self._sysfs.online_attr(devno), '1')
            undo.push('set FCP %s offline' % devno, self._offline, devno)
            self._waiter.until(
                lambda: (self._sysfs.is_online(devno) and
                         self._sysfs.exists(
                             self._sysfs.zfcp_device_dir(devno))),
                'FCP device %s to come online' % devno)

    def _unignore(self, devno):
        """cio_ignore -r: a dedicated device may be on the ignore list.

        Returns False when the tool is missing or refuses (the device is
        then simply not ignored, or not there).
        """
        try:
            self._execute('cio_ignore', '-r', sysfs_mod.bus_id(devno),
                          run_as_root=True, root_helper=self._root_helper)
            return True
        except (processutils.ProcessExecutionError, OSError) as exc:
            LOG.debug('cio_ignore -r %(dev)s: %(err)s',
                      {'dev': devno, 'err': exc})
            return False

    def busy(self, devno):
        return bool(self._in_use(devno) or self._sysfs.units(devno))

    def _offline(self, devno):
        if self.busy(devno):
            LOG.info('FCP device %s is in use by another attach: left '
                     'online', devno)
            return
        self._sysfs.write(self._sysfs.online_attr(devno), '0')

    def _undedicate(self, devno):
        if self.busy(devno):
            LOG.info('FCP device %s is in use by another attach: left '
                     'dedicated', devno)
            return
        self._client.chvm(self._node, '--undedicatedevice', devno)
