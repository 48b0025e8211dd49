#!/bin/bash
# nova_volumeops attach: FCP LUN 0x4001400500000000 at /dev/vdb (rhel8)
# Generated from nova_volumeops/templates; do not edit in the guest.
set -eu
# RHEL 8: devices online with chccwdev, LUNs persisted in /etc/zfcp.conf
# (read by zfcpconf.sh at boot).
cio_ignore -r 1f00,2f00
chccwdev -e 1f00
chccwdev -e 2f00
[ -d /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6 ] || echo 1 > /sys/bus/ccw/drivers/zfcp/0.0.1f00/port_rescan
[ -d /sys/bus/ccw/drivers/zfcp/0.0.2f00/0x500507680b21bac6 ] || echo 1 > /sys/bus/ccw/drivers/zfcp/0.0.2f00/port_rescan

[ -d /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6/0x4001400500000000 ] || echo 0x4001400500000000 > /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6/unit_add
[ -d /sys/bus/ccw/drivers/zfcp/0.0.2f00/0x500507680b21bac6/0x4001400500000000 ] || echo 0x4001400500000000 > /sys/bus/ccw/drivers/zfcp/0.0.2f00/0x500507680b21bac6/unit_add

grep -q '0.0.1f00 0x500507680b21bac6 0x4001400500000000' /etc/zfcp.conf || echo '0.0.1f00 0x500507680b21bac6 0x4001400500000000' >> /etc/zfcp.conf
grep -q '0.0.2f00 0x500507680b21bac6 0x4001400500000000' /etc/zfcp.conf || echo '0.0.2f00 0x500507680b21bac6 0x4001400500000000' >> /etc/zfcp.conf
# Fail the script (set -e) unless every path shows the LUN.
[ -d /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6/0x4001400500000000 ]
[ -d /sys/bus/ccw/drivers/zfcp/0.0.2f00/0x500507680b21bac6/0x4001400500000000 ]

multipathd reconfigure
multipath -r
udevadm settle
# The caller reads the map and its WWID from this listing to write the
# mountpoint rule (a dm device is named by WWID only).
multipath -ll
lszfcp -D
