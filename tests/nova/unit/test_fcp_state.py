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

import json
import os

import fixtures
import testtools

from nova_volumeops import fcp_state


class TestStore(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.path = os.path.join(self.dir, 'sub', 'fcp_state.json')

    def test_survives_a_new_store(self):
        store = fcp_state.FcpStateStore(self.path)
        with store.transaction() as st:
            inst = fcp_state.new_instance('vm1', 'VM1')
            inst['fcps'] = ['1f00', '2f00']
            st['instances']['u1'] = inst
        again = fcp_state.FcpStateStore(self.path).read()
        self.assertEqual(['1f00', '2f00'], again['instances']['u1']['fcps'])
        self.assertEqual([], [n for n in os.listdir(os.path.dirname(self.path))
                              if n.startswith('.fcp_state.')])

    def test_failed_transaction_writes_nothing(self):
        store = fcp_state.FcpStateStore(self.path)

        def boom():
            with store.transaction() as st:
                st['instances']['u1'] = fcp_state.new_instance('vm1', 'VM1')
                raise RuntimeError('x')
        self.assertRaises(RuntimeError, boom)
        self.assertFalse(os.path.exists(self.path))
        self.assertEqual({}, store.read()['instances'])

    def test_corrupt_file_is_moved_aside(self):
        os.makedirs(os.path.dirname(self.path))
        with open(self.path, 'w') as f:
            f.write('{not json')
        store = fcp_state.FcpStateStore(self.path)
        self.assertEqual({}, store.read()['instances'])
        aside = [n for n in os.listdir(os.path.dirname(self.path))
                 if '.corrupt-' in n]
        self.assertEqual(1, len(aside))

    def test_unknown_version_refused(self):
        os.makedirs(os.path.dirname(self.path))
        with open(self.path, 'w') as f:
            json.dump({'version': 99}, f)
        self.assertRaises(fcp_state.StateError,
                          fcp_state.FcpStateStore(self.path).read)


class TestHelpers(testtools.TestCase):

    def state(self):
        st = fcp_state.empty_state()
        a = fcp_state.new_instance('vm1', 'VM1')
        a['fcps'] = ['1f00', '2f00']
        a['reserved_until'] = 100.0
        b = fcp_state.new_instance('vm2', 'VM2')
        b['fcps'] = ['1f01']
        b['volumes'] = {'v1': {'fcps': ['1f01'], 'state': 'attached'}}
        st['instances'] = {'a': a, 'b': b}
        return st

    def test_busy_until_expiry(self):
        st = self.state()
        self.assertEqual({'1f00': 'a', '2f00': 'a', '1f01': 'b'},
                         fcp_state.busy_devnos(st, now=99))
        self.assertEqual({'1f01': 'b'}, fcp_state.busy_devnos(st, now=100))
        self.assertEqual({'1f00': 'a', '2f00': 'a'},
                         fcp_state.busy_devnos(st, now=0, exclude='b'))

    def test_drop_expired(self):
        st = self.state()
        self.assertEqual(['a'], fcp_state.drop_expired(st, now=200))
        self.assertEqual(['b'], list(st['instances']))

    def test_dedication_or_op_keeps_fcps(self):
        st = self.state()
        st['instances']['a']['dedicated'] = ['1f00']
        self.assertIn('1f00', fcp_state.busy_devnos(st, now=1000))
        st['instances']['a']['dedicated'] = []
        st['instances']['a']['ops'] = {'v9': {'kind': 'attach', 'steps': []}}
        self.assertIn('2f00', fcp_state.busy_devnos(st, now=1000))

    def test_volumes_on_fcp(self):
        inst = self.state()['instances']['b']
        self.assertEqual(['v1'], fcp_state.volumes_on_fcp(inst, '1f01'))
        self.assertEqual([], fcp_state.volumes_on_fcp(inst, '1f01', 'v1'))
