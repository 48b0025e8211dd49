"""nova's pool step on xcat-core's own zvm.pm (../shared/realxcat).

The attach marks the pool row ``used`` with ``chhypervisor --reservezfcp
... used <node> <fcps> <size> <wwpn> <lun>``. Sent with the whole
``w1;w2`` list, findzFcpDeviceAttr's grep splits at the ``;`` and exits
127 (zvmUtils.pm 4214): the row is never marked. The step names the row
by its last WWPN and reads the pool back. Skipped with one line when
../shared is absent.
"""

import testtools

from nova_volumeops import connection
from nova_volumeops import scripts
from nova_volumeops import steps
from tests.common import realxcat
from zvm_xcat import client as xcat_client
from zvm_xcat import exception as xexc

W1 = '500507680b21bac6'
W2 = '500507680b22bac6'
RANGE = '1f00-1f0f;2f00-2f0f'
LUN = '4001401100000000'
LUN_CLASH = '4001401200000000'


class RealXCATPoolStepTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        realxcat.skip_unless_available(self)
        self.xcat = self.useFixture(realxcat.RealXCATFixture({'gold': [
            'reserved,%s;%s,%s,4G,%s,volume-v1,auto,' % (W1, W2, LUN, RANGE),
            'reserved,%s,%s,2G,%s,volume-v2,auto,' % (W1, LUN_CLASH, RANGE),
            'free,%s,%s,2G,%s,,,' % (W2, LUN_CLASH, RANGE)]}))
        self.client = xcat_client.XCATClient(
            self.xcat.url, self.xcat.username, self.xcat.password,
            read_timeout=60, retries=0)
        self.addCleanup(self.client.close)
        self.runner = steps.StepRunner(self.client, 'zvm1', 60)

    def op(self, wwpns, lun):
        guest = connection.Guest('u1', 'vm1', 'VM1')
        target = connection.Target('v1', tuple(wwpns), lun, 'gold', '0M',
                                   ('1f00', '2f00'))
        spec = scripts.VolumeSpec(('1f00', '2f00'), tuple(wwpns), lun,
                                  '/dev/vdb')
        return steps.new_op('attach', guest, target, spec,
                            scripts.Distro('rhel', '9.2', 'rhel9'), True)

    def test_multipath_row_marked_used(self):
        self.runner.do(self.op((W1, W2), LUN), {'name': 'pool'})
        self.assertIn('used,%s;%s,%s,4G,%s,vm1,1f00;2f00,'
                      % (W1, W2, LUN, RANGE), self.xcat.rows('gold'))

    def test_unwritten_marking_is_an_error_naming_the_rows(self):
        """zvmUtils.pm ~3928: the LUN is on two rows; xCAT says Done."""
        exc = self.assertRaises(xexc.XCATCommandError, self.runner.do,
                                self.op((W1,), LUN_CLASH), {'name': 'pool'})
        self.assertIn('LUN %s is on 2 rows' % LUN_CLASH, str(exc))
        self.assertIn('reserved,%s,%s,2G,%s,volume-v2,auto,'
                      % (W1, LUN_CLASH, RANGE), self.xcat.rows('gold'))
