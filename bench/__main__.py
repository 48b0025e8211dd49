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
"""``python -m bench [name|all] [args...]``."""

import subprocess
import sys

import bench


def main(argv):
    benchmarks = bench.discover()
    if not argv or argv[0] in ('-h', '--help', 'list'):
        print('usage: python -m bench <name>|all [args...]\n')
        for name, module in sorted(benchmarks.items()):
            print('  %-16s %s' % (name, getattr(module, 'DESCRIPTION', '')))
        return 0
    name, rest = argv[0], argv[1:]
    if name == 'all':
        # Each benchmark in its own process: cinder and nova cannot be
        # imported in one, and cinder's eventlet monkey patching would
        # change the runtime under the benchmarks that follow it.
        status = 0
        for bname in sorted(benchmarks):
            print('== %s' % bname, flush=True)
            status |= subprocess.call([sys.executable, '-m', 'bench', bname] + rest) != 0
        return int(status)
    if name not in benchmarks:
        print('unknown benchmark %r; known: %s'
              % (name, ', '.join(sorted(benchmarks))), file=sys.stderr)
        return 2
    return benchmarks[name].main(rest)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
