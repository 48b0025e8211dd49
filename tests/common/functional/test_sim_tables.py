"""Tables and other read-only resources (zvmxcatws.cgi tablesHandler, nodesHandler)."""

from tests.common.functional import simbase


class TestTables(simbase.SimTestCase):

    def test_gettab_one_attribute(self):
        """gettab node=vm1 zvm.hcp: one data string with the value."""
        data = self.get('tables/zvm', col='node', value='vm1', attribute='hcp')
        self.assertEqual(['zhcp1'], [d for m in data for d in m.get('data', [])])

    def test_gettab_several_attributes(self):
        data = self.get('tables/zvm', col='node', value='vm21', attribute=['hcp', 'userid'])
        self.assertEqual(['zvm.hcp: zhcp2', 'zvm.userid: VM21'],
                         [d for m in data for d in m.get('data', [])])

    def test_tabdump_and_tabch(self):
        data = self.put('tables/zvm', 'node=vmx zvm.hcp=zhcp1 zvm.userid=VMX')
        self.assertEqual([], data)
        rows = [d for m in self.get('tables/zvm') for d in m.get('data', [])]
        self.assertEqual('#node,hcp,userid,nodetype,parent,comments,disable', rows[0])
        self.assertIn('"vmx","zhcp1","VMX",,,,', rows)
        data = self.chvm('vmx', '--dedicatedevice 1f03 1f03 0')
        self.assertEqual(['vmx: (Error) Missing node HCP'], self.errors(data))

    def test_nodestat(self):
        data = self.get('nodes/vm1/status')
        self.assertEqual(['vm1: sshd'], [d for m in data for d in m.get('data', [])])

    def test_guest_inventory_and_lsvm(self):
        self.chvm('vm1', '--dedicatedevice 1f03 1f03 0')
        info = self.infos(self.get('vms/vm1'))[0]
        self.assertIn('vm1: DEDICATE 1F03 1F03\n', info)

    def test_lsvm_on_hypervisor_forwards_to_inventory(self):
        info = self.infos(self.get('vms/zvm1'))
        self.assertEqual(['zvm1: z/VM Host: ZVM1\nzvm1: zHCP: zhcp1\n'], info)
