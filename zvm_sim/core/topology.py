"""Topology loading and normalisation for the simulator (pure, no I/O but file reads).

The topology format is fixed in doc/source/contributor/internals.rst ("The
simulator").  This module validates it and returns plain dicts with every hex
value normalised to lower case (WWPNs, LUNs, device numbers) so the rest of the
simulator never has to care how a YAML author spelled them.  YAML turns ``on``
and ``off`` into booleans; ``power`` accepts both spellings.
"""

import json
import re

import yaml

from zvm_sim.core import bigpool
from zvm_sim.core import topologies

DEFAULT_TOPOLOGY = topologies.DEFAULT

_HEX16 = re.compile(r'^[0-9a-f]{16}$')
_SIZE = re.compile(r'^\d+[GgMm]$')


class TopologyError(ValueError):
    """The topology file is malformed; the message names the offending item."""


def load(source=None):
    """Load a topology from None (default), a dict, or a YAML/JSON file path."""
    if source is None:
        source = DEFAULT_TOPOLOGY
    if isinstance(source, dict):
        raw = source
    else:
        with open(source, encoding='utf-8') as f:
            text = f.read()
        if str(source).endswith('.json'):
            raw = json.loads(text)
        else:
            raw = yaml.safe_load(text)
    return normalise(raw)


def _devno(value, where):
    text = ('%04x' % value) if isinstance(value, int) else str(value).lower()
    if text.startswith('0.0.'):
        text = text[4:]
    if not re.match(r'^[0-9a-f]{1,4}$', text):
        raise TopologyError('%s: bad FCP device number %r' % (where, value))
    return text.zfill(4)


def _wwpn(value, where):
    text = str(value).lower().replace('0x', '')
    if not _HEX16.match(text):
        raise TopologyError('%s: bad WWPN %r' % (where, value))
    return text


def _power(value):
    if isinstance(value, bool):
        return 'on' if value else 'off'
    text = str(value).lower()
    if text not in ('on', 'off'):
        raise TopologyError('bad power state %r' % value)
    return text


def _pool_entry(entry, where):
    status = str(entry.get('status', 'free')).lower()
    if status not in ('free', 'used', 'reserved'):
        raise TopologyError('%s: bad status %r' % (where, status))
    wwpns = [_wwpn(w, where) for w in str(entry['wwpn']).split(';')]
    lun = str(entry['lun']).lower().replace('0x', '')
    if not _HEX16.match(lun):
        raise TopologyError('%s: LUN must be 16 hex digits, got %r' % (where, entry['lun']))
    size = str(entry.get('size') or '')
    if size and not _SIZE.match(size):
        raise TopologyError('%s: bad size %r' % (where, size))
    owner = str(entry.get('owner') or '')
    if status == 'used' and not owner:
        raise TopologyError('%s: a used entry needs an owner' % where)
    return {'status': status, 'wwpn': ';'.join(wwpns), 'lun': lun, 'size': size,
            'range': str(entry.get('range') or ''), 'owner': owner,
            'channel': str(entry.get('channel') or ''), 'tag': str(entry.get('tag') or '')}


def _guest(g, where):
    node = str(g['node'])
    return {'node': node, 'userid': str(g.get('userid', node)).upper(),
            'distro': str(g.get('distro', 'rhel')).lower(),
            'version': str(g.get('version', '9.2')),
            'power': _power(g.get('power', 'on')),
            'reachable': bool(g.get('reachable', True)),
            'cinder_node': bool(g.get('cinder_node', False)),
            'dedicated': [_devno(d, where) for d in g.get('dedicated', [])]}


def _disk_pool(raw, where):
    """The minidisk pool guests defined at run time get their disks from.

    ``{name: ECKD:POOL1, size: 500G}`` (the defaults): the name is what
    the Cloud Connector's ``disk_pool`` option names (``ECKD:`` or ``FBA:``).
    """
    name = str(raw.get('name', 'ECKD:POOL1'))
    if not re.match(r'^(ECKD|FBA):\w+$', name, re.I):
        raise TopologyError('%s: bad disk_pool name %r (ECKD:<name> or '
                            'FBA:<name>)' % (where, name))
    size = str(raw.get('size', '500G'))
    if not _SIZE.match(size):
        raise TopologyError('%s: bad disk_pool size %r' % (where, size))
    number, unit = int(size[:-1]), size[-1].upper()
    return {'name': name.upper(),
            'size_bytes': number << (30 if unit == 'G' else 20)}


