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
"""zFCP pool and FCP device helpers: one xCAT call each.

``hv`` is the xCAT node of the z/VM hypervisor; xCAT runs these on its
zHCP. Argument lists follow xcat-core xCAT-server/lib/xcat/plugins/zvm.pm
(changeHypervisor, inventoryHypervisor), which is what xCAT actually
parses, where it differs from the man pages:

- ``--addzfcp2pool pool status wwpn lun size [range] [owner]``: the 6th
  argument is the range in code (the man page calls it owner);
- ``--removezfcpfrompool pool lun wwpn``: LUN before WWPN, LUNs may be a
  comma list, and the pool name is NOT lowercased by zvm.pm;
- ``--reservezfcp pool status owner device size [wwpn lun]``;
- ``--releasezfcp pool wwpn lun``.

Two defects of xCAT shape how a row is named (../shared/realxcat runs
them, tests/common/unit/test_pool_oracle.py holds the product to them):

- ``--reservezfcp`` (and ``chvm --addzfcp``) with WWPN/LUN first run
  findzFcpDeviceAttr (zvmUtils.pm 4214), whose ``grep "$wwpn,$lun"``
  stands unquoted in the local shell: the ``;`` of a multipath list splits
  the command (exit 127) and the row is never changed. The row is
  therefore named by the LAST WWPN of its list (:func:`address_wwpn`):
  ``grep "w2,L"`` still finds ``w1;w2,L``, and findAndUpdatezFcpPool
  rewrites the row with its whole list. ``--releasezfcp`` and
  ``--removezfcpfrompool`` never run that grep and take the whole list.
- findAndUpdatezFcpPool's update step greps the LUN alone (zvmUtils.pm
  3928): with one LUN number on several rows it writes nothing (the sed
  gets several lines) yet may answer "Done". :func:`lun_clashes` finds
  such rows; callers read every write back.

Pool names are always sent lowercased (validate.pool_name) so all five
options see the same file.

The ``build_*`` functions are pure and return the argument list; the
others send it. The builders are what tests and other modules can check
without a server.
"""

import collections

from zvm_xcat.exception import XCATCommandError
from zvm_xcat.exception import XCATInvalidArgument
from zvm_xcat.exception import XCATPoolNotFound
from zvm_xcat import parsers
from zvm_xcat import validate

ReservedLun = collections.namedtuple('ReservedLun', ['fcp', 'wwpns', 'lun'])

FCP_STATES = ('active', 'free', 'offline')
POOL_FILTERS = ('all', 'free', 'used', 'reserved')
# xCAT ignores the size of --reservezfcp when WWPN and LUN are given, but
# it is a positional argument and must be a non-empty token.
_IGNORED_SIZE = '0M'


def list_pool(client, hv, pool, status='all'):
    """The entries of ``pool`` (``rinv <hv> --zfcppool <pool> <status>``).

    With a status filter, zvm.pm greps the file case-insensitively for the
    word anywhere in the row, so a row whose owner or tag contains "free"
    would match; the rows are therefore filtered again here by status.
    """
    hv = validate.node_name(hv, 'hv')
    pool = validate.pool_name(pool)
    if status not in POOL_FILTERS:
        raise XCATInvalidArgument('status', '%r is not one of %s'
                                  % (status, ', '.join(POOL_FILTERS)))
    try:
        result = client.rinv(hv, '--zfcppool', pool, status)
    except XCATCommandError as exc:
        # zvm.pm inventoryHypervisor: with a filter, a missing pool file is
        # the failed "cat .../<pool>.conf" of checkSSH_Rc.
        if any('/zfcp/%s.conf' % pool in e and 'return code 1 ' in e
               for e in exc.errors):
            raise XCATPoolNotFound(hv, pool, result=exc.result) from None
        raise
    lines = result.node_lines(hv)
    if not lines:
        # Every pool file has the header line; "all" of a missing pool is
        # an empty info element (info: [null]).
        raise XCATPoolNotFound(hv, pool, result=result)
    entries = parsers.parse_pool(lines)
    if status != 'all':
        entries = [e for e in entries if e.status == status]
    return entries


def list_pool_names(client, hv):
    """Pool names (``rinv <hv> --zfcppoolnames``).

    Side effect in zvm.pm: empty pool files are deleted.
    """
    hv = validate.node_name(hv, 'hv')
    result = client.rinv(hv, '--zfcppoolnames')
    return parsers.parse_pool_names(result.node_lines(hv))


def list_fcp_devices(client, hv, state):
    """FCP devices in ``state`` (``rinv <hv> --fcpdevices <state> details``)."""
    hv = validate.node_name(hv, 'hv')
    if state not in FCP_STATES:
        raise XCATInvalidArgument('state', '%r is not one of %s'
                                  % (state, ', '.join(FCP_STATES)))
    result = client.rinv(hv, '--fcpdevices', state, 'details')
    return parsers.parse_fcp_devices(result.node_lines(hv))


