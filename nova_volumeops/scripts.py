#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.
"""Guest volume scripts: distro choice, rendering and output parsing. Pure.

The scripts are Jinja2 files in ``templates/`` (one attach and one detach
per distro family, plus the multipath link step). Every value is validated
by ``nova_volumeops.validate`` before it gets here, and every value of the
template context is checked once more against a shell-inert character set
(_check_inert), so no context value can open an injection.

How a script is judged (xdsh.pm 1300-1316, DSHCLI.pm 580-690): xdsh returns
the script's stdout, its stderr (as "error" elements even when it worked),
the number of failed nodes (a ``set -e`` stop fails with the script's exit
status, DSHCLI.pm 610), or no status at all when the script exited 0 before
xdsh's appended status echo. None of these alone says the work was done, so
every script prints "nova_volumeops step: <what>" before each step and
"nova_volumeops done: <action>" as its last command; ``judge`` wants that
line last and a zero status, and names the last step reached otherwise.
Scripts end on that command without a newline (DSHCLI.pm 1109 trims one
anyway before it appends ``; export DSH_TARGET_RC=$?; ...``).
"""

import dataclasses
import os
import re

import jinja2

from nova_volumeops import validate

TEMPLATE_DIR = os.path.join(os.path.dirname(__file__), 'templates')

# Characters a rendered value may contain: no quote, space, $, `, ;, |, &,
# <, >, (, ), *, ?, [, ], {, }, ~, !, #, newline or backslash.
_SHELL_INERT = re.compile(r'[0-9A-Za-z_./:,+=@-]*')

# Supported releases per distro family (template key).
_SUPPORTED = {
    'rhel': {8: 'rhel8', 9: 'rhel9'},
    'sles': {12: 'sles12', 15: 'sles15'},
    'ubuntu': {'20.04': 'ubuntu', '22.04': 'ubuntu', '24.04': 'ubuntu'},
}
_DISTRO_ALIASES = {'rhel': 'rhel', 'redhat': 'rhel', 'red hat': 'rhel',
                   'sles': 'sles', 'suse': 'sles', 'sle': 'sles',
                   'ubuntu': 'ubuntu'}
_SUPPORTED_TEXT = ('RHEL 8/9, SLES 12/15, Ubuntu 20.04/22.04/24.04 '
                   '(image properties os_distro and os_version)')


STEP_PREFIX = 'nova_volumeops step: '
DONE_PREFIX = 'nova_volumeops done: '


class UnsupportedDistro(ValueError):
    """The guest's distro has no volume templates."""


@dataclasses.dataclass(frozen=True)
class Distro:
    family: str        # rhel | sles | ubuntu
    version: str       # as given, e.g. '9.2', '15.4', '22.04'
    key: str           # template prefix, e.g. 'rhel9'

    @property
    def by_path_style(self):
        # RHEL/SLES ship s390-tools' zfcp udev rules (ccw-...-zfcp-W:L);
        # Ubuntu names zfcp paths with systemd's generic FC form.
        return 'fc' if self.family == 'ubuntu' else 'zfcp'


def resolve_distro(os_distro, os_version):
    """(image os_distro, os_version) -> Distro, or UnsupportedDistro.

    Accepts 'rhel' + '9.2', 'sles' + '15.4' / '15-sp4', 'ubuntu' + '22.04',
    and a version folded into the distro ('rhel9', 'sles15', 'ubuntu22.04').
    """
    raw_distro = (os_distro or '').strip().lower()
    raw_version = str(os_version or '').strip().lower()
    m = re.fullmatch(r'([a-z ]+?)[ -]?([0-9][0-9.]*)', raw_distro)
    if m and not raw_version:
        raw_distro, raw_version = m.group(1), m.group(2)
    family = _DISTRO_ALIASES.get(raw_distro)
    if family is None:
        raise UnsupportedDistro(
            'unsupported guest distro %r (version %r): volumes can be '
            'attached to %s' % (os_distro, os_version, _SUPPORTED_TEXT))
    if family == 'ubuntu':
        m = re.match(r'([0-9]{2}\.[0-9]{2})', raw_version)
        key = _SUPPORTED[family].get(m.group(1)) if m else None
    else:
        m = re.match(r'([0-9]{1,2})(?:$|[.-])', raw_version)
        key = _SUPPORTED[family].get(int(m.group(1))) if m else None
    if key is None:
        raise UnsupportedDistro(
            'unsupported %s version %r: volumes can be attached to %s'
            % (family, os_version, _SUPPORTED_TEXT))
    return Distro(family, raw_version, key)


def _check_inert(value, where='context'):
    """Every leaf reaching a template must be shell-inert text."""
    if isinstance(value, bool):
        return
    if isinstance(value, str):
        if not _SHELL_INERT.fullmatch(value):
            # Impossible after validate.*; refuse rather than render.
            raise ValueError('refusing to render %r (%s) into a guest '
                             'script' % (value, where))
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            _check_inert(item, where)
        return
    if dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            _check_inert(getattr(value, field.name), where)
        return
    raise ValueError('unexpected %s in template %s' % (type(value).__name__,
                                                       where))


