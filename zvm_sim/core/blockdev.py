"""Loop devices over LUN backing files: a Cinder node's /dev/sdX is a block device.

A real LUN keeps its size whatever is written to it: ``dd`` without
``conv=notrunc`` (cinder's O_DIRECT probe ``dd count=0``, its clear_volume)
and ``qemu-img convert`` truncate a regular file but not a block device,
and a write past a block device's end fails with ENOSPC where a regular
file grows. So the Cinder-node tree (tree.py) links dev/sdX and dev/dm-N to
a loop device over the LUN's backing file, attached while some Cinder
node's tree shows the LUN and detached when none does (and when the
simulator stops).

Loop devices need root and the kernel's loop driver (/dev/loop-control);
CI and the development machines run as root. Without them dev/sdX links to
the regular backing file, as before, and ``usable()`` says so (the
data-path tests then fail on the LUN size, they do not skip).
"""

import logging
import os
import shutil
import subprocess
import threading

LOG = logging.getLogger(__name__)
LOSETUP_TIMEOUT = 30
ATTACH_ATTEMPTS = 3


class LoopDevices:
    """backing file -> /dev/loopN, shared by every Cinder node's tree."""

    def __init__(self):
        self._lock = threading.Lock()
        self._devices = {}      # backing path -> /dev/loopN
        self._holders = {}      # holder (guest node) -> set of backing paths
        self._usable = None

    def usable(self):
        if self._usable is None:
            self._usable = (os.geteuid() == 0 and
                            os.path.exists('/dev/loop-control') and
                            shutil.which('losetup') is not None)
            if not self._usable:
                LOG.warning('no loop devices (needs root and /dev/loop-control): a '
                            "Cinder node's /dev/sdX is the LUN's regular backing file, "
                            'which a short write truncates')
        return self._usable

    def device(self, backing, holder):
        """The block device over ``backing`` (attached on first use), held by ``holder``.

        Returns ``backing`` itself when no loop device can be made.
        """
        if not self.usable():
            return backing
        with self._lock:
            self._holders.setdefault(holder, set()).add(backing)
            device = self._devices.get(backing)
            if device is None:
                device = self._attach(backing)
                if device is None:
                    return backing
                self._devices[backing] = device
            return device

    def hold(self, holder, backings):
        """``holder`` now shows exactly ``backings``; detach what nobody shows."""
        with self._lock:
            self._holders[holder] = set(backings)
            held = set().union(*self._holders.values())
            for backing in [b for b in self._devices if b not in held]:
                self._detach(self._devices.pop(backing))

    def close(self):
        """Detach every loop device (simulator stop, reset)."""
        with self._lock:
            self._holders.clear()
            for device in self._devices.values():
                self._detach(device)
            self._devices.clear()

    def _attach(self, backing):
        # direct I/O to the backing file: no second page cache, and the
        # backing file that tests read stays coherent with the device.
        # Other simulators may take the same free device at the same
        # moment: try again a few times.
        error = None
        for _attempt in range(ATTACH_ATTEMPTS):
            try:
                proc = subprocess.run(
                    ['losetup', '--find', '--show', '--direct-io=on', backing],
                    capture_output=True, text=True, check=True,
                    timeout=LOSETUP_TIMEOUT)
                return proc.stdout.strip()
            except (OSError, subprocess.SubprocessError) as exc:
                error = getattr(exc, 'stderr', None) or exc
        LOG.warning('losetup of %s failed (%s): dev/sdX is the regular backing file',
                    backing, error)
        return None

    @staticmethod
    def _detach(device):
        # A device still open (a test holding it) is detached by the kernel
        # on its last close (LOOP_CLR_FD sets autoclear then).
        try:
            subprocess.run(['losetup', '--detach', device], capture_output=True,
                           check=True, timeout=LOSETUP_TIMEOUT)
        except (OSError, subprocess.SubprocessError) as exc:
            LOG.warning('losetup --detach %s failed: %s', device,
                        getattr(exc, 'stderr', None) or exc)
