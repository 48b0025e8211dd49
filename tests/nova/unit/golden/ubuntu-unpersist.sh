#!/bin/bash
# nova_volumeops unpersist: FCP LUN 0x4001400500000000 at /dev/vdb (ubuntu)
# Generated from nova_volumeops/templates; do not edit in the guest.
# xdsh appends its status echo to the last line, so the script ends on a
# command, never on a newline or a comment (DSHCLI.pm 2605-2621). The
# caller judges it by the "done" line, printed only when every step held;
# the last "step" line names the step that stopped it.
set -eu
set -o pipefail
# After a detach made while the guest was logged off: setupDisk's
# removeScsiVolume at boot removed the LUN from the running system, but it
# un-persists only /etc/zfcp.conf (RHEL), the 51-zfcp rules of SLES 11/12
# and chzdev entries on Ubuntu (xcat-core setupDisk 470-490). Whatever
# else keeps the LUN (chzdev on SLES 15, an earlier release's chzdev entry
# on RHEL 9) would bring it back at the next boot.
echo 'nova_volumeops step: remove the LUN from every path'
[ ! -d /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6/0x4001400500000000 ] || echo 0x4001400500000000 > /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6/unit_remove
[ ! -d /sys/bus/ccw/drivers/zfcp/0.0.2f00/0x500507680b21bac6/0x4001400500000000 ] || echo 0x4001400500000000 > /sys/bus/ccw/drivers/zfcp/0.0.2f00/0x500507680b21bac6/unit_remove

chzdev zfcp-lun 0.0.1f00:0x500507680b21bac6:0x4001400500000000 -d -p || true
chzdev zfcp-lun 0.0.2f00:0x500507680b21bac6:0x4001400500000000 -d -p || true
echo 'nova_volumeops step: remove the LUN from the persistent configuration'
# Every form the LUN can be persisted in, whoever wrote it: xCAT's setupDisk
# and --addzfcp (RHEL /etc/zfcp.conf; SLES 51-zfcp-<dev>.rules, which udev
# applies on any distro), so that no form brings the LUN back at boot.
[ ! -e /etc/zfcp.conf ] || sed -i -e '/0.0.1f00 0x500507680b21bac6 0x4001400500000000/d' /etc/zfcp.conf
[ ! -e /etc/udev/rules.d/51-zfcp-0.0.1f00.rules ] || sed -i -e '/0x500507680b21bac6.*0x4001400500000000/d' /etc/udev/rules.d/51-zfcp-0.0.1f00.rules
[ ! -e /etc/zfcp.conf ] || sed -i -e '/0.0.2f00 0x500507680b21bac6 0x4001400500000000/d' /etc/zfcp.conf
[ ! -e /etc/udev/rules.d/51-zfcp-0.0.2f00.rules ] || sed -i -e '/0x500507680b21bac6.*0x4001400500000000/d' /etc/udev/rules.d/51-zfcp-0.0.2f00.rules

echo 'nova_volumeops done: unpersist 0x4001400500000000'