_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
    undefined=jinja2.StrictUndefined,
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True)


@dataclasses.dataclass(frozen=True)
class Path:
    fcp: str
    wwpn: str


@dataclasses.dataclass(frozen=True)
class VolumeSpec:
    """What a script needs to know about one volume in one guest."""
    fcps: tuple          # initiator FCP devices of the instance
    wwpns: tuple         # target WWPNs of the LUN
    lun: str             # 16 hex
    mountpoint: str      # /dev/vdX, validated

    def __post_init__(self):
        # Validate again here: the renderer must be safe on its own.
        object.__setattr__(self, 'fcps',
                           tuple(validate.fcp_devno(f) for f in self.fcps))
        object.__setattr__(self, 'wwpns', validate.wwpns(list(self.wwpns)))
        object.__setattr__(self, 'lun', validate.fcp_lun(self.lun))
        object.__setattr__(self, 'mountpoint',
                           validate.guest_mountpoint(self.mountpoint))
        if not self.fcps:
            raise validate.InvalidInput('FCP devices', self.fcps, 'at least one')

    @property
    def paths(self):
        return tuple(Path(f, w) for f in self.fcps for w in self.wwpns)

    @property
    def multipath(self):
        return len(self.paths) > 1

    @property
    def link_name(self):
        return self.mountpoint[len('/dev/'):]

    @property
    def rule_file(self):
        # xCAT's createfilesysnode/setupDisk file (see templates/_common).
        return '/etc/udev/rules.d/56-zfcp.rules'


def scsi_lun(fcp_lun):
    """Linux SCSI LUN number of a 64-bit FCP LUN (scsilun_to_int)."""
    raw = bytes.fromhex(validate.fcp_lun(fcp_lun))
    value = 0
    for i in range(0, 8, 2):
        value |= ((raw[i] << 8) | raw[i + 1]) << (i * 8)
    return value


def _systemd_lun(lun):
    # systemd path_id format_lun_number(): small LUNs in decimal, others
    # as the 64-bit FCP LUN again (each 16-bit level swapped back).
    if lun < 256:
        return 'lun-%d' % lun
    return 'lun-0x%04x%04x00000000' % (lun & 0xffff, (lun >> 16) & 0xffff)


def by_path(distro, fcp, wwpn, lun):
    """udev's /dev/disk/by-path name of one path of a LUN."""
    if distro.by_path_style == 'fc':
        return '/dev/disk/by-path/ccw-0.0.%s-fc-0x%s-%s' % (
            fcp, wwpn, _systemd_lun(scsi_lun(lun)))
    return '/dev/disk/by-path/ccw-0.0.%s-zfcp-0x%s:0x%s' % (fcp, wwpn, lun)


def _context(distro, spec, **extra):
    first = spec.paths[0]
    ctx = dict(distro=distro.key, fcps=list(spec.fcps), paths=list(spec.paths),
               lun=spec.lun, mountpoint=spec.mountpoint,
               link_name=spec.link_name, rule_file=spec.rule_file,
               multipath=spec.multipath,
               by_path=by_path(distro, first.fcp, first.wwpn, spec.lun),
               # one per path: a disk's link exists only where the pair
               # is a path (zoned port, LUN masked to the device)
               path_links=[by_path(distro, p.fcp, p.wwpn, spec.lun)
                           for p in spec.paths],
               map_name='', wwid='', offline_fcps=[])
    ctx.update(extra)
    for key, value in ctx.items():
        _check_inert(value, key)
    return ctx


def _render(name, ctx):
    # No trailing newline: xdsh appends its status echo to the last line.
    return _ENV.get_template(name).render(ctx).rstrip('\n')


def render_attach(distro, spec):
    """Script that configures the LUN on every path, persists and links it.

    The mountpoint links to the one path, or to the multipath map by WWID.

    Ends with ``multipath -ll`` (multipath) and ``lszfcp -D``, whose output
    gives the map (parse_multipath_map) that the detach flushes.
    """
    return _render('%s-attach.sh.j2' % distro.key, _context(distro, spec))


def render_link(distro, spec, map_name, wwid):
    """Multipath only: the mountpoint rule for a known map, and the link.

    For volumes attached while the guest was logged off (verify).
    """
    return _render('link-multipath.sh.j2', _context(
        distro, spec, map_name=validate.map_name(map_name),
        wwid=validate.wwid(wwid)))


def render_link_single(distro, spec):
    """Single path: the mountpoint rule (0x form) and the link, after boot."""
    return _render('link-single.sh.j2', _context(distro, spec))


def setupdisk_links(distro, spec):
    """Does setupDisk's createfilesysnode give this volume its link?

    Multipath: it links one path only (verify relinks to the map). Ubuntu:
    its rule takes the text after ``-lun-`` of the by-path name as
    ATTRS{fcp_lun}, which matches sysfs only in the ``lun-0x<16 hex>``
    form systemd uses for LUN numbers from 256 up (setupDisk
    createfilesysnode; xcat-rest-zfcp.md Corrections 7).
    """
    if spec.multipath:
        return False
    return distro.by_path_style != 'fc' or scsi_lun(spec.lun) >= 256


