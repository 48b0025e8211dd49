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
"""Which migration targets are ours (cinder_zvm.migration, no I/O)."""

import ddt

from cinder_zvm import migration
from tests.cinder import cinder_test

URL = 'https://xcat.example.com:443/xcatws'
OURS = migration.location_info(URL, 'zvm1')


def host(name, info):
    return {'host': name, 'capabilities': {'location_info': info}}


@ddt.ddt
class TargetPoolTestCase(cinder_test.TestCase):

    def test_location_info_names_system_and_server(self):
        self.assertEqual('ZVMFCPDriver:zvm1@' + URL, OURS)

    @ddt.data('c@zvm1#silver', 'c@other-section#silver', 'elsewhere@b#silver')
    def test_pool_of_our_system_whatever_the_backend_section(self, name):
        self.assertEqual('silver', migration.target_pool(OURS, host(name, OURS)))

    @ddt.data(migration.location_info(URL, 'zvm2'),                 # other system
              migration.location_info('https://xcat2:443/xcatws', 'zvm1'),
              'LVMVolumeDriver:node:vg:default:0',                   # other driver
              None)
    def test_not_ours(self, info):
        self.assertIsNone(migration.target_pool(OURS, host('c@zvm1#silver', info)))

    def test_no_capabilities_is_not_ours(self):
        self.assertIsNone(migration.target_pool(OURS, {'host': 'c@zvm1#gold'}))

    def test_target_without_pool_is_not_ours(self):
        self.assertIsNone(migration.target_pool(OURS, host('c@zvm1', OURS)))

    def test_describe_target(self):
        self.assertEqual('z/VM system zvm2@' + URL, migration.describe_target(
            host('c@zvm2#fast', migration.location_info(URL, 'zvm2'))))
        self.assertIn('another driver', migration.describe_target(
            host('c@lvm#lvm', 'LVMVolumeDriver:node:vg:default:0')))
