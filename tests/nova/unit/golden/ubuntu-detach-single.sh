#!/bin/bash
# nova_volumeops detach: FCP LUN 0x4001400500000000 at /dev/vdc (ubuntu)
# Generated from nova_volumeops/templates; do not edit in the guest.
set -eu

chzdev zfcp-lun 0.0.1f00:0x500507680b21bac6:0x4001400500000000 -d || true
# The removals above tolerate "already gone"; this checks the outcome.
[ ! -d /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6/0x4001400500000000 ]

rm -f /etc/udev/rules.d/56-zvm-volume-vdc.rules
rm -f /dev/vdc
udevadm control --reload
