#!/bin/bash
# nova_volumeops attach: FCP LUN 0x4001400500000000 at /dev/vdc (sles12)
# Generated from nova_volumeops/templates; do not edit in the guest.
set -eu
# SLES 12: zfcp_host_configure / zfcp_disk_configure write the persistent
# udev rules (/etc/udev/rules.d/41-zfcp-*.rules) and configure now.
cio_ignore -r 1f00
zfcp_host_configure 0.0.1f00 1
[ -d /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6 ] || echo 1 > /sys/bus/ccw/drivers/zfcp/0.0.1f00/port_rescan

zfcp_disk_configure 0.0.1f00 0x500507680b21bac6 0x4001400500000000 1
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
