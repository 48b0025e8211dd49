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
"""Issue 12 item 9: the root commands of a real wipe pass the filters that
cinder-zvm-rootwrap-filters makes for the configured FCP devices, and the
same commands fail the filters made for other devices."""

import os

import fixtures
from oslo_rootwrap import wrapper

from cinder import utils as cinder_utils
from cinder_zvm import datapath
from cinder_zvm.hostattach import rootwrap
from tests.cinder.functional import datapath_base as dpb


class RootCommandsTest(dpb.DataPathTestCase):

    def filters(self, devnos):
        d = self.useFixture(fixtures.TempDir()).path
        with open(os.path.join(d, 'cinder-zvm.filters'), 'w') as f:
            f.write(rootwrap.render(devnos))
        return wrapper.load_filters([d])

    def on_real_node(self, cmd):
        """The command as it reads with sysfs at /sys and /dev at /dev."""
        out = []
        for arg in cmd:
            for top in ('sys', 'dev'):
                prefix = os.path.join(self.root, top)
                if arg.startswith(prefix + '/'):
                    arg = '/' + top + arg[len(prefix):]
            out.append(arg)
        return out

    def test_wipe_runs_only_what_the_generated_filters_allow(self):
        ran = []

        def execute(*cmd, **kwargs):
            if kwargs.get('run_as_root'):
                ran.append(self.on_real_node(cmd))
            return cinder_utils.execute(*cmd, **kwargs)

        vol = self.volume(dpb.SMALL_LUNS[0])
        self.write_through_attach(vol, b'data')
        data = datapath.ZVMDataPath(self.backend, execute=execute)
        data.delete_volume(vol)
        self.assertEqual('free', self.row(vol)['status'])
        self.assertZeros(vol)
        # unit_add, unit_remove, the SCSI delete at least
        self.assertGreaterEqual(len([c for c in ran if c[0] == 'tee']), 3)
        ours = self.filters(self.conf.zvm_cinder_node_fcp)
        # dd and multipath are allowed by cinder's own volume.filters
        for cmd in [c for c in ran if c[0] not in ('dd', 'multipath')]:
            self.assertTrue(any(f.match(cmd) for f in ours), cmd)
        others = self.filters(['3f00', '3f01'])
        fcp_bound = [c for c in ran if c[0] == 'tee' and
                     not c[2].startswith('/sys/block/')]
        self.assertNotEqual([], fcp_bound)
        for cmd in fcp_bound:
            self.assertFalse(any(f.match(cmd) for f in others), cmd)
