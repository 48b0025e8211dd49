#!/bin/bash
# nova_volumeops attach: FCP LUN 0x4001400500000000 at /dev/vdb (sles12)
# Generated from nova_volumeops/templates; do not edit in the guest.
set -eu
# SLES 12: zfcp_host_configure / zfcp_disk_configure write the persistent
# udev rules (/etc/udev/rules.d/41-zfcp-*.rules) and configure now.
cio_ignore -r 1f00,2f00
zfcp_host_configure 0.0.1f00 1
zfcp_host_configure 0.0.2f00 1
[ -d /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6 ] || echo 1 > /sys/bus/ccw/drivers/zfcp/0.0.1f00/port_rescan
[ -d /sys/bus/ccw/drivers/zfcp/0.0.2f00/0x500507680b21bac6 ] || echo 1 > /sys/bus/ccw/drivers/zfcp/0.0.2f00/port_rescan

zfcp_disk_configure 0.0.1f00 0x500507680b21bac6 0x4001400500000000 1
zfcp_disk_configure 0.0.2f00 0x500507680b21bac6 0x4001400500000000 1
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
