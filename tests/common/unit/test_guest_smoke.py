"""First smoke tests of the guest model (full suites in test_guest_*.py)."""

import testtools

from tests.common.unit import guest_fakes
from zvm_sim.core.guest import GuestLinux


class GuestSmokeTest(testtools.TestCase):
    def test_attach_and_reboot_rhel(self):
        """RHEL: online + unit_add + zfcp.conf entry survives a reboot."""
        host = guest_fakes.FakeHost()
        guest = GuestLinux('vm1', 'rhel', '9.2', host)
        guest.power_on()
        rc, out, err = guest.run(guest_fakes.attach_script('1f00', guest_fakes.WWPN1,
                                                           guest_fakes.LUN1, zfcp_conf=True))
        self.assertEqual((0, ''), (rc, err))
        self.assertIn('sda', guest.state()['disks'])
        guest.power_off()
        guest.power_on()
        self.assertEqual({'1f00': {guest_fakes.WWPN1: [guest_fakes.LUN1]}},
                         guest.state()['units'])
