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
"""A nova-compute stand-in process that attaches one volume (then is killed).

Used by test_rollback.TestKilledProcess: argv[1] is JSON with the
simulator URL and credentials, the state file, the guest and the
connection_info.
"""

import json
import sys

from nova_volumeops import connection
from nova_volumeops import fcp_state
from nova_volumeops import volumeops
from zvm_xcat import client as xclient


def main(argv):
    req = json.loads(argv[1])
    client = xclient.XCATClient(req['url'], req['username'], req['password'])
    ops = volumeops.VolumeOps(client, fcp_state.FcpStateStore(req['state_file']),
                              'zvm1', req['fcp_list'], 'compute1')
    guest = connection.Guest(*req['guest'])
    print(ops.attach(guest, req['connection_info'], req['mountpoint']))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
