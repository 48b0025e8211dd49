#!/bin/bash
# nova_volumeops link: FCP LUN 0x4001400500000000 at /dev/vdb (rhel9)
# Generated from nova_volumeops/templates; do not edit in the guest.
# xdsh appends its status echo to the last line, so the script ends on a
# command, never on a newline or a comment (DSHCLI.pm 2605-2621). The
# caller judges it by the "done" line, printed only when every step held;
# the last "step" line names the step that stopped it.
set -eu
set -o pipefail
# The multipath map of this LUN is mpatha (WWID 36005076802810d2c1800000000000041).
echo 'nova_volumeops step: link /dev/vdb to the multipath map'
# Mountpoint rules live in xCAT's file, in the forms its createfilesysnode
# writes, so that xCAT's removefilesysnode (stopped guests) removes ours too.
[ ! -e /etc/udev/rules.d/56-zfcp.rules ] || sed -i -e '/SYMLINK+="vdb%n"/d' /etc/udev/rules.d/56-zfcp.rules
[ ! -e /etc/udev/rules.d/56-zfcp.rules ] || sed -i -e '/SYMLINK+="vdb"/d' /etc/udev/rules.d/56-zfcp.rules
echo 'KERNEL=="dm-*", ENV{DM_UUID}=="mpath-36005076802810d2c1800000000000041", SYMLINK+="vdb"' >> /etc/udev/rules.d/56-zfcp.rules
udevadm control --reload
udevadm trigger
ln -sf /dev/mapper/mpatha /dev/vdb
echo 'nova_volumeops done: link 0x4001400500000000'