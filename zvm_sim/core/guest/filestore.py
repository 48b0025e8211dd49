"""The guest's regular files, directories and symlinks (outside sysfs).

Files under /etc (and anywhere not volatile) survive power off; entries
under the volatile prefixes (/dev, /run, /tmp) are tmpfs/devtmpfs on a real
guest and are dropped at power off.
"""

import posixpath

VOLATILE = ('/dev', '/run', '/tmp')
_BASE_DIRS = ('/', '/etc', '/etc/udev', '/etc/udev/rules.d', '/etc/multipath',
              '/boot', '/boot/zipl', '/root', '/tmp', '/run', '/var', '/var/log',
              '/usr', '/usr/bin', '/usr/sbin', '/bin', '/sbin', '/opt',
              '/dev', '/dev/disk', '/dev/disk/by-path', '/dev/disk/by-id', '/dev/mapper')


def is_volatile(path):
    return any(path == p or path.startswith(p + '/') for p in VOLATILE)


class FileStore:
    def __init__(self):
        self.files = {}
        self.dirs = set(_BASE_DIRS)
        self.links = {}

    def drop_volatile(self):
        self.files = {p: c for p, c in self.files.items() if not is_volatile(p)}
        self.links = {p: t for p, t in self.links.items() if not is_volatile(p)}
        self.dirs = {d for d in self.dirs if not is_volatile(d)} | set(_BASE_DIRS)

    def kind(self, path):
        if path in self.links:
            return 'link'
        if path in self.files:
            return 'file'
        if path in self.dirs:
            return 'dir'
        return None

    def children(self, path):
        prefix = path.rstrip('/') + '/'
        names = set()
        for entry in list(self.files) + list(self.links) + list(self.dirs):
            if entry.startswith(prefix) and entry != prefix:
                rest = entry[len(prefix):]
                if rest and '/' not in rest:
                    names.add(rest)
        return names

    def parent_is_dir(self, path):
        return posixpath.dirname(path) in self.dirs

    def remove(self, path):
        self.files.pop(path, None)
        self.links.pop(path, None)
        self.dirs.discard(path)

    def to_dict(self):
        return {'files': dict(self.files), 'dirs': sorted(self.dirs),
                'links': dict(self.links)}

    @classmethod
    def from_dict(cls, data):
        store = cls()
        store.files = dict(data['files'])
        store.dirs = set(data['dirs']) | set(_BASE_DIRS)
        store.links = dict(data['links'])
        return store
