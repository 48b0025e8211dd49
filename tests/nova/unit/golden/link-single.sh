#!/bin/bash
# nova_volumeops link: FCP LUN 0x0001000000000000 at /dev/vdd (ubuntu)
# Generated from nova_volumeops/templates; do not edit in the guest.
# xdsh appends its status echo to the last line, so the script ends on a
# command, never on a newline or a comment (DSHCLI.pm 2605-2621). The
# caller judges it by the "done" line, printed only when every step held;
# the last "step" line names the step that stopped it.
set -eu
set -o pipefail
# After a boot: the rule setupDisk's createfilesysnode writes for an Ubuntu
# by-path name ...-lun-<N> carries the decimal N as ATTRS{fcp_lun}, which
# never matches sysfs (0x<16 hex>), so the mountpoint is linked here.
echo 'nova_volumeops step: link /dev/vdd to the LUN'
# Mountpoint rules live in xCAT's file, in the forms its createfilesysnode
# writes, so that xCAT's removefilesysnode (stopped guests) removes ours too.
[ ! -e /etc/udev/rules.d/56-zfcp.rules ] || sed -i -e '/SYMLINK+="vdd%n"/d' /etc/udev/rules.d/56-zfcp.rules
[ ! -e /etc/udev/rules.d/56-zfcp.rules ] || sed -i -e '/SYMLINK+="vdd"/d' /etc/udev/rules.d/56-zfcp.rules
echo 'KERNEL=="sd*", ATTRS{wwpn}=="0x500507680b21bac6", ATTRS{fcp_lun}=="0x0001000000000000", SYMLINK+="vdd%n"' >> /etc/udev/rules.d/56-zfcp.rules
udevadm control --reload
udevadm trigger
ln -sf /dev/disk/by-path/ccw-0.0.1f00-fc-0x500507680b21bac6-lun-1 /dev/vdd
echo 'nova_volumeops done: link 0x0001000000000000'