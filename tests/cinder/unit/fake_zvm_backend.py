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
"""In-memory stand-ins for the control-path backend and the data path.

FakeBackend offers what cinder_zvm.datapath/quarantine/copies use of
cinder_zvm.common.ZVMFCPBackend, over an in-memory pool whose rows follow
xCAT's rules (best fit by size; free clears the owner). ``reserve`` and
``release`` replace zvm_xcat.zfcp's functions of the same name in tests.
FakeDataPath records wipes and copies and can be told to fail.
"""

import contextlib

from cinder_zvm import location
from cinder_zvm import ownership
from cinder_zvm import pool_guard
from zvm_xcat import exception as xcat_exc
from zvm_xcat import parsers
from zvm_xcat import zfcp

GiB = 1 << 30


class FakeBackend(object):
    def __init__(self, configuration, rows):
        """rows: {pool: [[status, wwpn, lun, size_bytes, owner], ...]}."""
        self.configuration = configuration
        self.hypervisor = 'zvm1'
        self.pools = sorted(rows)
        self.rows = rows
        self.client = object()
        self.lock_scope = 'zvm-fcp-test-zvm1'
        self.calls = []
        self.released = pool_guard.Released()
        self.noted = []     # note_reserved: [(loc, owner)]

    # -- the ZVMFCPBackend surface ---------------------------------------

    @contextlib.contextmanager
    def lock(self, pool):
        yield

    def note_reserved(self, loc, owner):
        self.noted.append((loc, owner))

    def location_of(self, obj):
        return location.decode(obj.provider_location)

    def _entry(self, row):
        status, wwpn, lun, size, owner = row
        return parsers.PoolEntry(status, tuple(wwpn.split(';')), lun, size,
                                 '', owner, '', '',
                                 ','.join([status, wwpn, lun, '', '', owner,
                                           '', '']))

    def list_pool(self, pool):
        self.calls.append(('list', pool))
        return [self._entry(r) for r in self.rows[pool]]

    def entry_of(self, loc):
        for entry in self.list_pool(loc.pool):
            if loc.matches(entry):
                return entry
        return None

    def read_back(self, loc, status, owner, what):
        entry = self.entry_of(loc)
        if entry is None or (entry.status, entry.owner) != (status, owner):
            raise RuntimeError('%s: not written' % what)
        return entry

    def reserve_entry(self, loc, owner, what):
        zfcp.reserve(None, 'zvm1', loc.pool, 'reserved', owner, 'auto',
                     wwpns=loc.wwpns, lun=loc.lun)
        return self.read_back(loc, 'reserved', owner, what)

    def create_volume(self, volume):
        pool = self.pools[0]
        got = self.reserve(None, 'zvm1', pool, 'reserved',
                           ownership.volume_owner(volume.id), 'auto',
                           size='%dG' % volume.size)
        loc = location.LunLocation('zvm1', pool, got.wwpns, got.lun)
        return {'provider_location': loc.encode(),
                'provider_id': loc.source_name}

    def delete_volume(self, volume, wipe):
        loc = self.location_of(volume)
        entry = self.entry_of(loc)
        action = ownership.delete_action(entry, volume.id, wipe)
        if action == ownership.RELEASE:
            self.release(None, 'zvm1', loc.pool, loc.wwpns, loc.lun)
        elif action == ownership.QUARANTINE:
            self.reserve(None, 'zvm1', loc.pool, 'reserved',
                         ownership.wipe_owner(volume.id), 'auto',
                         wwpns=loc.wwpns, lun=loc.lun)
        if action in (ownership.QUARANTINE, ownership.ALREADY_QUARANTINED):
            return [(loc, entry)]
        return []

    # -- zvm_xcat.zfcp replacements ---------------------------------------

    def _row(self, pool, wwpns, lun):
        for row in self.rows[pool]:
            if row[1] == ';'.join(wwpns) and row[2] == lun:
                return row
        raise xcat_exc.XCATCommandError(['(Error) not found'])

    def reserve(self, client, hv, pool, status, owner, device, size=None,
                wwpns=None, lun=None):
        self.calls.append(('reserve', pool, owner))
        if wwpns is None:
            want = int(size[:-1]) * GiB
            free = sorted((r for r in self.rows[pool]
                           if r[0] == 'free' and r[3] >= want),
                          key=lambda r: r[3])
            if not free:
                raise xcat_exc.XCATCommandError(
                    ['(Error) A suitable zFCP device could not be found'])
            row = free[0]
        else:
            row = self._row(pool, wwpns, lun)
            if row[0] == 'used':
                raise xcat_exc.XCATCommandError(['(Error) in use'])
        row[0], row[4] = status, owner
        return zfcp.ReservedLun('auto', tuple(row[1].split(';')), row[2])

    def release(self, client, hv, pool, wwpns, lun):
        self.calls.append(('release', pool, lun))
        row = self._row(pool, wwpns, lun)
        row[0], row[4] = 'free', ''

    def row(self, lun):
        for rows in self.rows.values():
            for row in rows:
                if row[2] == lun:
                    return list(row)
        return None


class FakeDataPath(object):
    def __init__(self):
        self.wipes = []
        self.copies = []
        self.fail_wipe = None
        self.fail_copy = None
        self.during_wipe = None

    def wipe(self, loc, size_bytes=None):
        self.wipes.append((loc.lun, size_bytes))
        if self.during_wipe:
            self.during_wipe()
        if self.fail_wipe:
            raise self.fail_wipe

    def copy(self, src, dst, size_bytes):
        self.copies.append((src.lun, dst.lun, size_bytes))
        if self.fail_copy:
            raise self.fail_copy
