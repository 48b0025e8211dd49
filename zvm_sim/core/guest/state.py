"""The read-back view of a guest (GuestLinux.state()), pure.

Keys (all hex lower case, without 0x, LUNs full 64-bit):

  node, distro, version, powered
  cio_ignore       {'all': bool, 'freed': [dev], 'added': [dev],
                    'ignored_active': [dev]}   # active devices blacklisted
  visible_fcp      [dev]                       # in sysfs (active, not ignored)
  online_fcp       [dev]
  scsi_hosts       {dev: 'hostN'}
  remote_ports     {dev: [wwpn]}
  units            {dev: {wwpn: [lun]}}
  disks            {sdX: {'devno', 'wwpn', 'lun', 'wwid', 'hctl'}}
  by_path          {'/dev/disk/by-path/...': 'sdX'}
  by_id            {'/dev/disk/by-id/...': 'sdX' | 'dm-N'}
  multipath        {map name: {'wwid', 'dm': 'dm-N', 'paths': [sdX]}}
  multipath_paths  {wwid: [sdX]}               # the same maps by WWID
  mountpoints      {'/dev/vdb': 'sda' | 'dm-0'}   # udev rule links + ln -s in /dev
  block_sizes      {sdX | dm-N: bytes}         # /sys/block/<dev>/size * 512: the
                                               # LUN's capacity (READ CAPACITY)
  persistent       {'zfcp_conf': [[dev, wwpn, lun_text]],
                    'udev_online': [dev], 'udev_units': [[dev, wwpn, lun_text]],
                    'chzdev_hosts': [dev], 'chzdev_luns': [[dev, wwpn, lun]],
                    'sles_rules': [dev], 'multipath_wwids': [wwid],
                    'mountpoint_rules': [line]}
  etc_files        {path: content} for /etc/zfcp.conf, udev rules, multipath
"""

import posixpath

from zvm_sim.core.guest import persist

_ETC_PREFIXES = ('/etc/zfcp.conf', '/etc/udev/rules.d/', '/etc/multipath')


def build(guest):
    k = guest.kernel
    active = sorted(k.active()) if guest.powered else []
    disks = {}
    for disk in k.sorted_disks():
        disks[disk.name] = {'devno': disk.devno, 'wwpn': disk.wwpn, 'lun': disk.lun,
                            'wwid': guest.wwid_of(disk), 'hctl': k.hctl(disk)}
    table = guest.dev_table() if guest.powered else {}
    by_path, by_id = {}, {}
    for path, (kind, info) in table.items():
        if kind != 'link':
            continue
        target = posixpath.basename(info)
        if path.startswith('/dev/disk/by-path/'):
            by_path[path] = target
        elif path.startswith('/dev/disk/by-id/'):
            by_id[path] = target
    block_sizes = {name: guest.disk_size(disk) for name, disk in k.disks.items()}
    for dm, (_name, mp) in guest.multipath.dm_devices().items():
        paths = [k.disks[p] for p in mp['paths'] if p in k.disks]
        block_sizes[dm] = guest.disk_size(paths[0]) if paths else 0
    mountpoints = {link: dev for link, dev in guest.udev.links.items()}
    for link, target in guest.store.links.items():
        if link.startswith('/dev/') and guest.powered:
            real = guest.realpath(link)
            if real.startswith('/dev/') and guest.stat_kind(real) == 'block':
                mountpoints[link] = posixpath.basename(real)
    return {
        'node': guest.node, 'distro': guest.distro, 'version': guest.version,
        'powered': guest.powered,
        'cio_ignore': {'all': k.cio_ignore_all, 'freed': sorted(k.cio_freed),
                       'added': sorted(k.cio_added),
                       'ignored_active': [d for d in active if k.is_ignored(d)]},
        'visible_fcp': [d for d in active if not k.is_ignored(d)],
        'online_fcp': sorted(k.online),
        'scsi_hosts': {d: 'host%d' % n for d, n in sorted(k.online.items())},
        'remote_ports': {d: list(p) for d, p in sorted(k.ports.items()) if d in k.online},
        'units': {d: {w: list(ls) for w, ls in u.items() if ls}
                  for d, u in sorted(k.units.items()) if any(u.values())},
        'disks': disks,
        'by_path': by_path,
        'by_id': by_id,
        'multipath': {n: {'wwid': mp['wwid'], 'dm': 'dm-%d' % mp['dm'],
                          'paths': list(mp['paths'])}
                      for n, mp in guest.multipath.maps.items()},
        'multipath_paths': {mp['wwid']: list(mp['paths'])
                            for mp in guest.multipath.maps.values()},
        'mountpoints': mountpoints,
        'block_sizes': block_sizes,
        'persistent': _persistent(guest),
        'etc_files': {p: c for p, c in sorted(guest.store.files.items())
                      if p.startswith(_ETC_PREFIXES)},
    }


def _persistent(guest):
    store = guest.store
    config = persist.read_all(store, guest.distro)
    chzdev_hosts, chzdev_luns, sles_rules, mount_rules = [], [], [], []
    for name in sorted(store.children(persist.RULES_DIR)):
        path = persist.RULES_DIR + '/' + name
        text = store.files.get(path, '')
        if name.startswith('41-zfcp-host-0.0.'):
            chzdev_hosts.append(name[len('41-zfcp-host-0.0.'):-len('.rules')])
        elif name.startswith('41-zfcp-lun-0.0.'):
            dev = name[len('41-zfcp-lun-0.0.'):-len('.rules')]
            chzdev_luns.extend([dev, w, lun] for w, lun in persist.chzdev_lun_entries(text))
        elif name.startswith('51-zfcp-0.0.'):
            sles_rules.append(name[len('51-zfcp-0.0.'):-len('.rules')])
        mount_rules.extend(line for line in text.splitlines() if 'SYMLINK' in line)
    return {
        'zfcp_conf': [list(e) for e in persist.parse_zfcp_conf(
            store.files.get(persist.ZFCP_CONF, ''))],
        'udev_online': config['online'],
        'udev_units': [list(e) for e in config['units']],
        'chzdev_hosts': chzdev_hosts,
        'chzdev_luns': chzdev_luns,
        'sles_rules': sles_rules,
        'multipath_wwids': guest.multipath.known_wwids(),
        'mountpoint_rules': mount_rules,
    }
