#!/bin/bash
# nova_volumeops detach: FCP LUN 0x4001400500000000 at /dev/vdb (ubuntu)
# Generated from nova_volumeops/templates; do not edit in the guest.
# xdsh appends its status echo to the last line, so the script ends on a
# command, never on a newline or a comment (DSHCLI.pm 2605-2621). The
# caller judges it by the "done" line, printed only when every step held;
# the last "step" line names the step that stopped it.
set -eu
set -o pipefail
echo 'nova_volumeops step: flush the multipath map mpatha'
# Flush this volume's map only; a global flush (-F) would pull every other
# multipath volume of the guest.
[ ! -e /dev/mapper/mpatha ] || multipath -f mpatha

echo 'nova_volumeops step: remove the LUN from every path'
chzdev zfcp-lun 0.0.1f00:0x500507680b21bac6:0x4001400500000000 -d || true
chzdev zfcp-lun 0.0.2f00:0x500507680b21bac6:0x4001400500000000 -d || true
echo 'nova_volumeops step: remove the LUN from the persistent configuration'
# Every form the LUN can be persisted in, whoever wrote it: xCAT's setupDisk
# and --addzfcp (RHEL /etc/zfcp.conf; SLES 51-zfcp-<dev>.rules, which udev
# applies on any distro), so that no form brings the LUN back at boot.
[ ! -e /etc/zfcp.conf ] || sed -i -e '/0.0.1f00 0x500507680b21bac6 0x4001400500000000/d' /etc/zfcp.conf
[ ! -e /etc/udev/rules.d/51-zfcp-0.0.1f00.rules ] || sed -i -e '/0x500507680b21bac6.*0x4001400500000000/d' /etc/udev/rules.d/51-zfcp-0.0.1f00.rules
[ ! -e /etc/zfcp.conf ] || sed -i -e '/0.0.2f00 0x500507680b21bac6 0x4001400500000000/d' /etc/zfcp.conf
[ ! -e /etc/udev/rules.d/51-zfcp-0.0.2f00.rules ] || sed -i -e '/0x500507680b21bac6.*0x4001400500000000/d' /etc/udev/rules.d/51-zfcp-0.0.2f00.rules

echo 'nova_volumeops step: check the LUN is gone from every path'
# The removals above tolerate "already gone"; this checks the outcome.
[ ! -d /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6/0x4001400500000000 ]
[ ! -d /sys/bus/ccw/drivers/zfcp/0.0.2f00/0x500507680b21bac6/0x4001400500000000 ]

echo 'nova_volumeops step: remove the link /dev/vdb'
# Mountpoint rules live in xCAT's file, in the forms its createfilesysnode
# writes, so that xCAT's removefilesysnode (stopped guests) removes ours too.
[ ! -e /etc/udev/rules.d/56-zfcp.rules ] || sed -i -e '/SYMLINK+="vdb%n"/d' /etc/udev/rules.d/56-zfcp.rules
[ ! -e /etc/udev/rules.d/56-zfcp.rules ] || sed -i -e '/SYMLINK+="vdb"/d' /etc/udev/rules.d/56-zfcp.rules
rm -f /dev/vdb
udevadm control --reload
echo 'nova_volumeops step: set the unused FCP devices offline'
chzdev zfcp-host 1f00 -d || true
chzdev zfcp-host 2f00 -d || true
echo 'nova_volumeops done: detach 0x4001400500000000'