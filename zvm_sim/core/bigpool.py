"""Big pools for benchmarks: generated pool entries instead of listed ones.

A topology pool may be given as a generator spec instead of a list::

  pools:
    bulk: {generate: {count: 100000, sizes: [1G, 2G, 5G, 10G, 20G],
                      wwpns: [500507680b21bac6, "500507680b21bac6;500507680b22bac6"],
                      lun_base: "4100000000000000", range: 1f00-1f0f}}

Entries cycle through ``sizes`` and ``wwpns`` and take consecutive 64-bit LUNs
from ``lun_base`` (stepping the second 16-bit level, as storage arrays number
them), all free.  ``python -m zvm_sim.core.bigpool N > topo.yaml`` writes
the default topology with an extra pool ``bulk`` of N LUNs on zvm1.
"""

import sys

import yaml

from zvm_sim.core import topologies


DEFAULT_SIZES = ('1G', '2G', '5G', '10G', '20G', '512M')


def entries(count, sizes=DEFAULT_SIZES, wwpns=('500507680b21bac6',),
            lun_base='4100000000000000', range_=''):
    """The generated pool entries (dicts in the topology's pool entry form)."""
    base = int(lun_base, 16)
    out = []
    for i in range(int(count)):
        lun = base + ((i // 0x10000) << 48) + ((i % 0x10000) << 32)
        out.append({'status': 'free', 'wwpn': wwpns[i % len(wwpns)],
                    'lun': '%016x' % (lun & 0xffffffffffffffff),
                    'size': sizes[i % len(sizes)], 'range': range_})
    return out


def expand(spec):
    """Entries for a ``{generate: {...}}`` pool spec."""
    gen = spec['generate']
    return entries(gen.get('count', 1000), tuple(gen.get('sizes') or DEFAULT_SIZES),
                   tuple(gen.get('wwpns') or ('500507680b21bac6',)),
                   str(gen.get('lun_base', '4100000000000000')), str(gen.get('range', '')))


def big_topology(count, pool='bulk', hypervisor='zvm1'):
    """The default topology plus a generated pool (kept as a spec, so it stays small)."""
    with open(topologies.DEFAULT, encoding='utf-8') as f:
        raw = yaml.safe_load(f)
    for system in raw['systems']:
        if system['hypervisor'] == hypervisor:
            system['pools'][pool] = {'generate': {'count': count, 'range': '1f00-1f0f'}}
    return raw


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    count = int(argv[0]) if argv else 100000
    yaml.safe_dump(big_topology(count), sys.stdout, default_flow_style=None)
    return 0


if __name__ == '__main__':
    sys.exit(main())
