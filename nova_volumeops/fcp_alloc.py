#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.
"""Pure FCP allocation: which FCP devices an instance gets.

Policy (why): each path of an instance must be on its own CHPID, so that
one failing channel path never takes all paths of a volume down. Among the
CHPIDs, the least loaded (fewest devices already given to instances) are
taken first, spreading instances over channels; within a CHPID the lowest
free device number is taken, so the choice is deterministic and testable.
"""

import collections
import dataclasses


class NoFreeFcp(Exception):
    """Not enough free FCP devices on distinct CHPIDs."""


@dataclasses.dataclass(frozen=True)
class Candidate:
    devno: str        # 4 hex
    chpid: str        # 2 hex
    wwpn: str         # the initiator WWPN (NPIV if on, else physical)


def usable_candidates(configured, devices, busy):
    """FCP devices an instance may be given now.

    :param configured: devnos from the fcp_list option
    :param devices: iterable of objects with devno, status, chpid, wwpn
        (zvm_xcat.parsers.FcpDevice) as xCAT reports them
    :param busy: devnos held by any instance in our state (reserved and not
        expired, or in use) plus devnos xCAT reports active elsewhere
    """
    allowed = set(configured)
    out = []
    for dev in devices:
        if dev.devno not in allowed or dev.devno in busy:
            continue
        if dev.status != 'free':
            continue
        out.append(Candidate(dev.devno, dev.chpid.lower(), dev.wwpn))
    return sorted(out, key=lambda c: c.devno)


def chpid_load(devices, busy):
    """Busy devices per CHPID (from xCAT details of every known device)."""
    load = collections.Counter()
    for dev in devices:
        if dev.devno in busy:
            load[dev.chpid.lower()] += 1
    return load


def choose(candidates, paths, min_paths=1, load=None):
    """Pick up to ``paths`` candidates, each on a different CHPID.

    :returns: list of Candidate, ordered by device number
    :raises NoFreeFcp: fewer than ``min_paths`` distinct CHPIDs available
    """
    if paths < 1 or min_paths < 1:
        raise ValueError('paths and min_paths must be >= 1')
    load = load or {}
    by_chpid = collections.defaultdict(list)
    for cand in candidates:
        by_chpid[cand.chpid].append(cand)
    order = sorted(by_chpid, key=lambda ch: (load.get(ch, 0), ch))
    picked = [min(by_chpid[ch], key=lambda c: c.devno) for ch in order[:paths]]
    if len(picked) < min_paths:
        raise NoFreeFcp(
            'need %d FCP device(s) on distinct CHPIDs, found %d free '
            '(free devices per CHPID: %s); add devices to fcp_list or '
            'detach volumes from other instances'
            % (min_paths, len(picked),
               ', '.join('%s=%d' % (ch, len(by_chpid[ch]))
                         for ch in sorted(by_chpid)) or 'none'))
    return sorted(picked, key=lambda c: c.devno)


def is_expired(reserved_until, now):
    """A reservation without volumes is kept until reserved_until."""
    return reserved_until is not None and now >= reserved_until
