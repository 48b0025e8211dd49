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
"""Guest scripts: golden files, shellcheck, the guest shell subset.

Regenerate the golden files after an intended template change with
``NOVA_VOLUMEOPS_REGEN_GOLDEN=1`` and review the diff.
"""

import os
import re
import shlex
import shutil
import subprocess

import ddt
import testtools

from nova_volumeops import scripts
from nova_volumeops import validate

GOLDEN = os.path.join(os.path.dirname(__file__), 'golden')
REGEN = os.environ.get('NOVA_VOLUMEOPS_REGEN_GOLDEN') == '1'

DISTROS = {'rhel8': ('rhel', '8.6'), 'rhel9': ('rhel', '9.2'),
           'sles12': ('sles', '12.5'), 'sles15': ('sles', '15.4'),
           'ubuntu': ('ubuntu', '22.04')}
MULTI = scripts.VolumeSpec(('1f00', '2f00'), ('500507680b21bac6',),
                           '4001400500000000', '/dev/vdb')
SINGLE = scripts.VolumeSpec(('1f00',), ('500507680b21bac6',),
                            '4001400500000000', '/dev/sdc')
WWID = '36005076802810d2c1800000000000041'
# LUN 1: systemd's by-path name is ...-lun-1 on Ubuntu.
SMALL = scripts.VolumeSpec(('1f00',), ('500507680b21bac6',),
                           '0001000000000000', '/dev/vdd')

# The guest shell subset of doc/source/contributor/internals.rst.
ALLOWED = {'cio_ignore', 'chccwdev', 'echo', 'cat', 'grep', 'sed', 'rm', 'ln',
           'mkdir', 'test', '[', 'true', 'false', 'sleep', 'lszfcp', 'chzdev',
           'zfcp_host_configure', 'zfcp_disk_configure', 'multipath',
           'multipathd', 'udevadm', 'set', 'exit'}
# The one pipeline of the templates: the WWID of a multipath LUN, read by
# the guest from the first path that has a disk (templates/_common.sh.j2
# multipath_link), one guarded line per path.
PIPELINE_START = 'udevadm info --query=property --name=/dev/disk/by-path/'


def cases():
    for key, (distro, version) in DISTROS.items():
        d = scripts.resolve_distro(distro, version)
        yield key + '-attach-multipath', scripts.render_attach(d, MULTI)
        yield key + '-attach-single', scripts.render_attach(d, SINGLE)
        yield key + '-detach-multipath', scripts.render_detach(
            d, MULTI, map_name='mpatha', offline_fcps=('1f00', '2f00'))
        yield key + '-detach-single', scripts.render_detach(d, SINGLE)
        yield key + '-unpersist', scripts.render_unpersist(d, MULTI)
    d = scripts.resolve_distro('rhel', '9')
    yield 'link-multipath', scripts.render_link(d, MULTI, 'mpatha', WWID)
    d = scripts.resolve_distro('ubuntu', '22.04')
    yield 'link-single', scripts.render_link_single(d, SMALL)


CASES = dict(cases())


def commands(script):
    """First word of every simple command of a script in the subset."""
    for line in script.splitlines():
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        for part in re.split(r'\|\||&&|;', line):
            words = shlex.split(part, comments=True)
            if words:
                yield words[0]


@ddt.ddt
class TestGolden(testtools.TestCase):

    @ddt.data(*sorted(CASES))
    def test_golden(self, name):
        path = os.path.join(GOLDEN, name + '.sh')
        if REGEN:
            with open(path, 'w') as f:
                f.write(CASES[name])
        with open(path) as f:
            self.assertEqual(f.read(), CASES[name])

    @ddt.data(*sorted(CASES))
    def test_within_guest_shell_subset(self, name):
        script = CASES[name]
        self.assertTrue(script.startswith('#!/bin/bash\n'))
        self.assertNotIn('$', script)
        self.assertNotIn('`', script)
        without_pipeline = '\n'.join(
            line for line in script.splitlines()
            if PIPELINE_START not in line)
        self.assertNotRegex(without_pipeline, r'(?<![|])\|(?![|])')
        # xdsh appends its status echo to the last line: a command.
        self.assertFalse(script.endswith('\n'))
        self.assertRegex(script.splitlines()[-1],
                         r"^echo 'nova_volumeops done: [a-z]+( 0x[0-9a-f]{16})?'$")
        for cmd in commands(script):
            self.assertIn(cmd, ALLOWED, '%s uses %s' % (name, cmd))

    @ddt.data(*sorted(CASES))
    def test_shellcheck(self, name):
        if shutil.which('shellcheck') is None:
            self.skipTest('shellcheck not installed')
        proc = subprocess.run(['shellcheck', '-s', 'bash', '-'],
                              input=CASES[name], capture_output=True,
                              text=True, timeout=60)
        self.assertEqual(0, proc.returncode, proc.stdout + proc.stderr)


