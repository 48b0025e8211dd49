#!/bin/bash
# nova_volumeops link: FCP LUN 0x4001400500000000 at /dev/vdb (rhel9)
# Generated from nova_volumeops/templates; do not edit in the guest.
set -eu
# The multipath map of this LUN is mpatha (WWID 36005076802810d2c1800000000000041).
echo 'KERNEL=="dm-*", ENV{DM_UUID}=="mpath-36005076802810d2c1800000000000041", SYMLINK+="vdb"' > /etc/udev/rules.d/56-zvm-volume-vdb.rules
udevadm control --reload
udevadm trigger
ln -sf /dev/mapper/mpatha /dev/vdb
