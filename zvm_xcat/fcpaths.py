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
"""How many FC paths of a LUN must work: the policy nova and cinder share. Pure.

A pool entry lists the LUN's target ports; the initiator side is a set of
FCP devices. On a dual-fabric SAN each FCP device reaches only the target
ports of its own fabric, so of the FCP x port pairs only some are paths at
all (the port is zoned to the device), and of those only the ones where the
storage presents the LUN to the device's WWPN (LUN masking) give a disk.

Policy: ``min_paths`` 0 (the default) means one working path on every FCP
device, so that a volume survives the loss of either fabric or channel
path, and a zoning mistake that leaves one device without the LUN is found
at attach time rather than at the first fabric outage. A positive
``min_paths`` asks for at least that many working paths in all, whichever
devices they use.
"""


def required_text(fcps, min_paths):
    """What the policy asks for, in words, for messages."""
    if min_paths:
        return 'at least %d working path(s)' % min_paths
    return 'a working path on every FCP device (%s)' % ', '.join(fcps)


def shortfall(fcps, working, min_paths=0):
    """None when ``working`` satisfies the policy, else why not (text).

    :param fcps: FCP device numbers the attach uses
    :param working: (fcp, target wwpn) pairs that gave a disk
    :param min_paths: 0 for one per FCP device, else a total
    """
    working = list(working)
    if min_paths:
        if len(working) >= min_paths:
            return None
        return 'only %d working path(s), %s' % (
            len(working), required_text(fcps, min_paths))
    missing = [f for f in fcps if f not in {fcp for fcp, _w in working}]
    if not missing:
        return None
    return 'no working path on FCP device(s) %s; %s' % (
        ', '.join(missing), required_text(fcps, min_paths))


def describe(working, failed):
    """'1f00->0x500507680b21bac6 works; 2f00->0x...: not zoned' for messages.

    :param working: (fcp, wwpn) pairs
    :param failed: {(fcp, wwpn): reason}
    """
    parts = ['%s->0x%s works' % pair for pair in working]
    parts += ['%s->0x%s: %s' % (fcp, wwpn, why)
              for (fcp, wwpn), why in sorted(failed.items())]
    return '; '.join(parts) or 'no FCP device x target port pair to try'
