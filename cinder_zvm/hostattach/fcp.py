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
active configuration) and freed from the cio_ignore list. The directory
is read first (lsvm): a device already DEDICATEd there is not ours to
undo, and xCAT's --dedicatedevice would skip its active configuration
(zvm.pm 2409-2413), so it is removed and dedicated again instead.

Prepared devices stay dedicated and online after a successful operation:
they belong to the Cinder node. A failed operation undoes what it changed
itself (offline, then --undedicatedevice), but only while no LUN unit is
configured on the device, so a concurrent attach is never cut off.
"""

from oslo_concurrency import processutils
from oslo_log import log as logging

from cinder_zvm.hostattach import sysfs as sysfs_mod
from zvm_xcat import exception as xcat_exc

LOG = logging.getLogger(__name__)


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
        if not self._sysfs.exists(ccw_dir):
            if self._in_directory(devno):
                # Dedicated before us: never undone by us.
                self._activate(devno)
            elif self._dedicate(devno):
                undo.push('undedicate FCP %s' % devno, self._undedicate,
                          devno)
            # Linux on z/VM usually boots with cio_ignore=all: a newly
            # dedicated device stays invisible until it is freed.
            self._unignore(devno)
            self._waiter.until(lambda: self._sysfs.exists(ccw_dir),
                               'FCP device %s to appear on the Cinder node'
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

    def _in_directory(self, devno):
        """Is ``devno`` DEDICATEd in the node's directory entry (lsvm)?

        A device we cannot see may still be in the directory (added there
        while the node ran, or held by another guest when it logged on).
        For such a device xCAT's --dedicatedevice prints "Done" and skips
        the active configuration (zvm.pm 2409-2413: SMAPI 404/4), so it
        is not an "already" error, and undoing it would remove a
        dedication that was there before us.
        """
        try:
            lines = self._client.lsvm(self._node).node_lines(self._node)
        except xcat_exc.XCATError as exc:
            LOG.warning('Cannot read the directory of %(node)s (%(exc)s); '
                        'dedicating FCP %(dev)s as if it were not in it',
                        {'node': self._node, 'exc': exc, 'dev': devno})
            return False
        for line in lines:
            words = line.split()
            if len(words) >= 3 and words[0].upper() == 'DEDICATE' and \
                    words[1].lower().zfill(4) == devno:
                if words[2].lower().zfill(4) != devno:
                    raise xcat_exc.XCATCommandError([
                        'FCP device %s is DEDICATEd to %s from real device %s,'
                        ' not %s: left alone' % (devno, self._node,
                                                 words[2], devno)])
                return True
        return False

    def _activate(self, devno):
        """Bring a directory-only dedication into the active configuration.

        --dedicatedevice alone would skip it (see _in_directory): the
        directory statement is removed and added back, which xCAT applies
        to the active configuration too. The directory ends as it was.
        """
        LOG.warning('FCP device %(dev)s is in the directory of %(node)s but '
                    'not in its active configuration: re-dedicating it so '
                    'that xCAT attaches it', {'dev': devno, 'node': self._node})
        try:
            self._client.chvm(self._node, '--undedicatedevice', devno)
        except xcat_exc.XCATCommandError as exc:
            # The active half fails: the device was not active.
            LOG.info('--undedicatedevice %(dev)s: %(exc)s',
                     {'dev': devno, 'exc': exc})
        self._client.chvm(self._node, '--dedicatedevice', devno, devno, '0')

    def _dedicate(self, devno):
        """chvm --dedicatedevice; False if it was already dedicated."""
        LOG.info('Dedicating FCP device %(dev)s to the Cinder node %(node)s',
                 {'dev': devno, 'node': self._node})
        try:
            self._client.chvm(self._node, '--dedicatedevice', devno, devno,
                              '0')
        except xcat_exc.XCATCommandError as exc:
            # "Image device already defined" (directory) or "... already
            # in use" (active): dedicated before, but not visible here.
            if any('already' in e for e in exc.errors):
                LOG.info('FCP device %(dev)s is already dedicated to '
                         '%(node)s: %(exc)s', {'dev': devno,
                                               'node': self._node,
                                               'exc': exc})
                return False
            raise
        return True

    def _unignore(self, devno):
        """Free the device from the cio_ignore list.

        With s390-tools' cio_ignore on this host when it is installed,
        else inside the node through xCAT (xdsh), which is how xCAT's own
        --addzfcp does it. A failure is only logged: the wait that follows
        reports a device that stays invisible.
        """
        bid = sysfs_mod.bus_id(devno)
        try:
            self._execute('cio_ignore', '-r', bid, run_as_root=True,
                          root_helper=self._root_helper)
            return
        except (processutils.ProcessExecutionError, OSError) as exc:
            LOG.debug('local cio_ignore -r %(dev)s: %(err)s',
                      {'dev': bid, 'err': exc})
        try:
            result = self._client.xdsh(self._node, 'cio_ignore -r %s' % bid)
        except xcat_exc.XCATError as exc:
            LOG.warning('cio_ignore -r %(dev)s through xCAT failed: '
                        '%(err)s', {'dev': bid, 'err': exc})
            return
        # xdsh's verdict is its status, not its error elements (stderr).
        if not result.ok:
            LOG.warning('cio_ignore -r %(dev)s through xCAT failed: '
                        '%(err)s', {'dev': bid, 'err': result.summary()})

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