class TestContent(testtools.TestCase):

    def test_never_a_global_flush(self):
        for name, script in CASES.items():
            self.assertNotIn('multipath -F', script, name)
        self.assertIn('multipath -f mpatha', CASES['rhel9-detach-multipath'])

    def test_exact_64_bit_lun_everywhere(self):
        for name, script in CASES.items():
            for m in re.finditer(r'0x([0-9a-f]+)', script):
                if m.group(1).startswith('4001'):
                    self.assertEqual('4001400500000000', m.group(1), name)

    def test_persistence_per_distro(self):
        # RHEL: /etc/zfcp.conf, the form setupDisk's removeScsiVolume and
        # --removezfcp remove (xcat-core setupDisk 484-486).
        self.assertIn(">> /etc/zfcp.conf", CASES['rhel8-attach-multipath'])
        self.assertIn("echo '0.0.2f00 0x500507680b21bac6 0x4001400500000000'"
                      " >> /etc/zfcp.conf", CASES['rhel9-attach-multipath'])
        self.assertNotIn('chzdev zfcp-lun', CASES['rhel9-attach-multipath'])
        self.assertIn('zfcp_disk_configure 0.0.1f00 0x500507680b21bac6 '
                      '0x4001400500000000 1', CASES['sles12-attach-single'])
        self.assertIn('chzdev zfcp-lun', CASES['sles15-attach-single'])
        self.assertIn('chzdev zfcp-host 1f00 -e', CASES['ubuntu-attach-single'])

    def test_detach_removes_every_persistent_form(self):
        for key in DISTROS:
            for kind in ('single', 'multipath'):
                script = CASES['%s-detach-%s' % (key, kind)]
                self.assertIn("sed -i -e '/0.0.1f00 0x500507680b21bac6 "
                              "0x4001400500000000/d' /etc/zfcp.conf", script)
                self.assertIn("sed -i -e '/0x500507680b21bac6.*"
                              "0x4001400500000000/d' /etc/udev/rules.d/"
                              "51-zfcp-0.0.1f00.rules", script)

    def test_single_path_links_now_multipath_later(self):
        self.assertIn('ln -sf /dev/disk/by-path/ccw-0.0.1f00-zfcp-'
                      '0x500507680b21bac6:0x4001400500000000 /dev/vdc',
                      CASES['rhel9-attach-single'])
        self.assertIn('ln -sf /dev/disk/by-path/ccw-0.0.1f00-fc-'
                      '0x500507680b21bac6-lun-0x4001400500000000 /dev/vdc',
                      CASES['ubuntu-attach-single'])
        self.assertNotIn('ln -sf', CASES['rhel9-attach-multipath'])
        self.assertIn('ENV{DM_UUID}=="mpath-%s"' % WWID,
                      CASES['link-multipath'])

    def test_offline_only_requested_fcps(self):
        self.assertNotIn('chzdev zfcp-host', CASES['rhel9-detach-single'])
        self.assertIn('chzdev zfcp-host 2f00 -d',
                      CASES['rhel9-detach-multipath'])

    def test_injection_never_renders(self):
        d = scripts.resolve_distro('rhel', '9')
        for kwargs in (dict(fcps=('1f00;reboot',)),
                       dict(wwpns=("500507680b21bac6' ; reboot ; '",)),
                       dict(lun='4001400500000000$(reboot)'),
                       dict(mountpoint='/dev/vdb\nreboot')):
            args = dict(fcps=('1f00',), wwpns=('500507680b21bac6',),
                        lun='4001400500000000', mountpoint='/dev/vdb')
            args.update(kwargs)
            self.assertRaises(validate.InvalidInput, scripts.VolumeSpec, **args)
        self.assertRaises(validate.InvalidInput, scripts.render_link, d, MULTI,
                          'mpatha; reboot', WWID)
        self.assertRaises(validate.InvalidInput, scripts.render_link, d, MULTI,
                          'mpatha', WWID + '"; reboot')
        self.assertRaises(validate.InvalidInput, scripts.render_detach, d,
                          MULTI, map_name='a b')
        self.assertRaises(validate.InvalidInput, scripts.render_detach, d,
                          MULTI, offline_fcps=('1f00 && reboot',))

    def test_context_check_is_independent_of_validate(self):
        self.assertRaises(ValueError, scripts._check_inert, 'a;b')
        self.assertRaises(ValueError, scripts._check_inert, ['ok', 'a b'])
        self.assertRaises(ValueError, scripts._check_inert, {'x': 1})
        scripts._check_inert([scripts.Path('1f00', '500507680b21bac6')])


