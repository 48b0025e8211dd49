"""Reader files at boot: what xCAT's activation engine does with them.

``chvm --aemod setupDisk <parms>`` punches ``aemod.doscript`` (class X), a
tar of ``invokeScript.sh`` (``/bin/bash setupDisk action=... fcpAddr=...``)
and xCAT's ``setupDisk`` worker script. At boot zvmguestconfigure/
xcatconf4z unpacks every ``.doscript`` and runs invokeScript.sh. This
module models setupDisk's four SCSI actions step by step (xcat-core
xCAT-server/share/xcat/scripts/setupDisk, version 3.0), issuing the same
commands through the guest's shell, so their success or failure is the
guest model's; any other script in the reader runs through the shell.

A reader file is given as a dict ``{'name': ..., 'content': ...}``
(optionally ``'files': {member: text}`` for the tar members), a
``(name, content)`` tuple, or a plain string. Each gives one result:
``{'name', 'kind': 'setupDisk'|'script'|'empty', 'rc', 'stdout', 'stderr'}``.

Kept from setupDisk as is, because a real guest would show it too: the
Ubuntu by-path name it waits for is ``...-lun-<int(lun[0:4], 16)>``; on
SLES 15 removeScsiVolume leaves the persistent entry; parameter lists use
``,`` (xCAT turns ``;`` into ``,`` for aemod).
"""

import re
import shlex

from zvm_sim.core.guest import shell as shell_mod

_SETUPDISK_RE = re.compile(r'^\s*(?:/bin/bash\s+|bash\s+|sh\s+)?(?:\./)?setupDisk\b(.*)$')


def _normalise(item, index):
    if isinstance(item, str):
        return {'name': 'reader%d' % index, 'content': item, 'files': {}}
    if isinstance(item, (tuple, list)):
        return {'name': item[0], 'content': item[1], 'files': {}}
    return {'name': item.get('name', 'reader%d' % index), 'content': item.get('content', ''),
            'files': dict(item.get('files') or {})}


def process(guest, files):
    results = []
    for index, item in enumerate(files):
        spec = _normalise(item, index)
        script = spec['files'].get('invokeScript.sh') or spec['content'] or ''
        if not script.strip():
            results.append({'name': spec['name'], 'kind': 'empty', 'rc': 0,
                            'stdout': '', 'stderr': ''})
            continue
        results.append(dict(_run_file(guest, script), name=spec['name']))
    return results


def _run_file(guest, script):
    lines = script.splitlines()
    if not any(_SETUPDISK_RE.match(line) for line in lines):
        rc, out, err = shell_mod.Shell(guest).run(script)
        return {'kind': 'script', 'rc': rc, 'stdout': out, 'stderr': err}
    runner = SetupDisk(guest)
    for line in lines:
        match = _SETUPDISK_RE.match(line)
        if match:
            runner.main(shlex.split(match.group(1)))
        elif line.strip() and not line.lstrip().startswith('#'):
            runner.sh(line)
    return {'kind': 'setupDisk', 'rc': runner.rc, 'stdout': ''.join(runner.out),
            'stderr': ''.join(runner.err)}


def os_tag(guest):
    """setupDisk's getOsVersion: os-release ID + VERSION_ID without dots."""
    return guest.distro + guest.version.replace('.', '')


