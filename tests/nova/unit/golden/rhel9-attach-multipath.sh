#!/bin/bash
# nova_volumeops attach: FCP LUN 0x4001400500000000 at /dev/vdb (rhel9)
# Generated from nova_volumeops/templates; do not edit in the guest.
set -eu
# RHEL 9: chzdev configures the device and LUN now and persistently.
# s390utils ships an empty /etc/zfcp.conf; xCAT's --removezfcp edits it
# with sed at detach and fails when it is missing.
[ -e /etc/zfcp.conf ] || true > /etc/zfcp.conf
cio_ignore -r 1f00,2f00
chzdev zfcp-host 1f00 -e
chzdev zfcp-host 2f00 -e
[ -d /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6 ] || echo 1 > /sys/bus/ccw/drivers/zfcp/0.0.1f00/port_rescan
[ -d /sys/bus/ccw/drivers/zfcp/0.0.2f00/0x500507680b21bac6 ] || echo 1 > /sys/bus/ccw/drivers/zfcp/0.0.2f00/port_rescan

chzdev zfcp-lun 0.0.1f00:0x500507680b21bac6:0x4001400500000000 -e
chzdev zfcp-lun 0.0.2f00:0x500507680b21bac6:0x4001400500000000 -e
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
