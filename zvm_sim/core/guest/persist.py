"""Per-distro persistent zfcp configuration: read at boot, written by tools.

Three stores, all plain files in the guest's /etc:

- RHEL ``/etc/zfcp.conf``: lines ``0.0.<dev> 0x<wwpn> 0x<lun>`` (also the
  old 5-field form ``0.0.<dev> <scsiid> 0x<wwpn> <scsilun> 0x<lun>``).
  RHEL's zfcpconf.sh reads it at boot and on ``echo add > .../uevent``: it
  sets the device online and writes the LUN text to unit_add, so a LUN in a
  short form is parsed by the kernel exactly as an interactive write.
  device_cio_free frees the devices it names from cio_ignore at boot.
- SLES 12 ``/etc/udev/rules.d/51-zfcp-0.0.<dev>.rules`` written by
  zfcp_host_configure / zfcp_disk_configure (and by xCAT itself):
  ``ATTR{[ccw/0.0.<dev>]online}="1"`` and
  ``ATTR{[ccw/0.0.<dev>]0x<wwpn>/unit_add}="0x<lun>"``.
- chzdev (SLES 15, Ubuntu, RHEL 8/9): ``/etc/udev/rules.d/41-zfcp-host-0.0.
  <dev>.rules`` and ``41-zfcp-lun-0.0.<dev>.rules`` with the same two
  attribute assignments in chzdev's label/goto layout.

Any udev rule file is applied on every distro (udev reads them all); only
zfcp.conf is RHEL-specific. Boot frees from the CIO blacklist every device
a store names (RHEL device_cio_free; chzdev's persistent cio_ignore
handling; SLES' initrd), so a dedicated FCP device that no store names
stays invisible after reboot until ``cio_ignore -r``.
"""

import re

from zvm_sim.core.guest import formats

ZFCP_CONF = '/etc/zfcp.conf'
RULES_DIR = '/etc/udev/rules.d'

_ONLINE_RE = re.compile(r'ATTR\{\[ccw/0\.0\.([0-9a-fA-F]{4})\]online\}="1"')
_UNIT_RE = re.compile(
    r'ATTR\{\[ccw/0\.0\.([0-9a-fA-F]{4})\]0x([0-9a-fA-F]+)/unit_add\}="([^"]*)"')


def parse_zfcp_conf(text):
    """-> list of (devno, wwpn, lun_text); malformed lines are skipped."""
    entries = []
    for raw in text.splitlines():
        fields = raw.split('#', 1)[0].split()
        if len(fields) == 5:
            fields = [fields[0], fields[2], fields[4]]
        if len(fields) != 3:
            continue
        try:
            entries.append((formats.norm_devno(fields[0]), formats.norm_wwpn(fields[1]),
                            fields[2]))
        except ValueError:
            continue
    return entries


def parse_udev_zfcp(text):
    """-> (online devnos, [(devno, wwpn, lun_text)]) from rule lines."""
    online, units = [], []
    for line in text.splitlines():
        if line.lstrip().startswith('#'):
            continue
        for dev in _ONLINE_RE.findall(line):
            if dev.lower() not in online:
                online.append(dev.lower())
        for dev, wwpn, lun in _UNIT_RE.findall(line):
            try:
                units.append((dev.lower(), formats.norm_wwpn(wwpn), lun))
            except ValueError:
                continue
    return online, units


def read_all(store, distro):
    """The persistent zfcp config as the boot sequence sees it.

    -> {'online': [devno], 'units': [(devno, wwpn, lun_text)],
        'zfcp_conf': [(devno, wwpn, lun_text)]}
    """
    online, units = [], []
    names = sorted(n for n in store.children(RULES_DIR) if n.endswith('.rules'))
    for name in names:
        dev_on, dev_units = parse_udev_zfcp(store.files.get(RULES_DIR + '/' + name, ''))
        online.extend(d for d in dev_on if d not in online)
        units.extend(dev_units)
    conf = []
    if distro == 'rhel':
        conf = parse_zfcp_conf(store.files.get(ZFCP_CONF, ''))
    return {'online': online, 'units': units, 'zfcp_conf': conf}


