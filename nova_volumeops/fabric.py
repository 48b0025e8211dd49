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
"""Which FC paths of a volume really work in the guest. Pure.

The connection gives FCP devices and target ports; on a dual-fabric SAN
each device reaches only its own fabric's ports, and the storage presents
a LUN only to the initiator WWPNs it is masked to. The attach script
therefore adds the LUN only where the port is visible after a port scan
and lists, at its end, the ports each device sees (``lszfcp -P``, as
Feilong's zvmsdk reads them) and the units that gave a SCSI device
(``lszfcp -D``). From that listing this module tells the working paths
and judges them against the ``min_volume_paths`` policy
(zvm_xcat.fcpaths).
"""

import re

from zvm_xcat import fcpaths

# "0.0.1f00/0x500507680b21bac6 rport-0:0-0"
_LSZFCP_P = re.compile(r'0\.0\.([0-9a-f]{4})/0x([0-9a-f]{16})\s+rport-')
_LSZFCP_D = re.compile(
    r'0\.0\.([0-9a-f]{4})/0x([0-9a-f]{16})/0x([0-9a-f]{16})\s+[0-9]+:')

# The attach script's step that lists the ports and disks (_common.sh.j2).
LISTED_STEP = 'list the paths the SAN gives'

NOT_ZONED = 'port not visible through the FCP device after port_rescan (not zoned)'
NOT_MASKED = ('no SCSI device for the LUN (not masked to the FCP device\'s '
              'WWPN)')


class TooFewPaths(Exception):
    """Fewer working paths than the policy asks; the message names them."""


def parse_ports(lines):
    """``lszfcp -P`` lines -> {(fcp, wwpn)} the devices see."""
    found = set()
    for line in lines:
        m = _LSZFCP_P.search(line.lower())
        if m:
            found.add((m.group(1), m.group(2)))
    return found


def parse_disks(lines):
    """``lszfcp -D`` lines -> {(fcp, wwpn, lun)} units with a SCSI device."""
    found = set()
    for line in lines:
        m = _LSZFCP_D.search(line.lower())
        if m:
            found.add(m.groups())
    return found


def working_paths(fcps, wwpns, lun, lines, min_paths=0):
    """The (fcp, wwpn) pairs with a disk, or TooFewPaths.

    :param lines: the attach script's output (lszfcp -P and -D listings)
    :param min_paths: 0 for one working path per FCP device, else a total
    :returns: (working pairs in fcps x wwpns order, {pair: why it failed})
    """
    ports, disks = parse_ports(lines), parse_disks(lines)
    working, failed = [], {}
    for fcp in fcps:
        for wwpn in wwpns:
            if (fcp, wwpn, lun) in disks:
                working.append((fcp, wwpn))
            elif (fcp, wwpn) in ports:
                failed[(fcp, wwpn)] = NOT_MASKED
            else:
                failed[(fcp, wwpn)] = NOT_ZONED
    why = fcpaths.shortfall(list(fcps), working, min_paths)
    if why:
        raise TooFewPaths('LUN 0x%s: %s (%s)' % (
            lun, why, fcpaths.describe(working, failed)))
    return working, failed
