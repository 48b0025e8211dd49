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
"""lifecycle's pure parts: which connections are ours, the re-add arguments."""

import testtools

from nova_volumeops import connection
from nova_volumeops import lifecycle
from nova_volumeops import validate
from zvm_xcat import exception as xexc

TARGET = connection.Target('v1', ('500507680b21bac6', '500507680b22bac6'),
                           '4001400500000000', 'gold', '1G', ('1f00',))


class TestLifecycleRules(testtools.TestCase):

    def test_connection_of_another_zvm_is_refused(self):
        ci = {'data': {'zvm_hypervisor': 'ZVM2'}}
        e = self.assertRaises(validate.InvalidInput,
                              lifecycle.check_hypervisor, ci, 'zvm1')
        self.assertIn('zvm_hypervisor', str(e))
        self.assertIn('zvm1', str(e))

    def test_own_or_unnamed_zvm_is_accepted(self):
        lifecycle.check_hypervisor({'data': {'zvm_hypervisor': 'ZVM1'}}, 'zvm1')
        lifecycle.check_hypervisor({'data': {}}, 'zvm1')
        lifecycle.check_hypervisor(None, 'zvm1')

    def test_readd_keeps_size_and_range_without_owner(self):
        self.assertEqual(
            ['--addzfcp2pool', 'gold', 'reserved',
             '500507680b21bac6;500507680b22bac6', '4001400500000000', '512M',
             '1f00-1f0f;2f00-2f0f;3f00'],
            lifecycle._add_args(TARGET, {'size': '512M',
                                         'range': '1f00-1f0f;2f00-2f0f;3f00'}))

    def test_readd_of_a_row_without_size_or_range(self):
        self.assertEqual(['--addzfcp2pool', 'gold', 'reserved',
                          '500507680b21bac6;500507680b22bac6',
                          '4001400500000000', '0M'],
                         lifecycle._add_args(TARGET, {'size': 'M', 'range': ''}))

    def test_a_range_that_is_not_one_argument_is_refused(self):
        self.assertRaises(xexc.XCATInvalidArgument, lifecycle._add_args,
                          TARGET, {'size': '1G', 'range': '1f00 2f00'})