def boot_freed(config):
    """Devices the boot scripts free from the CIO blacklist."""
    freed = set(config['online'])
    freed.update(dev for dev, _, _ in config['units'])
    freed.update(dev for dev, _, _ in config['zfcp_conf'])
    return freed


# -- SLES 12: 51-zfcp-0.0.<dev>.rules ---------------------------------------

def sles_rules_path(devno):
    return '%s/51-zfcp-0.0.%s.rules' % (RULES_DIR, devno)


def sles_host_lines(devno):
    """The three lines zfcp_host_configure (and xCAT) write for a host."""
    bus = formats.busid(devno)
    return [
        'ACTION=="add", SUBSYSTEM=="ccw", KERNEL=="%s", IMPORT{program}="collect %s %%k %s '
        'zfcp"' % (bus, bus, bus),
        'ACTION=="add", SUBSYSTEM=="drivers", KERNEL=="zfcp", IMPORT{program}="collect %s '
        '%%k %s zfcp"' % (bus, bus),
        'ACTION=="add", ENV{COLLECT_%s}=="0", ATTR{[ccw/%s]online}="1"' % (bus, bus),
    ]


def sles_lun_line(devno, wwpn, lun):
    bus = formats.busid(devno)
    return ('ACTION=="add", KERNEL=="rport-*", ATTR{port_name}=="0x%s", SUBSYSTEMS=="ccw", '
            'KERNELS=="%s", ATTR{[ccw/%s]0x%s/unit_add}="0x%s"' % (wwpn, bus, bus, wwpn, lun))


# -- chzdev: 41-zfcp-host / 41-zfcp-lun --------------------------------------

def chzdev_host_path(devno):
    return '%s/41-zfcp-host-0.0.%s.rules' % (RULES_DIR, devno)


def chzdev_lun_path(devno):
    return '%s/41-zfcp-lun-0.0.%s.rules' % (RULES_DIR, devno)


def chzdev_host_rules(devno):
    bus = formats.busid(devno)
    label = 'zfcp_host_%s' % bus
    return ('# Generated by chzdev\n'
            'ACTION=="add", SUBSYSTEM=="ccw", KERNEL=="%s", DRIVER=="zfcp", '
            'GOTO="cfg_%s"\n'
            'ACTION=="add", SUBSYSTEM=="drivers", KERNEL=="zfcp", TEST=="[ccw/%s]", '
            'GOTO="cfg_%s"\n'
            'GOTO="end_%s"\n\n'
            'LABEL="cfg_%s"\n'
            'ATTR{[ccw/%s]online}="1"\n\n'
            'LABEL="end_%s"\n' % (bus, label, bus, label, label, label, bus, label))


def chzdev_lun_entries(text):
    """(wwpn, lun) pairs of a 41-zfcp-lun file, in file order."""
    return [(wwpn, formats.hex16(int(lun, 16)))
            for _, wwpn, lun in parse_udev_zfcp(text)[1]]


def chzdev_lun_rules(devno, entries):
    """Render chzdev's 41-zfcp-lun file for a host's (wwpn, lun) list."""
    bus = formats.busid(devno)
    end = 'end_zfcp_lun_%s' % bus
    out = ['# Generated by chzdev',
           'ACTION=="add", SUBSYSTEMS=="ccw", KERNELS=="%s", GOTO="start_zfcp_lun_%s"'
           % (bus, bus),
           'GOTO="%s"' % end, '', 'LABEL="start_zfcp_lun_%s"' % bus]
    for wwpn in dict.fromkeys(w for w, _ in entries):
        out.append('SUBSYSTEM=="fc_remote_ports", ATTR{port_name}=="0x%s", '
                   'GOTO="cfg_fc_%s_0x%s"' % (wwpn, bus, wwpn))
    out.append('GOTO="%s"' % end)
    for wwpn in dict.fromkeys(w for w, _ in entries):
        out += ['', 'LABEL="cfg_fc_%s_0x%s"' % (bus, wwpn)]
        for w, lun in entries:
            if w == wwpn:
                out.append('ATTR{[ccw/%s]0x%s/unit_add}="0x%s"' % (bus, wwpn, lun))
        out.append('GOTO="%s"' % end)
    out += ['', 'LABEL="%s"' % end]
    return '\n'.join(out) + '\n'