@ddt.ddt
class TestDistro(testtools.TestCase):

    @ddt.data(('rhel', '8.6', 'rhel8'), ('RHEL', '9.4', 'rhel9'),
              ('redhat', '8', 'rhel8'), ('rhel9', None, 'rhel9'),
              ('sles', '12.5', 'sles12'), ('sles', '15-sp4', 'sles15'),
              ('sles15', '', 'sles15'), ('suse', '15.5', 'sles15'),
              ('ubuntu', '20.04', 'ubuntu'), ('ubuntu', '22.04.3', 'ubuntu'),
              ('ubuntu', '24.04', 'ubuntu'), ('ubuntu22.04', None, 'ubuntu'))
    @ddt.unpack
    def test_supported(self, distro, version, key):
        self.assertEqual(key, scripts.resolve_distro(distro, version).key)

    @ddt.data(('rhel', '7.9'), ('sles', '11.4'), ('ubuntu', '18.04'),
              ('ubuntu', '23.10'), ('centos', '9'), ('windows', '2022'),
              (None, None), ('', '9'), ('rhel', None), ('rhel; reboot', '9'))
    @ddt.unpack
    def test_unsupported(self, distro, version):
        e = self.assertRaises(scripts.UnsupportedDistro,
                              scripts.resolve_distro, distro, version)
        self.assertIn('RHEL 8/9, SLES 12/15, Ubuntu 20.04/22.04/24.04', str(e))


class TestParsing(testtools.TestCase):

    LSZFCP = ['0.0.1f00/0x500507680b21bac6/0x4001400500000000 0:0:0:1074085889',
              '0.0.2f00/0x500507680b21bac6/0x4001400500000000 1:0:0:1074085889',
              '0.0.1f00/0x500507680b21bac6/0x4001400600000000 0:0:0:1074151425']
    MP = ['mpathb (36005076802810d2c1800000000000042) dm-1 IBM,2145',
          "size=10G features='1 queue_if_no_path' hwhandler='1 alua' wp=rw",
          "`-+- policy='service-time 0' prio=50 status=active",
          '  `- 0:0:0:1074151425 sdc 8:32 active ready running',
          'mpatha (36005076802810d2c1800000000000041) dm-0 IBM,2145',
          "size=10G features='1 queue_if_no_path' hwhandler='1 alua' wp=rw",
          "|-+- policy='service-time 0' prio=50 status=active",
          '| `- 0:0:0:1074085889 sda 8:0 active ready running',
          "`-+- policy='service-time 0' prio=10 status=enabled",
          '  `- 1:0:0:1074085889 sdb 8:16 active ready running']

    def test_lszfcp(self):
        units = scripts.parse_lszfcp_units(self.LSZFCP)
        self.assertEqual('1:0:0:1074085889',
                         units[('2f00', '500507680b21bac6', '4001400500000000')])
        self.assertEqual(3, len(units))

    def test_multipath_map_of_our_lun(self):
        self.assertEqual(
            ('mpatha', '36005076802810d2c1800000000000041'),
            scripts.parse_multipath_map(self.MP, ['1:0:0:1074085889']))
        self.assertIsNone(scripts.parse_multipath_map(self.MP, ['9:0:0:1']))

    def test_multipath_without_friendly_names(self):
        lines = ['36005076802810d2c1800000000000041 dm-0 IBM,2145',
                 '  `- 0:0:0:1074085889 sda 8:0 active ready running']
        self.assertEqual(('36005076802810d2c1800000000000041',) * 2,
                         scripts.parse_multipath_map(lines, ['0:0:0:1074085889']))

    def test_scsi_lun(self):
        self.assertEqual(1074085889, scripts.scsi_lun('4001400500000000'))
        self.assertEqual(1, scripts.scsi_lun('0001000000000000'))


class TestJudge(testtools.TestCase):
    """scripts.judge: the "done" line and xdsh's status, nothing else."""

    script = CASES['rhel9-attach-multipath']
    done = 'nova_volumeops done: attach 0x4001400500000000'

    def test_done_line_and_status_zero_is_success(self):
        self.assertIsNone(scripts.judge(
            self.script, ['nova_volumeops step: x', self.done],
            ['udevadm: some warning'], 0, True))

    def test_stopped_by_set_e(self):
        reason = scripts.judge(
            self.script, ['nova_volumeops step: bring the FCP devices online'],
            ['chzdev: Device 0.0.1f00 not found'], 1, False)
        self.assertIn('no return code came back', reason)
        self.assertIn('at step "bring the FCP devices online"', reason)
        self.assertIn('chzdev: Device 0.0.1f00 not found', reason)

    def test_done_line_is_not_enough(self):
        self.assertIn('it failed', scripts.judge(self.script, [self.done], [],
                                                 1, True))
        self.assertIn('no status', scripts.judge(self.script, [self.done], [],
                                                 None, True))

    def test_status_zero_is_not_enough(self):
        self.assertIn('"done" line', scripts.judge(
            self.script, ['nova_volumeops step: x'], [], 0, True))
        self.assertIn('"done" line', scripts.judge(
            self.script, ['nova_volumeops done: attach 0x0000000000000000'],
            [], 0, True))

    def test_every_script_names_its_done_line(self):
        for name, script in CASES.items():
            self.assertTrue(scripts.expected_done(script).startswith(
                scripts.DONE_PREFIX), name)
        self.assertEqual('nova_volumeops done: query',
                         scripts.expected_done(scripts.QUERY_SCRIPT))
