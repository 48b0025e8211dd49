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
"""cinder's pool lock is the tooz lock nova_volumeops takes.

nova builds the tooz name itself (zvm_xcat.pool_lock.tooz_name), without
cinder's coordination module; this pins that what cinder's COORDINATOR
hands tooz (its ``cinder-`` prefix included, cinder 29
cinder/coordination.py Coordinator.get_lock) is the same bytes.
"""

from unittest import mock

from cinder import coordination

from cinder_zvm import locking
from tests.cinder import cinder_test
from zvm_xcat import pool_lock

SERVER = 'https://xcat.example.com:443/xcatws'


class SharedPoolLockTest(cinder_test.TestCase):
    MOCK_TOOZ = False       # cinder's own get_lock, not its test mock

    def test_cinder_asks_tooz_for_the_name_nova_uses(self):
        scope = locking.scope(SERVER, 'ZVM1')
        with mock.patch.object(coordination.COORDINATOR,
                               'coordinator') as tooz:
            locking.pool_lock(scope, 'Gold', 300)
        tooz.get_lock.assert_called_once_with(
            pool_lock.tooz_name(SERVER, 'ZVM1', 'Gold'))

    def test_prefix_is_cinders(self):
        self.assertEqual(coordination.COORDINATOR.prefix,
                         pool_lock.CINDER_PREFIX)
