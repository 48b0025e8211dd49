#!/bin/bash
# nova_volumeops attach: FCP LUN 0x4001400500000000 at /dev/vdb (rhel9)
# Generated from nova_volumeops/templates; do not edit in the guest.
# xdsh appends its status echo to the last line, so the script ends on a
# command, never on a newline or a comment (DSHCLI.pm 2605-2621). The
# caller judges it by the "done" line, printed only when every step held;
# the last "step" line names the step that stopped it.
set -eu
set -o pipefail
# RHEL 9: devices online with chccwdev, LUNs persisted in /etc/zfcp.conf
# (zfcpconf.sh at boot): the form xCAT's setupDisk removeScsiVolume and
# --removezfcp remove, so a detach made while the guest is logged off
# un-persists it (a chzdev entry would bring the LUN back at boot).
# s390utils ships an empty /etc/zfcp.conf; xCAT's --removezfcp edits it
# with sed at detach and fails when it is missing.
[ -e /etc/zfcp.conf ] || true > /etc/zfcp.conf
echo 'nova_volumeops step: bring the FCP devices online'
cio_ignore -r 1f00,2f00
chccwdev -e 1f00
chccwdev -e 2f00
echo 'nova_volumeops step: configure the LUN on every path'
[ -d /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6 ] || echo 1 > /sys/bus/ccw/drivers/zfcp/0.0.1f00/port_rescan
[ -d /sys/bus/ccw/drivers/zfcp/0.0.2f00/0x500507680b21bac6 ] || echo 1 > /sys/bus/ccw/drivers/zfcp/0.0.2f00/port_rescan

[ ! -d /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6 ] || [ -d /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6/0x4001400500000000 ] || echo 0x4001400500000000 > /sys/bus/ccw/drivers/zfcp/0.0.1f00/0x500507680b21bac6/unit_add
[ ! -d /sys/bus/ccw/drivers/zfcp/0.0.2f00/0x500507680b21bac6 ] || [ -d /sys/bus/ccw/drivers/zfcp/0.0.2f00/0x500507680b21bac6/0x4001400500000000 ] || echo 0x4001400500000000 > /sys/bus/ccw/drivers/zfcp/0.0.2f00/0x500507680b21bac6/unit_add

udevadm settle
[ ! -e /dev/disk/by-path/ccw-0.0.1f00-zfcp-0x500507680b21bac6:0x4001400500000000 ] || grep -q '0.0.1f00 0x500507680b21bac6 0x4001400500000000' /etc/zfcp.conf || echo '0.0.1f00 0x500507680b21bac6 0x4001400500000000' >> /etc/zfcp.conf
[ ! -e /dev/disk/by-path/ccw-0.0.2f00-zfcp-0x500507680b21bac6:0x4001400500000000 ] || grep -q '0.0.2f00 0x500507680b21bac6 0x4001400500000000' /etc/zfcp.conf || echo '0.0.2f00 0x500507680b21bac6 0x4001400500000000' >> /etc/zfcp.conf
echo 'nova_volumeops step: list the paths the SAN gives'
# Pairs whose port is not zoned to the device were skipped, and the storage
# shows the LUN only to the initiators it is masked to: the caller counts
# the working paths in these lists (nova_volumeops.fabric, which knows this
# step by its text) and rolls the attach back when too few work.
udevadm settle
lszfcp -P || true
lszfcp -D || true
echo 'nova_volumeops step: build the multipath map'
[ ! -e /dev/disk/by-path/ccw-0.0.1f00-zfcp-0x500507680b21bac6:0x4001400500000000 ] || multipath -a /dev/disk/by-path/ccw-0.0.1f00-zfcp-0x500507680b21bac6:0x4001400500000000
[ ! -e /dev/disk/by-path/ccw-0.0.2f00-zfcp-0x500507680b21bac6:0x4001400500000000 ] || multipath -a /dev/disk/by-path/ccw-0.0.2f00-zfcp-0x500507680b21bac6:0x4001400500000000
multipathd reconfigure
multipath -r
udevadm settle
echo 'nova_volumeops step: link /dev/vdb to the multipath map'
# Mountpoint rules live in xCAT's file, in the forms its createfilesysnode
# writes, so that xCAT's removefilesysnode (stopped guests) removes ours too.
[ ! -e /etc/udev/rules.d/56-zfcp.rules ] || sed -i -e '/SYMLINK+="vdb%n"/d' /etc/udev/rules.d/56-zfcp.rules
[ ! -e /etc/udev/rules.d/56-zfcp.rules ] || sed -i -e '/SYMLINK+="vdb"/d' /etc/udev/rules.d/56-zfcp.rules
# A dm device is matched by its WWID, which udev reads from the LUN
# (ID_SERIAL of the first path that has a disk: on a dual-fabric SAN not
# every pair is a path): multipath names the map mpath-<WWID>.
# Only a WWID of plain characters may enter the rule (no quote, no comma).
grep -q 'SYMLINK+="vdb"' /etc/udev/rules.d/56-zfcp.rules || [ ! -e /dev/disk/by-path/ccw-0.0.1f00-zfcp-0x500507680b21bac6:0x4001400500000000 ] || udevadm info --query=property --name=/dev/disk/by-path/ccw-0.0.1f00-zfcp-0x500507680b21bac6:0x4001400500000000 | grep -x 'ID_SERIAL=[0-9A-Za-z_.-]*' | sed -e 's/^ID_SERIAL=\(.*\)/KERNEL=="dm-*", ENV{DM_UUID}=="mpath-\1", SYMLINK+="vdb"/' >> /etc/udev/rules.d/56-zfcp.rules
grep -q 'SYMLINK+="vdb"' /etc/udev/rules.d/56-zfcp.rules || [ ! -e /dev/disk/by-path/ccw-0.0.2f00-zfcp-0x500507680b21bac6:0x4001400500000000 ] || udevadm info --query=property --name=/dev/disk/by-path/ccw-0.0.2f00-zfcp-0x500507680b21bac6:0x4001400500000000 | grep -x 'ID_SERIAL=[0-9A-Za-z_.-]*' | sed -e 's/^ID_SERIAL=\(.*\)/KERNEL=="dm-*", ENV{DM_UUID}=="mpath-\1", SYMLINK+="vdb"/' >> /etc/udev/rules.d/56-zfcp.rules
udevadm control --reload
udevadm trigger
udevadm settle
[ -b /dev/vdb ]
echo 'nova_volumeops step: list the LUN and its map'
# The caller journals the map and its WWID from this listing (the detach
# flushes exactly that map).
multipath -ll
lszfcp -D
echo 'nova_volumeops done: attach 0x4001400500000000'