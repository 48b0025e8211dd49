#!/bin/bash
# nova_volumeops attach: FCP LUN 0x4001400500000000 at /dev/vdc (sles12)
# Generated from nova_volumeops/templates; do not edit in the guest.
# xdsh appends its status echo to the last line, so the script ends on a
# command, never on a newline or a comment (DSHCLI.pm 2605-2621). The
# caller judges it by the "done" line, printed only when every step held;
# the last "step" line names the step that stopped it.
set -eu
set -o pipefail
# SLES 12: zfcp_host_configure / zfcp_disk_configure write the persistent
# udev rules (/etc/udev/rules.d/41-zfcp-*.rules) and configure now.
echo 'nova_volumeops step: bring the FCP devices online'
cio_ignore -r 1f00
zfcp_host_configure 0.0.1f00 1
echo 'nova_volumeops step: configure the LUN on every path'
[ -d /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6 ] || echo 1 > /sys/bus/ccw/drivers/zfcp/0.0.1f00/port_rescan

[ ! -d /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6 ] || zfcp_disk_configure 0.0.1f00 0x500507680b21bac6 0x4001400500000000 1 || true
echo 'nova_volumeops step: list the paths the SAN gives'
# Pairs whose port is not zoned to the device were skipped, and the storage
# shows the LUN only to the initiators it is masked to: the caller counts
# the working paths in these lists (nova_volumeops.fabric, which knows this
# step by its text) and rolls the attach back when too few work.
udevadm settle
lszfcp -P || true
lszfcp -D || true
udevadm settle
echo 'nova_volumeops step: link /dev/vdc to the LUN'
# Mountpoint rules live in xCAT's file, in the forms its createfilesysnode
# writes, so that xCAT's removefilesysnode (stopped guests) removes ours too.
[ ! -e /etc/udev/rules.d/56-zfcp.rules ] || sed -i -e '/SYMLINK+="vdc%n"/d' /etc/udev/rules.d/56-zfcp.rules
[ ! -e /etc/udev/rules.d/56-zfcp.rules ] || sed -i -e '/SYMLINK+="vdc"/d' /etc/udev/rules.d/56-zfcp.rules
echo 'KERNEL=="sd*", ATTRS{wwpn}=="0x500507680b21bac6", ATTRS{fcp_lun}=="0x4001400500000000", SYMLINK+="vdc%n"' >> /etc/udev/rules.d/56-zfcp.rules
udevadm control --reload
udevadm trigger
ln -sf /dev/disk/by-path/ccw-0.0.1f00-zfcp-0x500507680b21bac6:0x4001400500000000 /dev/vdc
echo 'nova_volumeops step: list the LUN and its map'
lszfcp -D
echo 'nova_volumeops done: attach 0x4001400500000000'