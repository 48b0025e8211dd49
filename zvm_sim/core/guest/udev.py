"""udev as far as the guest model needs it: rule-made symlinks (SYMLINK+=).

xCAT's --createfilesysnode and setupDisk write mountpoint rules to
/etc/udev/rules.d/56-zfcp.rules:

  KERNEL=="sd*", ATTRS{wwpn}=="0x<wwpn>", ATTRS{fcp_lun}=="0x<lun>", SYMLINK+="vdb%n"
  KERNEL=="dm-*", ENV{DM_UUID}=="mpath-<wwid>", SYMLINK+="vdb"

udevd evaluates every rule file for a device on its events: 'add' when the
device appears (an sd disk after unit_add, a dm map after multipath) and
'change' on ``udevadm trigger``. A link made on an event stays until the
device goes away or a later event for the device no longer produces it,
which is why xCAT runs ``udevadm trigger`` after editing the rules.
Rules without a SYMLINK assignment (the zfcp persistence rules) are
handled by persist.py at boot and on ``echo add > .../uevent``.
"""

import fnmatch
import posixpath
import re

RULES_DIRS = ('/etc/udev/rules.d', '/run/udev/rules.d')
_KEY_RE = re.compile(r'([A-Za-z_]+(?:\{[^}]*\})?)\s*(==|!=|\+=|-=|:=|=)\s*"((?:[^"\\]|\\.)*)"')


def parse_rules(text):
    """Rule lines -> list of (matches, symlinks); lines without SYMLINK skipped.

    matches is a list of (key, op, value); symlinks the raw SYMLINK values.
    """
    rules = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith('#'):
            continue
        matches, links = [], []
        for key, op, value in _KEY_RE.findall(line):
            if op in ('==', '!='):
                matches.append((key, op, value))
            elif key == 'SYMLINK' and op in ('+=', '=', ':='):
                links.append(value)
        if links:
            rules.append((matches, links))
    return rules


def _match(props, key, op, value):
    actual = props.get(key)
    if actual is None:
        # A key the model does not know: the rule cannot be shown to match.
        return op == '!=' and key not in _KNOWN_KEYS
    hit = any(fnmatch.fnmatchcase(actual, alt) for alt in value.split('|'))
    return hit if op == '==' else not hit


_KNOWN_KEYS = frozenset(['KERNEL', 'SUBSYSTEM', 'ACTION'])


def _substitute(value, props):
    kernel = props['KERNEL']
    # %n is the kernel number: none for a whole sd disk, N for dm-N.
    number = '' if kernel.startswith('sd') else re.search(r'(\d*)$', kernel).group(1)
    out = value.replace('%n', number).replace('%k', kernel)
    out = re.sub(r'\$env\{([^}]*)\}',
                 lambda m: props.get('ENV{%s}' % m.group(1), ''), out)
    return out


class Udev:
    """Holds the symlinks udev made from rules: {'/dev/vdb': 'sda'}."""

    def __init__(self, guest):
        self.guest = guest
        self.links = {}

    def reset(self):
        self.links = {}

    def load_rules(self):
        store = self.guest.store
        rules = []
        for directory in RULES_DIRS:
            names = sorted(n for n in store.children(directory) if n.endswith('.rules'))
            for name in names:
                rules.extend(parse_rules(store.files.get(directory + '/' + name, '')))
        return rules

    def event(self, device, action):
        """Evaluate the rules for one device ('sda' or 'dm-0')."""
        props = self.guest.device_properties(device)
        if props is None:
            return
        props['ACTION'] = action
        wanted = set()
        for matches, links in self.load_rules():
            if all(_match(props, k, op, v) for k, op, v in matches):
                for value in links:
                    for name in _substitute(value, props).split():
                        wanted.add(posixpath.normpath('/dev/' + name))
        for link in [p for p, dev in self.links.items() if dev == device]:
            if link not in wanted:
                del self.links[link]
        for link in wanted:
            self.links[link] = device

    def remove(self, device):
        for link in [p for p, dev in self.links.items() if dev == device]:
            del self.links[link]

    def trigger(self, sysname_patterns=(), action='change'):
        for device in self.guest.block_devices():
            if sysname_patterns and not any(fnmatch.fnmatchcase(device, p)
                                            for p in sysname_patterns):
                continue
            self.event(device, action)

    def dev_entries(self):
        """Link path -> relative target, as udev creates them."""
        return {link: posixpath.relpath('/dev/' + dev, posixpath.dirname(link))
                for link, dev in self.links.items()}

    def to_dict(self):
        return dict(self.links)

    def load(self, data):
        self.links = dict(data)
