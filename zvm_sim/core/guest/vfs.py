"""The guest's file system view: sysfs + /dev + regular files, one namespace.

A mixin for GuestLinux. Paths are absolute (the shell's cwd is /). Three
providers answer, in this order:

- /sys and /proc: the kernel model (sysfs.Sysfs);
- /dev: nodes derived from kernel, multipath and udev state (sdX, dm-N,
  by-path, by-id, mapper, rule links), then entries users made in /dev;
- everything else: the FileStore (regular files, dirs, symlinks).
"""

import fnmatch
import posixpath

from zvm_sim.core.guest.shell import FsError
from zvm_sim.core.guest import sysfs as sysfs_mod

ENOENT = 'No such file or directory'
EISDIR = 'Is a directory'
ENOTDIR = 'Not a directory'
EACCES = 'Permission denied'
ELOOP = 'Too many levels of symbolic links'


def _norm(path):
    if not path.startswith('/'):
        path = '/' + path
    return posixpath.normpath(path).replace('//', '/')


def _is_virtual(path):
    return path in ('/sys', '/proc') or path.startswith(('/sys/', '/proc/'))


class VfsMixin:
    """Needs self.sysfs, self.store and self.dev_table()."""

    # -- lookup ------------------------------------------------------------

    def _entry(self, path):
        """-> (kind, info) for path without following a final symlink.

        kind: 'dir', 'file', 'link' (info = target), 'block', 'attr'
        (info = sysfs Attr), or None. Intermediate symlinks are followed.
        """
        path = _norm(path)
        parent, name = posixpath.split(path)
        if path != '/' and parent != path:
            real_parent = self.realpath(parent)
            if real_parent != parent:
                path = _norm(posixpath.join(real_parent, name))
        if _is_virtual(path):
            node = self.sysfs.resolve(path)
            if node is None:
                return None, None
            if isinstance(node, sysfs_mod.Dir):
                return 'dir', node
            return 'attr', node
        if path == '/dev' or path.startswith('/dev/'):
            table = self.dev_table()
            if path in table:
                return table[path]
            if any(p.startswith(path + '/') for p in table):
                return 'dir', None
        kind = self.store.kind(path)
        if kind == 'link':
            return 'link', self.store.links[path]
        if kind:
            return kind, None
        return None, None

    def realpath(self, path, depth=0):
        """Resolve every symlink in path (like realpath -m)."""
        if depth > 40:
            raise FsError(ELOOP)
        path = _norm(path)
        out = '/'
        for part in [p for p in path.split('/') if p]:
            candidate = _norm(posixpath.join(out, part))
            kind, info = self._entry_direct(candidate)
            if kind == 'link':
                target = info if info.startswith('/') else posixpath.join(out, info)
                candidate = self.realpath(target, depth + 1)
            out = candidate
        return out

    def _entry_direct(self, path):
        """_entry for a path whose parents are already resolved."""
        if _is_virtual(path):
            return (None, None) if self.sysfs.resolve(path) is None else ('dir', None)
        if path.startswith('/dev/'):
            table = self.dev_table()
            if path in table:
                return table[path]
        kind = self.store.kind(path)
        if kind == 'link':
            return 'link', self.store.links[path]
        return kind, None

    def stat_kind(self, path, follow=True):
        kind, info = self._entry(path)
        if follow and kind == 'link':
            kind, info = self._entry(self.realpath(path))
        return kind

    def exists(self, path, follow=True):
        return self.stat_kind(path, follow) is not None

    # -- reading -----------------------------------------------------------

    def fs_read(self, path):
        kind, info = self._entry(path)
        if kind == 'link':
            kind, info = self._entry(self.realpath(path))
        if kind is None:
            raise FsError(ENOENT, path)
        if kind == 'dir':
            raise FsError(EISDIR, path)
        if kind == 'attr':
            return info.read()
        if kind in ('block', 'char'):
            return ''
        return self.store.files[self.realpath(path)]

    def listdir(self, path):
        real = self.realpath(path)
        kind, info = self._entry(real)
        if kind is None:
            raise FsError(ENOENT, path)
        if kind != 'dir':
            raise FsError(ENOTDIR, path)
        if _is_virtual(real):
            return list(info.children)
        names = set(self.store.children(real))
        if real == '/':
            names.update(['sys', 'proc', 'dev'])
        if real == '/dev' or real.startswith('/dev/'):
            prefix = real.rstrip('/') + '/'
            for entry in self.dev_table():
                if entry.startswith(prefix):
                    names.add(entry[len(prefix):].split('/', 1)[0])
        return sorted(names)

    def fs_glob(self, pattern):
        """Pathname expansion of an absolute pattern; sorted matches."""
        parts = [p for p in pattern.split('/') if p]
        paths = ['/']
        for part in parts:
            nxt = []
            for base in paths:
                if any(c in part for c in '*?['):
                    try:
                        names = self.listdir(base)
                    except FsError:
                        continue
                    nxt.extend(posixpath.join(base, n) for n in names
                               if fnmatch.fnmatchcase(n, part) and
                               (part.startswith('.') or not n.startswith('.')))
                else:
                    candidate = posixpath.join(base, part)
                    if self.exists(candidate, follow=False):
                        nxt.append(candidate)
            paths = nxt
        return sorted(paths)

    # -- writing -----------------------------------------------------------

    def fs_open_write(self, path, append=False):
        """Open for writing like open(2) with O_CREAT; returns write(data)."""
        path = _norm(path)
        kind, info = self._entry(path)
        if kind == 'link':
            path = self.realpath(path)
            kind, info = self._entry(path)
        if kind == 'dir':
            raise FsError(EISDIR, path)
        if kind == 'attr':
            if not info.writable:
                raise FsError(EACCES, path)
            return info.write
        if kind in ('block', 'char'):
            return lambda data: None
        if _is_virtual(path):
            parent = self.sysfs.resolve(posixpath.dirname(path))
            raise FsError(EACCES if parent is not None else ENOENT, path)
        if kind is None:
            parent_kind = self.stat_kind(posixpath.dirname(path))
            if parent_kind is None:
                raise FsError(ENOENT, path)
            if parent_kind != 'dir':
                raise FsError(ENOTDIR, path)
            if path.startswith('/dev/') and path in self.dev_table():
                raise FsError(EACCES, path)
        real = self.realpath(path)
        if not append or real not in self.store.files:
            self.store.files[real] = ''

        def write(data):
            self.store.files[real] = self.store.files.get(real, '') + data
        return write

    def write_file(self, path, content):
        """Replace a regular file (tools writing their config files)."""
        self.store.files[_norm(path)] = content

    def unlink(self, path):
        path = _norm(path)
        kind, _ = self._entry(path)
        if kind is None:
            raise FsError(ENOENT, path)
        if kind in ('attr',) or _is_virtual(path):
            raise FsError('Operation not permitted', path)
        if path.startswith('/dev/') and path in self.dev_table() and \
                self.store.kind(path) is None:
            # a node udev/devtmpfs made: removing it only hides it until the
            # next event; the model keeps it (deleting the device is the way)
            self.udev.links.pop(path, None)
            return
        self.store.remove(path)

    def symlink(self, target, link):
        link = _norm(link)
        if self.stat_kind(posixpath.dirname(link)) != 'dir':
            raise FsError(ENOENT, link)
        self.store.links[link] = target
        self.store.files.pop(link, None)

    def mkdir(self, path, parents=False):
        path = _norm(path)
        if _is_virtual(path):
            raise FsError('Operation not permitted' if self.sysfs.resolve(path) is None
                          else 'File exists', path)
        kind = self.stat_kind(path)
        if kind is not None:
            if parents and kind == 'dir':
                return
            raise FsError('File exists', path)
        parent = posixpath.dirname(path)
        if self.stat_kind(parent) != 'dir':
            if not parents:
                raise FsError(ENOENT, path)
            self.mkdir(parent, parents=True)
        self.store.dirs.add(path)
