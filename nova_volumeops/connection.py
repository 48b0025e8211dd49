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
"""Pure: connector, connection_info and the xCAT argument lists.

The connector is what we give cinder, connection_info what cinder gives
back (both in internals.rst); each ``*_args`` function is the argument
list of one xCAT request of a flow step.
"""

import dataclasses

from nova_volumeops import validate
from zvm_xcat import zfcp


@dataclasses.dataclass(frozen=True)
class Guest:
    """The z/VM guest of a nova instance, independent of nova objects."""
    uuid: str
    node: str            # xCAT node name
    userid: str          # z/VM user id
    os_distro: str = None
    os_version: str = None
    # nova's power_state is RUNNING: attach then skips xCAT's power query
    # and, should the guest be logged off after all, redoes the attach on
    # the logged-off path (VolumeOps.attach). False: xCAT is asked.
    nova_running: bool = False


@dataclasses.dataclass(frozen=True)
class Target:
    """One volume as cinder's connection_info describes it, validated."""
    volume_id: str
    wwpns: tuple         # target WWPNs
    lun: str             # exact 64-bit FCP LUN, 16 hex
    pool: str
    size: str            # '<n>G' / '<n>M' (xCAT wire form)
    fcps: tuple          # initiator FCPs cinder mapped the LUN for


def lun_from_scsi_lun(value):
    """Inverse of scsilun_to_int: the 64-bit FCP LUN of a Linux LUN int."""
    if isinstance(value, bool) or not isinstance(value, int) or \
            not 0 <= value < 1 << 64:
        raise validate.InvalidInput('target_lun', value, 'an integer LUN')
    raw = b''.join(((value >> (16 * i)) & 0xffff).to_bytes(2, 'big')
                   for i in range(4))
    return raw.hex()


def parse_connection_info(connection_info):
    """Validate cinder's connection_info (internals.rst) -> Target.

    Raises validate.InvalidInput naming the field; nothing has been
    touched yet when it does.
    """
    if not isinstance(connection_info, dict):
        raise validate.InvalidInput('connection_info', connection_info, 'a dict')
    kind = connection_info.get('driver_volume_type')
    if kind not in (None, 'fibre_channel'):
        raise validate.InvalidInput('driver_volume_type', kind, 'fibre_channel')
    data = connection_info.get('data') or {}
    wwpns = validate.wwpns(data.get('target_wwn'), 'target_wwn')
    if data.get('zvm_fcp_lun') is not None:
        lun = validate.fcp_lun(data['zvm_fcp_lun'], 'zvm_fcp_lun')
        if data.get('target_lun') is not None and \
                lun_from_scsi_lun(data['target_lun']) != lun:
            raise validate.InvalidInput('target_lun', data['target_lun'],
                                        'the SCSI LUN of zvm_fcp_lun %s' % lun)
    else:
        lun = lun_from_scsi_lun(data.get('target_lun'))
    fcps = data.get('zvm_fcp') or ()
    if isinstance(fcps, str):
        fcps = fcps.split(';')
    fcps = tuple(validate.fcp_devno(f, 'zvm_fcp') for f in fcps)
    volume_id = validate.volume_id(data.get('volume_id') or
                                   connection_info.get('serial'))
    size = data.get('zvm_lun_size')
    # xCAT ignores the size when WWPN and LUN are given, but the argument
    # is positional: '0M' as the xCAT-era driver's '0G'.
    size = '0M' if size is None else validate.lun_size(size, 'zvm_lun_size')
    return Target(volume_id=volume_id, wwpns=wwpns, lun=lun,
                  pool=validate.pool_name(data.get('zvm_pool'), 'zvm_pool'),
                  size=size, fcps=fcps)


def connector(guest, hv, host, fcps, wwpns_by_fcp):
    """The connector dict of internals.rst (zvm_fcp and wwpns aligned)."""
    return {'platform': 's390x', 'os_type': 'linux2',
            'multipath': len(fcps) > 1, 'host': host,
            'zvm_fcp': list(fcps),
            'wwpns': [wwpns_by_fcp[f] for f in fcps],
            'zvm_hypervisor': hv, 'zvm_userid': guest.userid,
            'zvm_node': guest.node}


# -- xCAT argument lists (one request each) ---------------------------------

def dedicate_args(fcp):
    return ('--dedicatedevice', fcp, fcp, '0')


def undedicate_args(fcp):
    return ('--undedicatedevice', fcp)


def reserve_used_args(target, node, fcps):
    """chhypervisor: mark the pool entry used by the guest, with its FCPs.

    The row is named by the last of its WWPNs (zfcp.address_wwpn): the
    whole ``w1;w2`` list makes xCAT's findzFcpDeviceAttr exit 127
    (zvmUtils.pm 4214). target.wwpns keeps the row's order (cinder sends
    the pool row's list as target_wwn).
    """
    return ('--reservezfcp', target.pool, 'used', node, ';'.join(fcps),
            target.size, zfcp.address_wwpn(target.wwpns), target.lun)


def removezfcp_args(target, fcps):
    """chvm: entry back to reserved (persist=1); cinder re-stamps owner."""
    return ('--removezfcp', ';'.join(fcps), ';'.join(target.wwpns),
            target.lun, '1')


def aemod_volume_args(action, target, fcps):
    return ('--aemod', 'setupDisk', 'action=%s' % action,
            'fcpAddr=%s' % ','.join(fcps),
            'wwpn=%s' % ','.join(target.wwpns), 'lun=%s' % target.lun)


def aemod_create_link_args(mountpoint, src_file):
    return ('--aemod', 'setupDisk', 'action=createfilesysnode',
            'tgtFile=%s' % mountpoint, 'srcFile=%s' % src_file)


def aemod_remove_link_args(mountpoint):
    return ('--aemod', 'setupDisk', 'action=removefilesysnode',
            'tgtFile=%s' % mountpoint)
