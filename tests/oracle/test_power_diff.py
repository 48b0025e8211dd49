"""Differential tests of rpower and lsvm on guests (zvm.pm powerVM, listVM).

- ``GET nodes/<node>/power`` = ``rpower <node> stat`` (zvm_xcat power_state,
  used by nova_volumeops before every guest step): zvm.pm 3581-3588, ``vmcp q
  user`` through sed, so the answer keeps its newline (``vm1: on\\n``);
- ``PUT nodes/<node>/power ["on"|"off"|"softoff"]`` (bench.nova_calls and the
  tests' guest handling): Image_Activate / Image_Deactivate (3456-3464, 3514-3577);
- ``GET vms/<node>`` = ``lsvm <node>`` (nova steps and cinder hostattach read
  the directory's DEDICATE statements): Image_Query_DM without ``*DVHOPT``,
  ``node: `` before every line (4449-4472).

Mismatches this showed and the simulator fixed: the stat answer's newline,
``node: `` before each line of a failed Image_Activate (xCAT puts it once),
Image_Deactivate's line without its newline.
"""

from tests.oracle import base


class TestPower(base.DiffTestCase):

    def power(self, node, action=None):
        if action is None:
            return self.same('GET', 'nodes/%s/power' % node)
        return self.same('PUT', 'nodes/%s/power' % node, action)

    def test_stat(self):
        self.assertEqual(['vm1: on\n'], self.power('vm1')['data'][0]['info'])
        self.assertEqual(['vm4: off\n'], self.power('vm4')['data'][0]['info'])
        self.assertOracleRan('rpower vm1 stat')

    def test_off_on_softoff_twice_each(self):
        for action in ('off', 'off', 'on', 'on', 'softoff', 'softoff', 'on'):
            self.power('vm1', action)
            self.power('vm1')
            self.assertSameGuest('vm1')

    def test_power_on_loads_the_directory(self):
        self.chvm('vm4', '--dedicatedevice 1f02 1f02 0')
        self.power('vm4', 'on')
        self.assertSameGuest('vm4')
        self.assertEqual('1f02', self.oracle.admin.guest('vm4')['active'].get('1f02'))


class TestLsvm(base.DiffTestCase):

    def lsvm(self, node):
        return self.same('GET', 'vms/%s' % node)

    def test_directory_entry(self):
        self.lsvm('vm1')
        self.chvm('vm1', '--dedicatedevice 1f02 1f02 0')
        self.chvm('vm1', '--dedicatedevice 2f02 2f02 0')
        reply = self.lsvm('vm1')
        self.assertEqual(['vm1: USER VM1 NOLOG 2G 4G G\nvm1: DEDICATE 1F02 1F02\n'
                          'vm1: DEDICATE 2F02 2F02\n'], reply['data'][0]['info'])
        self.assertOracleRan('lsvm vm1 ')

    def test_stopped_guest(self):
        self.lsvm('vm4')
