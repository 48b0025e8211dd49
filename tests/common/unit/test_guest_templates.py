"""The contract with nova's guest scripts: the model runs every template.

nova_volumeops.scripts renders the per-distro attach/link/rescan/detach
scripts (it imports jinja2 only, not nova); each must run with rc 0 in a
guest of its distro and leave the state the script promises, including
after a reboot.
"""

import sys

import ddt
import testtools

from tests.common.unit import guest_fakes as gf
from zvm_sim.core.guest import GuestLinux

try:
    from nova_volumeops import scripts
except ImportError:      # the nova side is not installed
    scripts = None

DISTROS = (('rhel', '8.8'), ('rhel', '9.2'), ('sles', '12.5'), ('sles', '15.4'),
           ('ubuntu', '22.04'))


@ddt.ddt
class TemplatesTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        if scripts is None:
            self.skipTest('nova_volumeops.scripts not importable')
        self.assertNotIn('nova', sys.modules)

    def attach(self, distro, version, fcps, wwpns):
        family = scripts.resolve_distro(distro, version)
        spec = scripts.VolumeSpec(fcps=fcps, wwpns=wwpns, lun=gf.LUN1, mountpoint='/dev/vdb')
        guest = GuestLinux('vm1', distro, version, gf.FakeHost())
        guest.power_on()
        rc, out, err = guest.run(scripts.render_attach(family, spec))
        self.assertEqual(0, rc, err)
        map_info = None
        if spec.multipath:
            units = scripts.parse_lszfcp_units(out.splitlines())
            map_info = scripts.parse_multipath_map(out.splitlines(), units.values())
            self.assertIsNotNone(map_info, out)
            rc, _, err = guest.run(scripts.render_link(family, spec, *map_info))
            self.assertEqual(0, rc, err)
        return guest, family, spec, map_info

    @ddt.idata(DISTROS)
    @ddt.unpack
    def test_single_path(self, distro, version):
        guest, family, spec, _ = self.attach(distro, version, ('1f00',), (gf.WWPN1,))
        self.assertEqual({'/dev/vdb': 'sda'}, guest.state()['mountpoints'])
        guest.power_off()
        guest.power_on()
        state = guest.state()
        self.assertEqual({'1f00': {gf.WWPN1: [gf.LUN1]}}, state['units'])
        self.assertEqual({'/dev/vdb': 'sda'}, state['mountpoints'])
        rc, _, err = guest.run(scripts.render_detach(family, spec, offline_fcps=('1f00',)))
        self.assertEqual(0, rc, err)
        guest.power_off()
        guest.power_on()
        state = guest.state()
        self.assertEqual(({}, {}, []), (state['units'], state['mountpoints'],
                                        state['online_fcp']))

    @ddt.idata(DISTROS)
    @ddt.unpack
    def test_multipath(self, distro, version):
        guest, family, spec, map_info = self.attach(distro, version, ('1f00', '2f00'),
                                                    (gf.WWPN1, gf.WWPN2))
        state = guest.state()
        self.assertEqual(4, len(state['multipath'][map_info[0]]['paths']))
        self.assertEqual({'/dev/vdb': 'dm-0'}, state['mountpoints'])
        hctls = [d['hctl'] for d in state['disks'].values()]
        rc, _, err = guest.run(scripts.render_rescan(hctls, map_info[0]))
        self.assertEqual(0, rc, err)
        guest.power_off()
        guest.power_on()
        self.assertEqual({'/dev/vdb': 'dm-0'}, guest.state()['mountpoints'])
        rc, _, err = guest.run(scripts.render_detach(family, spec, map_name=map_info[0],
                                                     offline_fcps=('1f00', '2f00')))
        self.assertEqual(0, rc, err)
        state = guest.state()
        self.assertEqual(({}, {}, {}), (state['units'], state['multipath'],
                                        state['mountpoints']))

    def test_a_wwid_that_is_not_plain_text_never_enters_a_rule(self):
        """Only a plain WWID enters the multipath link rule.

        The rule is built from the LUN's ID_SERIAL in the guest; one with a
        quote could add keys (RUN+=) to a udev rule.
        """
        if scripts is None:
            self.skipTest('nova_volumeops.scripts not importable')
        host = gf.FakeHost()
        host.lun_wwid = lambda wwpn, lun: '3600", RUN+="/bin/evil'
        family = scripts.resolve_distro('rhel', '9.2')
        spec = scripts.VolumeSpec(fcps=('1f00', '2f00'), wwpns=(gf.WWPN1,),
                                  lun=gf.LUN1, mountpoint='/dev/vdb')
        guest = GuestLinux('vm1', 'rhel', '9.2', host)
        guest.power_on()
        rc, out, _ = guest.run(scripts.render_attach(family, spec))
        self.assertNotEqual(0, rc)
        self.assertIn('nova_volumeops step: link /dev/vdb to the multipath '
                      'map', out.splitlines()[-1])
        rules = guest.store.files.get('/etc/udev/rules.d/56-zfcp.rules', '')
        self.assertNotIn('evil', rules)
