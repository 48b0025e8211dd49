"""dm-multipath maps of the guest (multipath-tools behaviour, simplified).

Policy modelled (documented in internals.rst):

- paths are grouped by SCSI WWID (host.lun_wwid; the same on every path);
- ``find_multipaths yes`` (the RHEL mpathconf and SLES/Ubuntu packaging
  default): a map is created for a WWID with at least two paths, or with
  one path when the WWID is already in /etc/multipath/wwids (multipath
  remembers every WWID it made a map for; ``multipath -W`` resets that file
  to the current maps);
- map names: RHEL uses user_friendly_names (mpatha, mpathb, ... kept in
  /etc/multipath/bindings); SLES and Ubuntu name maps by WWID;
- a path that disappears (unit_remove, sdX delete, adapter offline) leaves
  the map; a map whose last path went stays until ``multipath -f``/``-F``
  (multipath-tools' flush_on_last_del is off by default): the leftover maps
  users of Feilong reported (#372) are reproducible;
- maps are volatile; multipathd rebuilds them at boot.
"""

WWIDS = '/etc/multipath/wwids'
BINDINGS = '/etc/multipath/bindings'
_WWIDS_HEADER = ('# Multipath wwids, Version : 1.0\n'
                 '# NOTE: This file is automatically maintained by multipath and multipathd.\n'
                 '# You should not need to edit this file in normal circumstances.\n'
                 '#\n# Valid WWIDs:\n')
_BINDINGS_HEADER = ('# Multipath bindings, Version : 1.0\n'
                    '# NOTE: this file is automatically maintained by the multipath program.\n'
                    '# You should not need to edit this file in normal circumstances.\n'
                    '#\n# Format:\n# alias wwid\n#\n')


class MultipathError(Exception):
    pass


class Multipath:
    def __init__(self, guest):
        self.guest = guest
        self.maps = {}          # name -> {'wwid', 'dm', 'paths': [sd]}
        self.next_dm = 0

    def reset(self):
        self.maps = {}
        self.next_dm = 0

    # -- persistent files --------------------------------------------------

    def known_wwids(self):
        text = self.guest.store.files.get(WWIDS, '')
        return [line.strip().strip('/') for line in text.splitlines()
                if line.strip().startswith('/')]

    def remember(self, wwid):
        """``multipath -a``: add a WWID to the wwids file."""
        known = self.known_wwids()
        if wwid not in known:
            self._write_wwids(known + [wwid])

    def _write_wwids(self, wwids):
        self.guest.store.files[WWIDS] = _WWIDS_HEADER + ''.join('/%s/\n' % w for w in wwids)

    def _bindings(self):
        text = self.guest.store.files.get(BINDINGS, '')
        pairs = {}
        for line in text.splitlines():
            fields = line.split()
            if len(fields) == 2 and not line.startswith('#'):
                pairs[fields[1]] = fields[0]
        return pairs

    def _alias(self, wwid):
        if self.guest.distro != 'rhel':
            return wwid
        bindings = self._bindings()
        if wwid in bindings:
            return bindings[wwid]
        used = set(bindings.values())
        index = 0
        while _friendly(index) in used:
            index += 1
        alias = _friendly(index)
        text = self.guest.store.files.get(BINDINGS, _BINDINGS_HEADER)
        self.guest.store.files[BINDINGS] = text + '%s %s\n' % (alias, wwid)
        return alias

    # -- operations --------------------------------------------------------

    def by_wwid(self, wwid):
        for name, mp in self.maps.items():
            if mp['wwid'] == wwid:
                return name
        return None

    def reload(self):
        """``multipath -r`` / multipathd: create maps, add new paths."""
        groups = {}
        for disk in self.guest.kernel.sorted_disks():
            wwid = self.guest.wwid_of(disk)
            groups.setdefault(wwid, []).append(disk.name)
        known = self.known_wwids()
        created = []
        for wwid, paths in groups.items():
            name = self.by_wwid(wwid)
            if name is not None:
                mp = self.maps[name]
                mp['paths'].extend(p for p in paths if p not in mp['paths'])
                continue
            if len(paths) < 2 and wwid not in known:
                continue
            name = self._alias(wwid)
            self.maps[name] = {'wwid': wwid, 'dm': self.next_dm, 'paths': list(paths)}
            self.next_dm += 1
            created.append(name)
            if wwid not in known:
                known.append(wwid)
                self._write_wwids(known)
        for name in created:
            self.guest.udev.event('dm-%d' % self.maps[name]['dm'], 'add')
        return created

    def remove_path(self, sd):
        for mp in self.maps.values():
            if sd in mp['paths']:
                mp['paths'].remove(sd)

    def flush(self, name):
        """``multipath -f <map>``: by alias, WWID or dm-N / /dev/mapper path."""
        key = name.rsplit('/', 1)[-1]
        for alias, mp in list(self.maps.items()):
            if key in (alias, mp['wwid'], 'dm-%d' % mp['dm']):
                del self.maps[alias]
                self.guest.udev.remove('dm-%d' % mp['dm'])
                return alias
        raise MultipathError('%s: map not present' % key)

    def flush_all(self):
        for alias in list(self.maps):
            self.flush(alias)

    def reset_wwids(self):
        """``multipath -W``: the wwids file lists exactly the current maps."""
        self._write_wwids([mp['wwid'] for mp in self.maps.values()])

    def dm_devices(self):
        return {'dm-%d' % mp['dm']: (name, mp) for name, mp in self.maps.items()}

    def to_dict(self):
        return {'maps': {n: dict(mp, paths=list(mp['paths'])) for n, mp in self.maps.items()},
                'next_dm': self.next_dm}

    def load(self, data):
        self.maps = {n: dict(mp, paths=list(mp['paths'])) for n, mp in data['maps'].items()}
        self.next_dm = data['next_dm']


def _friendly(index):
    """multipath's alias sequence: mpatha..mpathz, mpathaa, ..."""
    name = ''
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(ord('a') + rem) + name
    return 'mpath' + name