class SetupDisk:
    def __init__(self, guest):
        self.guest = guest
        self.os = os_tag(guest)
        self.out, self.err = [], []
        self.rc = 0

    def sh(self, command):
        shell = shell_mod.Shell(self.guest)
        rc, out, err = shell.run(command)
        self.out.append(out)
        self.err.append(err)
        self.rc = rc
        return rc, out

    def echo(self, text):
        self.out.append(text + '\n')

    def main(self, argv):
        parms = {}
        for arg in argv:
            key, _, value = arg.partition('=')
            parms[key] = value.strip()
        action = parms.get('action')
        handler = {'addScsiVolume': self.add_scsi_volume,
                   'removeScsiVolume': self.remove_scsi_volume,
                   'createfilesysnode': self.create_filesys_node,
                   'removefilesysnode': self.remove_filesys_node}.get(action)
        if handler is not None:
            handler(parms)
        self.rc = 0          # setupDisk ends with 'rm -f setupDisk'

    # -- addScsiVolume / removeScsiVolume ---------------------------------

    def _online_device(self, fcp):
        q = shlex.quote
        if self.sh('/sbin/chccwdev -e %s > /dev/null' % q(fcp))[0] != 0:
            self.sh('/sbin/cio_ignore -r 0.0.%s > /dev/null' % q(fcp))
            self.sh('udevadm settle')
            if self.sh('/sbin/chccwdev -e %s > /dev/null' % q(fcp))[0] != 0:
                self.echo('onlineDevice (Error) Could not activate the virtual device %s'
                          % fcp)
                return False
        self.sh('udevadm settle')
        return True

    def add_scsi_volume(self, p):
        fcps, wwpns, lun = (p.get('fcpAddr', ''), p.get('wwpn', ''), p.get('lun', ''))
        self.echo('Adding a SCSI Volume, FCP addr: %s, WWPN: %s, LUN: %s' % (fcps, wwpns, lun))
        for key, value in (('FCP address', fcps), ('WWPN', wwpns), ('LUN', lun)):
            if not value:
                self.echo('setupDisk (Error) %s was not specified' % key)
                return
        q = shlex.quote
        fcps, wwpns, lun = fcps.lower().split(','), wwpns.lower().split(','), lun.lower()
        for fcp in fcps:
            if not self._online_device(fcp):
                return
            if self.os.startswith('sles12'):
                rc, _ = self.sh('grep -q -i 0.0.%s /boot/zipl/active_devices.txt' % q(fcp))
                if rc != 0:
                    self.sh('/sbin/zfcp_host_configure 0.0.%s 1' % q(fcp))
            elif self.os.startswith('sles11'):
                self.sh('/sbin/zfcp_host_configure 0.0.%s 1' % q(fcp))
            elif self.os.startswith('ubuntu'):
                self.sh('/sbin/chzdev zfcp-host %s -e' % q(fcp))
        for fcp in fcps:
            for wwpn in wwpns:
                self.sh('echo 0x%s > /sys/bus/ccw/drivers/zfcp/0.0.%s/0x%s/unit_add'
                        % (q(lun), q(fcp), q(wwpn)))
                self._persist_add(fcp, wwpn, lun)
                self.sh('udevadm settle')
                if self.os.startswith(('rhel', 'sles')):
                    path = '/dev/disk/by-path/ccw-0.0.%s-zfcp-0x%s:0x%s' % (fcp, wwpn, lun)
                else:
                    decimal = int(lun[:4], 16) if re.fullmatch('[0-9a-f]{4}.*', lun) else 0
                    path = '/dev/disk/by-path/ccw-0.0.%s-fc-0x%s-lun-%d' % (fcp, wwpn, decimal)
                if not self.guest.exists(path):
                    self.echo('%s did not appear in 0+1+2+2+5+10+10+30+60+60 seconds, '
                              'continuing.' % path)
        self.sh('/sbin/multipath -r')
        self.echo('setupDisk successfully create the SCSI volume')

    def _persist_add(self, fcp, wwpn, lun):
        q = shlex.quote
        if self.os.startswith('sles'):
            rules = '/etc/udev/rules.d/51-zfcp-0.0.%s.rules' % fcp
            self.sh('/sbin/zfcp_disk_configure 0.0.%s %s %s 1' % (q(fcp), q(wwpn), q(lun)))
            self.sh('touch %s' % q(rules))
            rc, _ = self.sh('grep -q -i %s %s' % (q('ccw/0.0.%s]online' % fcp), q(rules)))
            if rc != 0:
                from zvm_sim.core.guest import persist
                for line in persist.sles_host_lines(fcp):
                    self.sh('echo %s | tee -a %s > /dev/null' % (q(line), q(rules)))
            line = ('ACTION=="add", KERNEL=="rport-*", ATTR{port_name}=="0x%s", '
                    'SUBSYSTEMS=="ccw", KERNELS=="0.0.%s", ATTR{[ccw/0.0.%s]0x%s/unit_add}='
                    '"0x%s"' % (wwpn, fcp, fcp, wwpn, lun))
            self.sh('echo %s | tee -a %s > /dev/null' % (q(line), q(rules)))
        elif self.os.startswith('rhel'):
            self.sh('echo %s >> /etc/zfcp.conf' % q('0.0.%s 0x%s 0x%s' % (fcp, wwpn, lun)))
            self.sh('echo add > /sys/bus/ccw/devices/0.0.%s/uevent' % q(fcp))
        elif self.os.startswith('ubuntu'):
            self.sh('/sbin/chzdev zfcp-lun 0.0.%s:0x%s:0x%s -e' % (q(fcp), q(wwpn), q(lun)))

    def remove_scsi_volume(self, p):
        fcps, wwpns, lun = (p.get('fcpAddr', ''), p.get('wwpn', ''), p.get('lun', ''))
        self.echo('Removing a SCSI Volume, FCP addr: %s, WWPN: %s, LUN: %s'
                  % (fcps, wwpns, lun))
        for key, value in (('FCP address', fcps), ('WWPN', wwpns), ('LUN', lun)):
            if not value:
                self.echo('setupDisk (Error) %s was not specified' % key)
                return
        q = shlex.quote
        k = self.guest.kernel
        for fcp in fcps.lower().split(','):
            for wwpn in wwpns.lower().split(','):
                lun = lun.lower()
                for disk in list(k.disks.values()):
                    if disk.lun == lun.zfill(16) and disk.wwpn == wwpn.zfill(16):
                        self.sh('echo 1 > /sys/bus/scsi/devices/%s/delete' % k.hctl(disk))
                attr = '/sys/bus/ccw/drivers/zfcp/0.0.%s/0x%s/unit_remove' % (fcp, wwpn)
                if self.guest.exists(attr):
                    self.sh('udevadm settle')
                    self.sh('echo 0x%s > %s' % (q(lun), q(attr)))
                if self.os.startswith(('sles11', 'sles12')):
                    self.sh('sed --in-place -e /%s/d /etc/udev/rules.d/51-zfcp-0.0.%s.rules'
                            % (q(lun), q(fcp)))
                elif self.os.startswith('rhel'):
                    self.sh('sed --in-place -e /%s/d /etc/zfcp.conf' % q(lun))
                elif self.os.startswith('ubuntu'):
                    self.sh('/sbin/chzdev zfcp-lun 0.0.%s:0x%s:0x%s -d'
                            % (q(fcp), q(wwpn), q(lun)))
        self.sh('/sbin/multipath -W')
        self.sh('/sbin/multipath -r')
        self.echo('setupDisk successfully remove the SCSI volume')

    # -- filesystem nodes --------------------------------------------------

    def create_filesys_node(self, p):
        src, tgt = p.get('srcFile', ''), p.get('tgtFile', '')
        self.echo('Creating a file system node, source: %s, target: %s' % (src, tgt))
        if not src or not tgt:
            self.echo('setupDisk (Error) %s file for creating a file system node was not '
                      'specified' % ('Source' if not src else 'Target'))
            return
        if self.guest.exists(tgt):
            self.echo('setupDisk (Error) Target file for creating a file system node '
                      'already exists')
            return
        q = shlex.quote
        config = '/etc/udev/rules.d/56-zfcp.rules'
        if not self.guest.exists(config):
            self.sh('touch %s' % config)
            if self.os.startswith('rhel'):
                self.sh("echo 'KERNEL==\"zfcp\", RUN+=\"/sbin/zfcpconf.sh\"' >> %s" % config)
                self.sh("echo 'KERNEL==\"zfcp\", RUN+=\"/sbin/multipath -r\"' >> %s" % config)
        node = re.sub(r'^/dev/', '', tgt)
        zfcp_form = self.os.startswith(('sles', 'rhel'))
        if zfcp_form:
            match = re.search(r'ccw-0\.0\.(.*?)-zfcp-(.*?):(0x.*)$', src)
        else:
            match = re.search(r'ccw-0\.0\.(.*?)-fc-(.*?)-lun-(.*)$', src)
        if not match:
            self.echo('setupDisk (Error) Unable to stat the source file: %s' % src)
            return
        fcps, wwpn, lun = match.groups()
        multipath = ',' in wwpn
        uuid = ''
        for fcp in fcps.split(','):
            if multipath:
                for one in wwpn.split(','):
                    one = one if one.startswith('0x') else '0x' + one
                    if zfcp_form:
                        path = '/dev/disk/by-path/ccw-0.0.%s-zfcp-%s:%s' % (fcp, one, lun)
                    else:
                        path = '/dev/disk/by-path/ccw-0.0.%s-fc-%s-lun-%s' % (fcp, one, lun)
                    if self.sh('/usr/bin/stat --printf=%%n %s' % q(path))[0] != 0:
                        self.echo('setupDisk (Error) Unable to stat the source file: %s' % path)
                        continue
                    rc, out = self.sh('/sbin/udevadm info --query=all --name=%s' % q(path))
                    found = re.search(r'ID_SERIAL=(\w+)', out)
                    if found:
                        uuid = found.group(1)
                        break
                if not uuid:
                    self.echo('setupDisk (Error) Building up multipath failed!')
                    return
            else:
                path = re.sub(r'ccw-.*-zfcp', 'ccw-0.0.%s-zfcp' % fcp, src) if zfcp_form \
                    else src
                if self.sh('/usr/bin/stat --printf=%%n %s' % q(path))[0] != 0:
                    self.echo('setupDisk (Error) Unable to stat the source file: %s' % src)
                    return
        if multipath:
            rule = 'KERNEL=="dm*", ENV{DM_UUID}=="mpath-%s", SYMLINK+="%s"' % (uuid, node)
            pattern = 'dm-*'
        else:
            rule = ('KERNEL=="sd*", ATTRS{wwpn}=="%s", ATTRS{fcp_lun}=="%s", SYMLINK+="%s%%n"'
                    % (wwpn, lun, node))
            pattern = 'sd*'
        self.sh('echo %s >> %s' % (q(rule), config))
        self.sh('udevadm control --reload')
        self.sh('udevadm trigger --sysname-match=%s' % q(pattern))
        self.echo('setupDisk successfully create the file system node %s' % tgt)

    def remove_filesys_node(self, p):
        tgt = p.get('tgtFile', '')
        self.echo('Removing a file system node, target: %s' % tgt)
        if not tgt:
            self.echo('setupDisk (Error) Target file for creating a file system node was not '
                      'specified')
            return
        node = re.sub(r'^/dev/', '', tgt)
        config = '/etc/udev/rules.d/56-zfcp.rules'
        q = shlex.quote
        self.sh('sed -i -e %s %s' % (q('/SYMLINK+="%s%%n"/d' % node), config))
        self.sh('sed -i -e %s %s' % (q('/SYMLINK+="%s"/d' % node), config))
        self.sh('udevadm control --reload')
        self.sh("udevadm trigger --sysname-match='sd*'")
        self.sh("udevadm trigger --sysname-match='dm-*'")
        self.echo('setupDisk successfully remove the file system node %s' % tgt)
