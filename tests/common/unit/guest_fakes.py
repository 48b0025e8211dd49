"""A fake simulator host for guest-model tests (the host interface only)."""

import os

WWPN1 = '500507680b21bac6'
WWPN2 = '500507680b21bac7'
LUN1 = '4001400500000000'
LUN2 = '4001400600000000'
NPIV1 = 'c05076ffe5005612'
NPIV2 = 'c05076ffe5005613'


class FakeHost:
    """Two FCP devices, two target ports, two LUNs behind both ports.

    1f00 and 2f00 are on different CHPIDs and both see WWPN1 and WWPN2.

    Tests change ``active``, ``ports`` and ``luns`` to model z/VM
    dedicate/undedicate, zoning and LUN masking.
    """

    def __init__(self, backing_dir=None):
        self.active = {'1f00': {'chpid': '27', 'wwpn': NPIV1},
                       '2f00': {'chpid': '28', 'wwpn': NPIV2}}
        self.ports = {'1f00': [WWPN1, WWPN2], '2f00': [WWPN1, WWPN2]}
        self.luns = {(w, lun) for w in (WWPN1, WWPN2) for lun in (LUN1, LUN2)}
        self.masked = set()     # (devno, wwpn, lun) the storage hides from devno
        self.backing_dir = backing_dir

    def active_fcp_devices(self):
        return {d: dict(v) for d, v in self.active.items()}

    def remote_ports(self, devno):
        return list(self.ports.get(devno, []))

    def lun_exists(self, wwpn, lun):
        return (wwpn, lun) in self.luns

    def lun_reachable(self, devno, wwpn, lun):
        # zoned (the port is seen through devno) and not masked away
        return (wwpn in self.ports.get(devno, ()) and self.lun_exists(wwpn, lun) and
                (devno, wwpn, lun) not in self.masked)

    def lun_wwid(self, wwpn, lun):
        # same WWID on every path: it identifies the LUN, not the port
        return '36005076802810d98a8000000000' + lun[:4]

    def lun_backing_path(self, wwpn, lun):
        base = self.backing_dir or '/nonexistent'
        return os.path.join(base, '%s.img' % lun)

    def lun_device_path(self, wwpn, lun):
        return self.lun_backing_path(wwpn, lun)

    def keep_lun_devices(self, wwpn_luns):
        pass


def attach_script(devno, wwpn, lun, zfcp_conf=False):
    """The RHEL-style in-guest attach as xCAT's --addzfcp runs it."""
    lines = ['set -e',
             'cio_ignore -r %s' % devno,
             'chccwdev -e 0.0.%s' % devno,
             'echo 0x%s > /sys/bus/ccw/drivers/zfcp/0.0.%s/0x%s/unit_add' % (lun, devno, wwpn)]
    if zfcp_conf:
        lines.append('echo "0.0.%s 0x%s 0x%s" >> /etc/zfcp.conf' % (devno, wwpn, lun))
    return '\n'.join(lines) + '\n'
