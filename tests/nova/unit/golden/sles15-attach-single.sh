#!/bin/bash
# nova_volumeops attach: FCP LUN 0x4001400500000000 at /dev/vdc (sles15)
# Generated from nova_volumeops/templates; do not edit in the guest.
set -eu
# SLES 15: chzdev configures the device and LUN now and persistently.
cio_ignore -r 1f00
chzdev zfcp-host 1f00 -e
[ -d /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6 ] || echo 1 > /sys/bus/ccw/drivers/zfcp/0.0.1f00/port_rescan

chzdev zfcp-lun 0.0.1f00:0x500507680b21bac6:0x4001400500000000 -e
# Fail the script (set -e) unless every path shows the LUN.
[ -d /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6/0x4001400500000000 ]

udevadm settle
lszfcp -D
# Mountpoint rules live in xCAT's file, in the forms its createfilesysnode
# writes, so that xCAT's removefilesysnode (stopped guests) removes ours too.
[ ! -e /etc/udev/rules.d/56-zfcp.rules ] || sed -i -e '/SYMLINK+="vdc%n"/d' /etc/udev/rules.d/56-zfcp.rules
[ ! -e /etc/udev/rules.d/56-zfcp.rules ] || sed -i -e '/SYMLINK+="vdc"/d' /etc/udev/rules.d/56-zfcp.rules
echo 'KERNEL=="sd*", ATTRS{wwpn}=="0x500507680b21bac6", ATTRS{fcp_lun}=="0x4001400500000000", SYMLINK+="vdc%n"' >> /etc/udev/rules.d/56-zfcp.rules
udevadm control --reload
udevadm trigger
ln -sf /dev/disk/by-path/ccw-0.0.1f00-zfcp-0x500507680b21bac6:0x4001400500000000 /dev/vdc