def build_add_to_pool(pool, status, wwpns, lun, size, range_=None,
                      owner=None):
    """Arguments of ``chhypervisor --addzfcp2pool``."""
    status = validate.pool_status(status)
    if size is None:
        raise XCATInvalidArgument(
            'size', 'is required: it is a positional argument and xCAT v1 '
            'cannot receive an empty one')
    args = ['--addzfcp2pool', validate.pool_name(pool), status,
            validate.wwpns_wire(wwpns), validate.lun(lun),
            validate.size(size)]
    if status == 'used' and not owner:
        raise XCATInvalidArgument('owner', 'is required for status used')
    if status == 'free' and owner:
        raise XCATInvalidArgument('owner', 'must not be set for status free')
    if owner is not None and range_ is None:
        raise XCATInvalidArgument(
            'range_', 'is required when owner is given (xCAT reads the 6th '
            'argument as the range)')
    if range_ is not None:
        args.append(validate.fcp_range(range_, 'range_'))
    if owner is not None:
        args.append(validate.owner(owner))
    return args


def add_to_pool(client, hv, pool, status, wwpns, lun, size=None,
                range_=None, owner=None):
    """Add a LUN to a pool (creates the pool file if missing)."""
    hv = validate.node_name(hv, 'hv')
    return client.chhypervisor(hv, *build_add_to_pool(
        pool, status, wwpns, lun, size, range_=range_, owner=owner))


def build_remove_from_pool(pool, wwpns, luns):
    """Arguments of ``chhypervisor --removezfcpfrompool`` (LUN first)."""
    if isinstance(luns, str):
        luns = luns.split(',')
    if not isinstance(luns, (list, tuple)):
        raise XCATInvalidArgument('luns', 'expected a list or a "," string')
    luns = [validate.lun(v, 'luns[%d]' % i) for i, v in enumerate(luns)]
    if not luns:
        raise XCATInvalidArgument('luns', 'needs at least one LUN')
    return ['--removezfcpfrompool', validate.pool_name(pool), ','.join(luns),
            validate.wwpns_wire(wwpns)]


def remove_from_pool(client, hv, pool, wwpns, luns):
    """Delete pool entries; zvm.pm deletes the file when it becomes empty."""
    hv = validate.node_name(hv, 'hv')
    return client.chhypervisor(hv, *build_remove_from_pool(pool, wwpns, luns))


def build_reserve(pool, status, owner, device, size=None, wwpns=None,
                  lun=None):
    """Arguments of ``chhypervisor --reservezfcp``."""
    status = validate.pool_status(status)
    if status == 'free':
        raise XCATInvalidArgument('status', 'must be used or reserved')
    if isinstance(device, str) and device.lower() == 'auto':
        device = 'auto'
    else:
        device = ';'.join(validate.fcp_devices(device, 'device'))
    args = ['--reservezfcp', validate.pool_name(pool), status,
            validate.owner(owner), device]
    if (wwpns is None) != (lun is None):
        raise XCATInvalidArgument('wwpns', 'wwpns and lun go together')
    if wwpns is None:
        if size is None:
            raise XCATInvalidArgument('size', 'is required when xCAT picks '
                                      'the LUN')
        args.append(validate.size(size))
    else:
        args.append(_IGNORED_SIZE if size is None else validate.size(size))
        args += [address_wwpn(wwpns), validate.lun(lun)]
    return args


def address_wwpn(wwpns):
    """The WWPN that names a pool row in ``--reservezfcp``: the last one.

    See the module docstring: the whole ``w1;w2`` list makes xCAT's
    findzFcpDeviceAttr exit 127; ``w2`` alone greps ``w1;w2,L``.
    """
    return validate.wwpns_wire(wwpns).split(';')[-1]


def lun_clashes(entries):
    """{lun: [rows]} for each LUN number on more than one row of a pool.

    xCAT's update step cannot change any of those rows (see the module
    docstring); they need an operator to fix the pool.
    """
    by_lun = collections.defaultdict(list)
    for entry in entries:
        by_lun[entry.lun].append(entry)
    return {lun: rows for lun, rows in by_lun.items() if len(rows) > 1}


def describe_clash(pool, rows):
    """Operator text naming the rows of one clash."""
    return ('LUN %s is on %d rows of pool %s (%s): xCAT finds rows by LUN '
            'number alone and cannot update any of them; give each LUN one '
            'row (several WWPNs go in one row, joined by ";")'
            % (rows[0].lun, len(rows), pool,
               '; '.join(repr(r.line) for r in rows)))


def reserve(client, hv, pool, status, owner, device, size=None, wwpns=None,
            lun=None):
    """Reserve a LUN; without wwpns/lun xCAT picks the best fit.

    Best fit (zvmUtils.pm findAndUpdatezFcpPool): the smallest ``free``
    entry whose size is at least ``size``; entries without size are
    skipped. Returns what xCAT reserved as a :class:`ReservedLun`.
    """
    hv = validate.node_name(hv, 'hv')
    result = client.chhypervisor(hv, *build_reserve(
        pool, status, owner, device, size=size, wwpns=wwpns, lun=lun))
    return ReservedLun(*parsers.parse_reserved(result.node_lines(hv) or
                                               result.lines()))


def build_release(pool, wwpns, lun):
    """Arguments of ``chhypervisor --releasezfcp``."""
    return ['--releasezfcp', validate.pool_name(pool),
            validate.wwpns_wire(wwpns), validate.lun(lun)]


def release(client, hv, pool, wwpns, lun):
    """Set a pool entry free again (owner and channel cleared)."""
    hv = validate.node_name(hv, 'hv')
    return client.chhypervisor(hv, *build_release(pool, wwpns, lun))
