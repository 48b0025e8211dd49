# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.
"""Parsing a 100,000-line zFCP pool listing (target < 0.5 s).

A pool with many LUNs is listed on every capacity report and every
best-fit decision, so parsing must stay cheap. The listing is what
``rinv <hv> --zfcppool <pool> all`` returns through REST v1: one JSON
``info`` string, every line prefixed with ``<node>: `` (zvm.pm
appendHostname). Rows mix the shapes of real pool files: single and
multipath WWPNs, sizes in G/g/M, empty sizes, owners, channels, tags.

Figures: ``parse_pool`` alone on the prefixed lines, and the whole path
from the HTTP body (``parse_reply`` + ``node_lines`` + ``parse_pool``).
The best of ``--repeat`` runs is reported, as timeit does.
"""

import argparse
import gc
import json
import time

from zvm_xcat import parsers

DESCRIPTION = 'parse a 100,000-line pool listing (target < 0.5 s)'
TARGET = 0.5


def make_listing(rows, node='zvm1'):
    lines = ['%s: %s' % (node, parsers.POOL_HEADER)]
    for i in range(rows):
        wwpn = '5005076802%06x' % (i % 4096)
        if i % 5 == 0:
            wwpn += ';5005076803%06x' % (i % 4096)
        lun = '40%02x40%02x%08x' % (i % 256, (i >> 8) % 256, i)
        size = ('%dG' % (1 + i % 100), '%dg' % (1 + i % 50),
                '%dM' % (512 * (1 + i % 8)), '')[i % 4]
        if i % 3 == 0:
            row = 'free,%s,%s,%s,1F00-1F3F,,,' % (wwpn, lun, size)
        elif i % 3 == 1:
            row = 'used,%s,%s,%s,1F00-1F3F,vm%d,1f%02x,' % (
                wwpn, lun, size or '1G', i % 500, i % 64)
        else:
            row = 'reserved,%s,%s,%s,,volume-%08d,,$root_device$' % (
                wwpn, lun, size or '1G', i)
        lines.append('%s: %s' % (node, row))
    return lines


def best_of(repeat, func):
    """Best wall-clock and best CPU time of ``repeat`` runs, and a result.

    The machine may be shared: the CPU time (process_time) shows what the
    parser costs when it is not waiting for a processor.
    """
    walls, cpus = [], []
    result = None
    for _ in range(repeat):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = func()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), result


def main(argv):
    parser = argparse.ArgumentParser(prog='python -m bench parse',
                                     description=DESCRIPTION)
    parser.add_argument('--rows', type=int, default=100000)
    parser.add_argument('--repeat', type=int, default=7)
    args = parser.parse_args(argv)

    lines = make_listing(args.rows)
    body = json.dumps({'data': [{'info': ['\n'.join(lines) + '\n']}]})

    pool_time, pool_cpu, entries = best_of(
        args.repeat, lambda: parsers.parse_pool(lines))
    assert len(entries) == args.rows, len(entries)

    def full_path():
        return parsers.parse_pool(parsers.parse_reply(body).node_lines('zvm1'))

    full_time, full_cpu, entries = best_of(args.repeat, full_path)
    assert len(entries) == args.rows, len(entries)

    print('pool rows:                       %d' % args.rows)
    print('parse_pool (lines -> entries):   %.3f s wall, %.3f s CPU'
          % (pool_time, pool_cpu))
    print('HTTP body -> entries (full):     %.3f s wall, %.3f s CPU'
          % (full_time, full_cpu))
    verdict = 'OK' if full_time < TARGET else 'OVER TARGET'
    print('target < %.1f s (full path):      %s' % (TARGET, verdict))
    return 0 if full_time < TARGET else 1