def normalise(raw):
    """Validate a raw topology dict and return the normalised form."""
    if not isinstance(raw, dict) or not raw.get('systems'):
        raise TopologyError('topology needs a non-empty "systems" list')
    users = {str(k): str(v) for k, v in (raw.get('users') or {'admin': 'passw0rd'}).items()}
    systems = []
    seen_nodes = set()
    for i, s in enumerate(raw['systems']):
        where = 'systems[%d]' % i
        hv = str(s['hypervisor'])
        zhcp = str(s['zhcp'])
        fcps = {}
        for d in s.get('fcp_devices', []):
            devno = _devno(d['devno'], where)
            npiv = d.get('npiv_wwpn')
            fcps[devno] = {'devno': devno, 'chpid': str(d.get('chpid', '00')).lower().zfill(2),
                           'physical_wwpn': _wwpn(d['physical_wwpn'], where),
                           'npiv_wwpn': _wwpn(npiv, where) if npiv else None,
                           'offline': str(d.get('status', '')).lower() == 'offline'}
        pools = {}
        for name, entries in (s.get('pools') or {}).items():
            if isinstance(entries, dict) and 'generate' in entries:
                entries = bigpool.expand(entries)
            pools[str(name).lower()] = [_pool_entry(e, '%s.pools.%s' % (where, name))
                                        for e in entries or []]
        guests = []
        for g in s.get('guests', []):
            guest = _guest(g, where)
            if guest['node'] in seen_nodes or guest['node'] in (hv, zhcp):
                raise TopologyError('%s: node name %s used twice' % (where, guest['node']))
            seen_nodes.add(guest['node'])
            guests.append(guest)
        for name in (hv, zhcp):
            if name in seen_nodes:
                raise TopologyError('%s: node name %s used twice' % (where, name))
            seen_nodes.add(name)
        systems.append({'hypervisor': hv, 'zhcp': zhcp,
                        'zhcp_userid': str(s.get('zhcp_userid', zhcp)).upper(),
                        'fcp_devices': fcps, 'pools': pools, 'guests': guests,
                        'disk_pool': _disk_pool(s.get('disk_pool') or {}, where)})
    return {'users': users, 'xcat_node': str(raw.get('xcat_node', 'xcat')),
            'version': str(raw.get('version', '2.8.3.16')), 'systems': systems,
            'san': _san(raw.get('san'), systems)}


def _initiators(refs, systems, where):
    """Initiator references -> set of WWPNs.

    A reference is a WWPN, or ``<hypervisor>:<devno>[-<devno>]``: the FCP
    devices of that system in the range, each by the WWPN it logs in with
    (NPIV WWPN, else the CHPID's physical WWPN).
    """
    by_hv = {s['hypervisor']: s['fcp_devices'] for s in systems}
    out = set()
    for ref in refs or []:
        text = str(ref).lower()
        if ':' not in text:
            out.add(_wwpn(text, where))
            continue
        hv, _, span = text.partition(':')
        if hv not in by_hv:
            raise TopologyError('%s: unknown hypervisor in %r' % (where, ref))
        first, _, last = span.partition('-')
        low = int(_devno(first, where), 16)
        high = int(_devno(last or first, where), 16)
        devices = [d for n, d in by_hv[hv].items() if low <= int(n, 16) <= high]
        if not devices:
            raise TopologyError('%s: no FCP device of %s in %r' % (where, hv, ref))
        out.update(d['npiv_wwpn'] or d['physical_wwpn'] for d in devices)
    return out


def _lun_refs(refs, systems, where):
    """LUN references -> ('all' | set of (wwpn, lun), set of LUN numbers).

    A missing list is empty (the group's ``targets`` may still map LUNs).

    ``all``; ``<hypervisor>/<pool>``: every LUN of that pool in this
    topology; or a LUN number (16 hex digits, behind any port).
    """
    if refs == 'all':
        return 'all', set()
    pools = {'%s/%s' % (s['hypervisor'], name): entries
             for s in systems for name, entries in s['pools'].items()}
    keys, numbers = set(), set()
    for ref in refs or []:
        text = str(ref).lower()
        if text in pools:
            keys.update((w, e['lun']) for e in pools[text] for w in e['wwpn'].split(';'))
        elif _HEX16.match(text.replace('0x', '')):
            numbers.add(text.replace('0x', ''))
        else:
            raise TopologyError('%s: unknown LUN reference %r (hypervisor/pool, '
                                'a 16 hex digit LUN or all)' % (where, ref))
    return keys, numbers


def _san(raw, systems):
    """The ``san`` section: fabrics with zoning, and LUN masking. None: flat."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or not raw.get('fabrics'):
        raise TopologyError('san: needs a non-empty "fabrics" list')
    fabrics, names = [], set()
    for i, f in enumerate(raw['fabrics']):
        where = 'san.fabrics[%d]' % i
        name = str(f.get('name') or i)
        if name in names:
            raise TopologyError('%s: fabric name %s used twice' % (where, name))
        names.add(name)
        fabrics.append({'name': name,
                        'target_ports': [_wwpn(w, where) for w in f.get('target_ports', [])],
                        'zone': _initiators(f.get('zone'), systems, where)})
    seen = {}
    for f in fabrics:
        for w in f['target_ports']:
            if w in seen:
                # a port is cabled to one switch: it cannot log in to two fabrics
                raise TopologyError('san: target port %s on fabrics %s and %s'
                                    % (w, seen[w], f['name']))
            seen[w] = f['name']
    masking = None
    if raw.get('masking') is not None:
        masking = []
        for i, g in enumerate(raw['masking']):
            where = 'san.masking[%d]' % i
            luns, numbers = _lun_refs(g.get('luns'), systems, where)
            masking.append({'name': str(g.get('name') or i),
                            'initiators': _initiators(g.get('initiators'), systems, where),
                            'luns': luns, 'lun_numbers': numbers,
                            'targets': {_wwpn(w, where) for w in g.get('targets', [])}})
    return {'fabrics': fabrics, 'masking': masking}
