"""Files in the simulator's state directory: pool CSV files and LUN backing files.

Pool files live where xCAT keeps them on a zHCP, below the state directory:
``<state>/zhcp/<zhcp>/zfcp/<pool>.conf``, in xCAT's CSV format, so an operator
can ``cat`` them like on a real zHCP.  LUN data lives in sparse files
``<state>/luns/<first wwpn>-<lun>.img`` created on first use with the size of
the LUN, so data-path tests can write and read bytes.
"""

import os
import threading
import time

from zvm_sim.core import blockdev


class PoolFiles:
    """The zfcp pool directory of one zHCP (the ``files`` of pools.py)."""

    def __init__(self, root, zhcp, unlocked_delay=lambda: 0.0):
        self.path = os.path.join(root, 'zhcp', zhcp, 'zfcp')
        self._unlocked_delay = unlocked_delay
        # A real lock per zHCP: normal mode holds it for a whole command (like xCAT's
        # single plugin process); unlocked mode holds it only per file read/write.
        self.lock = threading.RLock()
        self._io = threading.Lock()

    def _file(self, pool):
        if not pool or '/' in pool or pool.startswith('.'):
            return None
        return os.path.join(self.path, pool + '.conf')

    def read(self, pool):
        path = self._file(pool)
        with self._io:
            if path is None or not os.path.exists(path):
                return None
            with open(path, encoding='utf-8') as f:
                text = f.read()
        # Unlocked, what was read is that old when it is written back: xCAT
        # re-reads the file (ssh cat) and then rewrites all of it (ssh sed
        # --in-place, zvmUtils.pm findAndUpdatezFcpPool), so a writer of
        # another line in between loses its update.
        self.race_window()
        return text

    def write(self, pool, text):
        path = self._file(pool)
        if path is None:
            return
        with self._io:
            os.makedirs(self.path, exist_ok=True)
            tmp = path + '.tmp'
            with open(tmp, 'w', encoding='utf-8') as f:
                f.write(text)
            os.replace(tmp, path)

    def delete(self, pool):
        path = self._file(pool)
        with self._io:
            if path and os.path.exists(path):
                os.unlink(path)

    def names(self):
        with self._io:
            if not os.path.isdir(self.path):
                return []
            return sorted(n[:-5] for n in os.listdir(self.path) if n.endswith('.conf'))

    def race_window(self):
        """Sleep between xCAT's read and write of a pool file when running unlocked."""
        delay = self._unlocked_delay()
        if delay:
            time.sleep(delay)


def parse_size(text):
    """'10G' / '512M' -> bytes; '' or unparsable -> None."""
    text = (text or '').strip().upper()
    digits = ''.join(c for c in text if c.isdigit())
    if not digits:
        return None
    if 'G' in text:
        return int(digits) * 1024 ** 3
    if 'M' in text:
        return int(digits) * 1024 ** 2
    return None


class LunStore:
    """The storage subsystem behind the pools: which LUNs exist and their data files.

    A LUN is identified by its WWPN set (a multipath entry has several) and its
    64-bit LUN.  Asking by any one of its WWPNs finds it.
    """

    DEFAULT_SIZE = 1024 ** 3

    def __init__(self, root):
        self.path = os.path.join(root, 'luns')
        self.luns = {}          # key "<wwpn;wwpn>/<lun>" -> {'wwpns': [...], 'lun', 'size'}
        self._index = {}        # (wwpn, lun) -> entry, for every path of every LUN
        self._ports = set()     # every target WWPN
        self.version = 0        # bumped on every change (persistence writes only then)
        self._lock = threading.Lock()
        self.block_devices = blockdev.LoopDevices()

    def add(self, wwpns, lun, size_bytes=None):
        wwpns = [w.lower() for w in wwpns]
        lun = lun.lower()
        with self._lock:
            if self._find(wwpns[0], lun):
                return
            key = '%s/%s' % (';'.join(wwpns), lun)
            self.luns[key] = {'wwpns': wwpns, 'lun': lun,
                              'size': size_bytes or self.DEFAULT_SIZE}
            self._reindex(self.luns[key])
            self.version += 1

    def _reindex(self, entry):
        for w in entry['wwpns']:
            self._index.setdefault((w, entry['lun']), entry)
            self._ports.add(w)

    def _find(self, wwpn, lun):
        return self._index.get((wwpn.lower(), lun.lower()))

    def find(self, wwpn, lun):
        with self._lock:
            return self._find(wwpn, lun)

    def target_ports(self):
        with self._lock:
            return sorted(self._ports)

    def wwid(self, wwpn, lun):
        """SCSI WWID (page 0x83 NAA 6 style), the same on every path of a LUN."""
        import hashlib
        entry = self.find(wwpn, lun)
        if entry is None:
            return None
        digest = hashlib.sha1(('%s/%s' % (entry['wwpns'][0], entry['lun'])).encode())
        return '36005076' + digest.hexdigest()[:25]

    def backing_path(self, wwpn, lun):
        """Path of the LUN's sparse data file, created (sized) on first use."""
        entry = self.find(wwpn, lun)
        if entry is None:
            return None
        path = os.path.join(self.path, '%s-%s.img' % (entry['wwpns'][0], entry['lun']))
        with self._lock:
            if not os.path.exists(path):
                os.makedirs(self.path, exist_ok=True)
                with open(path, 'wb') as f:
                    f.truncate(entry['size'])
        return path

    def device_path(self, wwpn, lun, holder):
        """What a Cinder node's /dev/sdX of the LUN is: a loop device over the backing file.

        ``holder`` (the guest node) keeps it attached until it stops showing
        the LUN (``keep_devices``); see blockdev.py.
        """
        backing = self.backing_path(wwpn, lun)
        if backing is None:
            return None
        return self.block_devices.device(backing, holder)

    def keep_devices(self, holder, wwpn_luns):
        """``holder`` shows exactly these (wwpn, lun): detach the others' devices."""
        self.block_devices.hold(holder, [p for p in (self.backing_path(w, lun)
                                                     for w, lun in wwpn_luns) if p])

    def to_dict(self):
        with self._lock:
            return dict(self.luns)

    def load(self, data):
        with self._lock:
            self.luns = dict(data)
            self._index, self._ports = {}, set()
            for entry in self.luns.values():
                self._reindex(entry)