def render_unpersist(distro, spec):
    """After a detach made while logged off: no form of persistence left."""
    return _render('unpersist.sh.j2', _context(distro, spec))


def join(rendered):
    """One script of several (one xdsh): each stops the whole on failure.

    The last script's "done" line ends the whole, so judge() sees it only
    when every part held.
    """
    return '\n'.join(rendered)


def render_detach(distro, spec, map_name=None, offline_fcps=()):
    """Script that removes link, map (that map only), units, persistence.

    ``offline_fcps``: FCPs no other volume of the guest uses; set offline
    before they are undedicated. Every step tolerates "already gone", the
    script then checks the LUN is gone on every path.
    """
    offline = [validate.fcp_devno(f) for f in offline_fcps]
    return _render('%s-detach.sh.j2' % distro.key, _context(
        distro, spec,
        map_name=validate.map_name(map_name) if map_name else '',
        offline_fcps=offline))


def render_rescan(hctls, map_name=None):
    """Extend: rescan every SCSI path of the LUN, then resize its map."""
    ctx = {'hctls': [validate.hctl(h) for h in hctls],
           'map_name': validate.map_name(map_name) if map_name else ''}
    for key, value in ctx.items():
        _check_inert(value, key)
    return _render('rescan.sh.j2', ctx)


# Lists the LUNs (with their SCSI addresses) and multipath maps of a guest.
QUERY_SCRIPT = ('#!/bin/bash\n'
                '# nova_volumeops query: LUNs and multipath maps\n'
                'lszfcp -D || true\n'
                'multipath -ll || true\n'
                "echo '%squery'" % DONE_PREFIX)


# -- judging a script's run ----------------------------------------------------

def expected_done(script):
    """The "done" line a rendered script prints as its last command."""
    last = script.rstrip('\n').rsplit('\n', 1)[-1]
    m = re.fullmatch(r"echo '(%s[^']*)'" % re.escape(DONE_PREFIX), last)
    if m is None:
        raise ValueError('script does not end with its "done" line')
    return m.group(1)


def judge(script, stdout, stderr, errorcode, status_received):
    """None when the run of ``script`` did all its work, else the reason.

    ``stdout``/``stderr``: output lines; ``errorcode``: xdsh's count of
    failed nodes (None if xCAT sent none); ``status_received``: False when
    xdsh reported that no return code came back.
    """
    done = expected_done(script)
    lines = [line.rstrip() for line in stdout if line.strip()]
    if lines and lines[-1] == done and status_received and errorcode == 0:
        return None
    steps = [line[len(STEP_PREFIX):] for line in lines
             if line.startswith(STEP_PREFIX)]
    where = 'at step "%s"' % steps[-1] if steps else 'before its first step'
    if not status_received:
        status = 'it stopped before its end (no return code came back)'
    elif errorcode is None:
        status = 'xdsh gave no status'
    elif errorcode:
        status = 'it failed'
    else:
        status = 'it did not print its "done" line'
    tail = ' | '.join(line.strip() for line in list(stderr)[-4:]
                      if line.strip())
    return '%s %s%s' % (status, where,
                        ('; stderr: %s' % tail) if tail else '')


# -- output parsing ---------------------------------------------------------

_LSZFCP_D = re.compile(
    r'0\.0\.([0-9a-f]{4})/0x([0-9a-f]{16})/0x([0-9a-f]{16})\s+'
    r'([0-9]+:[0-9]+:[0-9]+:[0-9]+)')
# "mpatha (3600507...) dm-0 IBM,2145", or "3600507... dm-0 IBM,2145" when
# user_friendly_names is off (the map is then named by its WWID).
_MP_HEADER = re.compile(
    r'^([A-Za-z0-9_]+)\s+(?:\(([0-9A-Za-z]+)\)\s+)?(dm-[0-9]+)')
_MP_PATH = re.compile(r'([0-9]+:[0-9]+:[0-9]+:[0-9]+)\s+(sd[a-z]+)')


def parse_lszfcp_units(lines):
    """``lszfcp -D`` lines -> {(fcp, wwpn, lun): 'H:C:T:L'}."""
    units = {}
    for line in lines:
        m = _LSZFCP_D.search(line.lower())
        if m:
            units[(m.group(1), m.group(2), m.group(3))] = m.group(4)
    return units


def parse_multipath_map(lines, hctls):
    """(map name, WWID) of the multipath map holding one of ``hctls``.

    Input: ``multipath -ll`` lines; None when no map has such a path.
    The WWID (e.g. 36005076...) names the dm device in udev (DM_UUID
    mpath-<wwid>); the SCSI addresses tie it to our LUN.
    """
    wanted = set(hctls)
    current = None
    for line in lines:
        head = _MP_HEADER.match(line.strip())
        if head:
            name = head.group(1).lower()
            current = (name, (head.group(2) or name).lower())
            continue
        path = _MP_PATH.search(line)
        if current and path and path.group(1) in wanted:
            return current
    return None
