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
"""xCAT requests per nova volume operation, from the simulator's call log.

Every xCAT request is a round trip to the management node and usually an
SMAPI or ssh call behind it, so the count per attach/detach is the cost
that matters on a real z/VM system. Scenarios (2 FCP paths, one target
WWPN, so the guest sees a 2-path multipath map):

- connector: first call (allocates FCPs) and a repeated call;
- running guest: first volume, second volume on the same FCPs, detach
  of a volume that is not the last, detach of the last;
- stopped guest: first volume (pending-boot), detach of the last.

Targets (exit 1 when exceeded; tests/nova/functional/test_bench_calls.py
pins them): a running multipath attach is the dedications, the pool
reservation and its read-back (xCAT can answer "Done" and write nothing,
steps.StepRunner._pool_use) and ONE guest script (configure, persist,
link): 5 for the first volume, 3 for the next. nova says the instance
runs (its power_state), so no power query: a wrong hint is caught by the
script and redone for the next boot (VolumeOps.attach). A running detach
is the power query, one guest script, the pool return and the
undedications. The stopped guest (nova does not say running) is asked.
"""

import argparse
import collections
import json
import os
import tempfile
import time

from nova_volumeops import connection
from nova_volumeops import fcp_state
from nova_volumeops import volumeops
from zvm_sim.fixture import SimulatorFixture
from zvm_xcat import client as xclient
from zvm_xcat import zfcp

DESCRIPTION = 'xCAT calls per nova attach/detach (running, stopped)'
TARGETS = {'attach running, first volume': 5,
           'attach running, second volume': 3,
           'detach running, not last': 3,
           'detach running, last volume': 5,
           'attach stopped, first volume': 7,
           'verify after boot': 3,
           'detach stopped, last volume': 6}

_WWPN = '500507680b21bac6'
# Volume ids are UUIDs (nova_volumeops refuses anything else).
VOLUMES = ['0000000%d-0000-4000-8000-00000000000%d' % (n, n) for n in (1, 2, 3)]
TOPOLOGY = {
    'users': {'admin': 'passw0rd'}, 'xcat_node': 'xcat',
    'systems': [{
        'hypervisor': 'zvm1', 'zhcp': 'zhcp1', 'zhcp_userid': 'ZHCP',
        'fcp_devices': [
            {'devno': '1f0%d' % i, 'chpid': '27', 'physical_wwpn': 'c05076ffe5005611',
             'npiv_wwpn': 'c05076ffe500561%d' % (2 + i)} for i in range(4)] + [
            {'devno': '2f0%d' % i, 'chpid': '3a', 'physical_wwpn': 'c05076ffe5007711',
             'npiv_wwpn': 'c05076ffe500771%d' % (2 + i)} for i in range(4)],
        'pools': {'gold': [
            {'status': 'free', 'wwpn': _WWPN, 'lun': '40014%03x00000000' % i,
             'size': '1G', 'range': '1f00-1f0f;2f00-2f0f'} for i in range(8)]},
        'guests': [
            {'node': 'vm1', 'userid': 'VM1', 'distro': 'rhel', 'version': '9.2',
             'power': 'on', 'reachable': True},
            {'node': 'vm2', 'userid': 'VM2', 'distro': 'sles', 'version': '15.4',
             'power': 'off', 'reachable': True}],
    }],
}


class _Bench:
    def __init__(self, sim, workdir):
        self.sim = sim
        self.client = xclient.XCATClient(sim.url, sim.username, sim.password)
        self.ops = volumeops.VolumeOps(
            self.client, fcp_state.FcpStateStore(os.path.join(workdir, 's.json')),
            'zvm1', '1f00-1f03;2f00-2f03', 'compute1')
        self.rows = []

    def measure(self, label, fn, *args):
        self.sim.admin.clear_calls()
        started = time.monotonic()
        result = fn(*args)
        elapsed = time.monotonic() - started
        calls = self.sim.admin.calls()
        kinds = collections.Counter(
            '%s %s' % (c['command'], c['option'] or '') for c in calls)
        self.rows.append({'operation': label, 'calls': len(calls),
                          'by_kind': dict(sorted(kinds.items())),
                          'seconds': round(elapsed, 3)})
        return result

    def connection_info(self, guest, conn, vid, index):
        lun = '40014%03x00000000' % index
        zfcp.reserve(self.client, 'zvm1', 'gold', 'reserved', 'volume-' + vid,
                     conn['zvm_fcp'], wwpns=[_WWPN], lun=lun)
        return {'driver_volume_type': 'fibre_channel',
                'data': {'target_wwn': [_WWPN], 'zvm_fcp_lun': lun,
                         'zvm_pool': 'gold', 'zvm_fcp': conn['zvm_fcp'],
                         'zvm_lun_size': '1G', 'volume_id': vid}}

    def run(self):
        vm1 = connection.Guest('u1', 'vm1', 'VM1', 'rhel', '9.2',
                               nova_running=True)
        vm2 = connection.Guest('u2', 'vm2', 'VM2', 'sles', '15.4')
        conn = self.measure('connector, first call', self.ops.get_connector, vm1)
        self.measure('connector, repeated', self.ops.get_connector, vm1)
        ci1 = self.connection_info(vm1, conn, VOLUMES[0], 0)
        ci2 = self.connection_info(vm1, conn, VOLUMES[1], 1)
        self.measure('attach running, first volume', self.ops.attach, vm1, ci1,
                     '/dev/vdb')
        self.measure('attach running, second volume', self.ops.attach, vm1,
                     ci2, '/dev/vdc')
        self.measure('detach running, not last', self.ops.detach, vm1, ci1,
                     '/dev/vdb')
        self.measure('detach running, last volume', self.ops.detach, vm1, ci2,
                     '/dev/vdc')
        conn2 = self.ops.get_connector(vm2)
        ci3 = self.connection_info(vm2, conn2, VOLUMES[2], 2)
        self.measure('attach stopped, first volume', self.ops.attach, vm2, ci3,
                     '/dev/vdb')
        self.client.power('vm2', 'on')
        self.measure('verify after boot', self.ops.verify, vm2)
        self.client.power('vm2', 'off')
        self.measure('detach stopped, last volume', self.ops.detach, vm2, ci3,
                     '/dev/vdb')
        return self.rows


def measure():
    """Run the scenarios on a fresh simulator; one row per operation."""
    with tempfile.TemporaryDirectory() as workdir:
        sim = SimulatorFixture(topology=TOPOLOGY, state_dir=workdir)
        sim.setUp()
        try:
            return _Bench(sim, workdir).run()
        finally:
            sim.cleanUp()


def main(argv):
    parser = argparse.ArgumentParser(prog='python -m bench nova_calls',
                                     description=DESCRIPTION)
    parser.add_argument('--json', action='store_true', help='JSON output')
    args = parser.parse_args(argv)
    rows = measure()
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        print('%-34s %5s  %s' % ('operation', 'calls', 'requests'))
        for row in rows:
            print('%-34s %5d  %s' % (row['operation'], row['calls'], ', '.join(
                '%s x%d' % (k.strip(), n) for k, n in row['by_kind'].items())))
    status = 0
    for row in rows:
        target = TARGETS.get(row['operation'])
        if target is not None and row['calls'] > target:
            print('OVER TARGET: %s: %d > %d' % (row['operation'], row['calls'],
                                                target))
            status = 1
    return status
