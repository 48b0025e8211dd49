#!/bin/bash
# nova_volumeops detach: FCP LUN 0x4001400500000000 at /dev/vdc (rhel8)
# Generated from nova_volumeops/templates; do not edit in the guest.
set -eu

[ ! -d /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6/0x4001400500000000 ] || echo 0x4001400500000000 > /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6/unit_remove

sed -i -e '/0.0.1f00 0x500507680b21bac6 0x4001400500000000/d' /etc/zfcp.conf || true
# The removals above tolerate "already gone"; this checks the outcome.
[ ! -d /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6/0x4001400500000000 ]

# Mountpoint rules live in xCAT's file, in the forms its createfilesysnode
# writes, so that xCAT's removefilesysnode (stopped guests) removes ours too.
[ ! -e /etc/udev/rules.d/56-zfcp.rules ] || sed -i -e '/SYMLINK+="vdc%n"/d' /etc/udev/rules.d/56-zfcp.rules
[ ! -e /etc/udev/rules.d/56-zfcp.rules ] || sed -i -e '/SYMLINK+="vdc"/d' /etc/udev/rules.d/56-zfcp.rules
rm -f /dev/vdc
udevadm control --reload
