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
"""cinder-zvm-quarantine: arguments, output and exit status."""

import io
from unittest import mock

import testtools

from cinder_zvm import location
from cinder_zvm import quarantine
from cinder_zvm import quarantine_cli
from zvm_xcat import parsers

W = '500507680b21bac6'


def _item(lun, object_id):
    entry = parsers.PoolEntry('reserved', (W,), lun, 32 << 20, '',
                              'wipe-' + object_id, '', '', '')
    return quarantine.QuarantinedLun(
        location.LunLocation('zvm1', 'gold', (W,), lun), entry, object_id)


class CliTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.data = mock.Mock()
        load = mock.patch.object(quarantine_cli, 'load',
                                 return_value=(mock.Mock(), self.data))
        self.load = load.start()
        self.addCleanup(load.stop)
        stop = mock.patch('cinder.coordination.COORDINATOR')
        stop.start()
        self.addCleanup(stop.stop)

    def run_cli(self, *args):
        out = io.StringIO()
        rc = quarantine_cli.main(['--config-file', 'c.conf', '--backend',
                                  'zvm1'] + list(args), out=out)
        return rc, out.getvalue()

    def test_list(self):
        self.data.list_quarantined.return_value = [
            _item('4001400500000000', 'v1')]
        rc, out = self.run_cli('list')
        self.assertEqual(0, rc)
        self.assertIn('gold', out)
        self.assertIn('4001400500000000', out)
        self.assertIn('32M', out)
        self.assertIn('v1', out)
        self.assertIn('1 quarantined LUN(s)', out)
        self.load.assert_called_once_with(['c.conf'], 'zvm1')

    def test_clean_exit_status_says_whether_any_is_left(self):
        self.data.clean_quarantined.return_value = [
            (_item('4001400500000000', 'v1'), True),
            (_item('4001400600000000', 'v2'), False)]
        rc, out = self.run_cli('clean', '--id', 'v1', '--id', 'v2')
        self.assertEqual(1, rc)
        self.data.clean_quarantined.assert_called_once_with(['v1', 'v2'])
        self.assertIn('1 freed, 1 still quarantined', out)
        self.data.clean_quarantined.return_value = []
        self.assertEqual(0, self.run_cli('clean')[0])
        self.data.clean_quarantined.assert_called_with(None)

    def test_setup_error_is_status_2(self):
        self.load.side_effect = RuntimeError('xCAT unreachable')
        self.assertEqual(2, self.run_cli('list')[0])

    def test_usage(self):
        self.assertRaises(SystemExit, quarantine_cli.main, ['list'])
        self.assertRaises(SystemExit, quarantine_cli.main,
                          ['--config-file', 'c', '--backend', 'b', 'wipe'])
