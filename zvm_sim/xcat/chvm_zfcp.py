"""chvm zFCP options: zvm.pm changeVM --addzfcp, --removezfcp, --createfilesysnode,
--removefilesysnode, --setloaddev, with their in-guest steps run in the guest model.

xCAT runs the in-guest steps over ssh/IUCV (zvmUtils.pm execcmdonVM).  Here
``VMExec.run`` is that call: a logged-off guest answers ``off`` (xCAT's power
probe), an unreachable one the SSH error text, a reachable one runs the
command in the guest model; a non-zero exit status comes back as an
``(Error)`` line with the exit code and stderr (the IUCV path reports the
return code; plain ssh would lose stderr).  xCAT's retries with sleeps
(disableEnableDisk: up to 15 tries) are not reproduced: one try.
"""

import re

from zvm_sim.core import guestlink
from zvm_sim.core import pools
from zvm_sim.xcat import chvm_devices


def check_output(text):
    """zvmUtils.pm checkOutput: -1 when a line contains Failed or Error."""
    return -1 if re.search('failed|error', text or '', re.I) else 0


class VMExec:
    def __init__(self, guest, out):
        self.guest, self.out = guest, out

    def run(self, cmd, callback=False):
        node = self.guest.node
        if self.guest.power != 'on':
            return 'off\n'
        if not self.guest.reachable:
            msg = ('%s: (Error) In execcmdonVM(), SSH communication to %s failed for command: '
                   'ssh -o ConnectTimeout=5 root@%s "%s"' % (node, node, node, cmd))
            if callback:
                self.out.append(msg)
            return msg
        rc, stdout, stderr = guestlink.run(self.guest.linux, cmd)
        if rc:
            msg = '%s: (Error) Command "%s" failed with return code %d: %s' % (
                node, cmd, rc, (stderr or stdout).strip())
            if callback:
                self.out.append(msg)
            return msg
        return stdout

    def os_version(self):
        """zvmUtils.pm getOsVersion: '' unless the guest answers."""
        if not self.guest.reachable:
            return ''
        return '%s%s' % (self.guest.distro, self.guest.version)


def _directory_text(guest):
    return '\n'.join('DEDICATE %s %s' % (v.upper(), d['raddr'].upper())
                     for v, d in sorted(guest.directory.items()))


def _run_chvm(sim, node, system, guest, args):
    """A nested ``/opt/xcat/bin/chvm`` call: its printed lines joined like its stdout."""
    return '\n'.join(chvm_devices.HANDLERS[args[0]](sim, node, system, guest, args))


def addzfcp(sim, node, system, guest, args):
    """zvm.pm changeVM --addzfcp pool device loaddev size [tag] [wwpn lun]."""
    out = []
    if len(args) not in (5, 6, 8):
        return ['%s: (Error) Wrong number of parameters' % node]
    pool = args[1].lower()
    device = args[2]
    loaddev = pools.perl_num(args[3])
    if loaddev not in (0, 1):
        return ['%s: (Error) The loaddev can be 0 or 1' % node]
    size = args[4]
    tag = args[5] if len(args) > 5 else ''
    wwpn = lun = ''
    files = sim.pool_files[system.hypervisor]
    if len(args) == 8:
        wwpn, lun = args[6], args[7]
        if ';' in wwpn and loaddev:
            return ["%s: (Error) It's not supported to ipl from a multipath device" % node]
        hit, error = pools.find_device_attr(files, system.zhcp, pool, wwpn, lun)
        if error:
            return [error]
        info = pools.perl_split(hit) + [''] * 8
        if info[0] == 'used':
            return ['%s: (Error) FCP device 0x%s/0x%s is in use.' % (node, wwpn, lun)]
        original = {'status': info[0], 'wwpn': info[1], 'lun': info[2], 'size': info[3],
                    'owner': info[5], 'fcp': info[6], 'tag': info[7]}
        criteria = {'status': 'used', 'fcp': device, 'wwpn': wwpn, 'lun': lun, 'size': size,
                    'owner': node, 'tag': tag}
        res = pools.find_and_update(files, system, out, node, pool, criteria)
    else:
        criteria = {'status': 'used', 'fcp': device, 'size': size, 'owner': node, 'tag': tag}
        res = pools.find_and_update(files, system, out, node, pool, criteria)
        original = {'status': 'free', 'wwpn': res.get('wwpn', ''), 'lun': res.get('lun', ''),
                    'fcp': '', 'size': size, 'owner': '', 'tag': ''}
    if res['rc'] == -1:
        out.append('%s: (Error) Failed to add zFCP device' % node)
        return out
    device, wwpn, lun = res['fcp'], res['wwpn'], res['lun']

    def rollback(devices):
        for d in devices:
            if d:
                _run_chvm(sim, node, system, guest, ['--undedicatedevice', d])
        pools.find_and_update(files, system, out, node, pool, original)

    vm = VMExec(guest, out)
    os_ver = vm.os_version()
    devices = device.split(';')
    directory = _directory_text(guest)
    for dev in [d for d in devices if d]:
        if re.search('DEDICATE %s' % re.escape(dev), directory, re.I):
            continue
        vm.run('/sbin/cio_ignore -r %s' % dev)
        text = _run_chvm(sim, node, system, guest, ['--dedicatedevice', dev, dev, '0'])
        out.append(text)
        if check_output(text) == -1:
            rollback(devices)
            return out
        if re.search('sles', os_ver, re.I):
            if check_output(vm.run('/sbin/zfcp_host_configure 0.0.%s 1' % dev, True)) == -1:
                return out
        elif re.search('ubuntu', os_ver, re.I):
            if check_output(vm.run('/sbin/chzdev zfcp-host %s -e' % dev, True)) == -1:
                return out
    if guest.reachable:
        if not re.search('ubuntu', os_ver, re.I):
            for dev in [d for d in devices if d]:
                text = vm.run('/sbin/chccwdev -e 0.0.%s 2>&1' % dev)
                if check_output(text) == -1:
                    out.append('%s: Error: failed to ssh root@%s /sbin/chccwdev -e 0.0.%s, '
                               'Output: %s' % (node, node, dev, text))
                    rollback(devices)
                    return out
        for dev in [d.lower() for d in devices if d]:
            for w in [x for x in wwpn.lower().split(';') if x]:
                vm.run('echo 0x%s > /sys/bus/ccw/drivers/zfcp/0.0.%s/0x%s/unit_add'
                       % (lun, dev, w))
                if not _persist_add(vm, os_ver, dev, w, lun):
                    return out
        text = vm.run('/sbin/multipath -r')
        if text:
            out.append('%s: %s' % (node, text.rstrip('\n')))
        out.append('%s: Configuring FCP device to be persistent... Done' % node)
    if loaddev:
        text = '\n'.join(setloaddev(sim, node, system, guest, ['--setloaddev', wwpn, lun]))
        out.append(text)
    out.append('%s: Adding zFCP device %s/%s/%s... Done' % (node, device, wwpn, lun))
    return out


def _sles_rules(dev, wwpn, lun):
    rules = '/etc/udev/rules.d/51-zfcp-0.0.%s.rules' % dev
    return rules, [
        'ACTION=="add", SUBSYSTEM=="ccw", KERNEL=="0.0.%s", IMPORT{program}="collect 0.0.%s '
        '%%k 0.0.%s zfcp"' % (dev, dev, dev),
        'ACTION=="add", SUBSYSTEM=="drivers", KERNEL=="zfcp", IMPORT{program}="collect 0.0.%s '
        '%%k 0.0.%szfcp"' % (dev, dev),
        'ACTION=="add", ENV{COLLECT_0.0.%s}=="0", ATTR{[ccw/0.0.%s]online}="1"' % (dev, dev),
    ], ('ACTION=="add", KERNEL=="rport-*", ATTR{port_name}=="0x%s", SUBSYSTEMS=="ccw", '
        'KERNELS=="0.0.%s", ATTR{[ccw/0.0.%s]0x%s/unit_add}="0x%s"'
        % (wwpn, dev, dev, wwpn, lun))


def _persist_add(vm, os_ver, dev, wwpn, lun):
    """The distro-specific persistence step of --addzfcp; False when xCAT returns."""
    if re.search('sles1[12]', os_ver, re.I):
        if check_output(vm.run('/sbin/zfcp_disk_configure 0.0.%s %s %s 1'
                               % (dev, wwpn, lun), True)) == -1:
            return False
        rules, header, unit = _sles_rules(dev, wwpn, lun)
        # xCAT's check for an existing header is a broken egrep (it greps files named
        # '.', '<dev>.' and ']online'), so the header lines are appended every time.
        vm.run('touch %s' % rules)
        for line in header:
            vm.run("echo '%s' >> %s" % (line, rules))
        vm.run("echo '%s' >> %s" % (unit, rules))
    elif re.search('rhel', os_ver, re.I):
        vm.run('echo "0.0.%s 0x%s 0x%s" >> /etc/zfcp.conf' % (dev, wwpn, lun))
        vm.run('echo add > /sys/bus/ccw/devices/0.0.%s/uevent' % dev)
    elif re.search('ubuntu', os_ver, re.I):
        if check_output(vm.run('/sbin/chzdev zfcp-lun 0.0.%s:0x%s:0x%s -e'
                               % (dev, wwpn, lun))) == -1:
            return False
    return True


def removezfcp(sim, node, system, guest, args):
    """zvm.pm changeVM --removezfcp device wwpn lun [persist]."""
    out = []
    if len(args) not in (4, 5):
        return ['%s: (Error) Wrong number of parameters' % node]
    device, wwpn, lun = args[1], args[2].replace('0x', ''), args[3].replace('0x', '')
    persist = args[4] if len(args) == 5 else '0'
    if not re.match('^[01]$', persist):
        return ['%s: (Error) Persist can only be 0 or 1' % node]
    files = sim.pool_files[system.hypervisor]
    pool = next((p for p in files.names()
                 if pools.grep(files.read(p), '%s,%s' % (wwpn, lun))), None)
    if pool is None:
        return [pools.pool_search_error(system.zhcp, wwpn, lun)]
    out.append('%s: Found FCP device in %s' % (node, pool))
    info = pools.perl_split(pools.grep(files.read(pool), '%s,%s' % (wwpn, lun))[0]) + [''] * 8
    if info[0] == 'used' and node != info[5]:
        out.append('%s: (Error) The zFCP device 0x%s/0x%s does not belong to the node %s.'
                   % (node, wwpn, lun, node))
        return out
    if device and not re.match('^[0-9a-f;]', device, re.I):
        device = info[6]
    status = 'reserved' if persist == '1' else 'free'
    res = pools.find_and_update(files, system, out, node, pool,
                                {'status': status, 'wwpn': wwpn, 'lun': lun, 'owner': ''})
    if res['rc'] == -1:
        out.append('%s: (Error) Failed to find zFCP device' % node)
        return out
    wwpn, lun = res['wwpn'], res['lun']
    if guest.reachable:
        vm = VMExec(guest, out)
        os_ver = vm.os_version()
        for dev in [d for d in device.lower().split(';') if d]:
            for w in [x for x in wwpn.lower().split(';') if x]:
                vm.run('echo 0x%s > /sys/bus/ccw/drivers/zfcp/0.0.%s/0x%s/unit_remove'
                       % (lun, dev, w))
                if re.search('sles1[12]', os_ver, re.I):
                    cmd = 'sed -i -e /%s/d /etc/udev/rules.d/51-zfcp-0.0.%s.rules' % (lun, dev)
                elif re.search('rhel', os_ver, re.I):
                    cmd = 'sed -i -e /%s/d /etc/zfcp.conf' % lun
                elif re.search('ubuntu', os_ver, re.I):
                    cmd = '/sbin/chzdev zfcp-lun 0.0.%s:0x%s:0x%s -d' % (dev, w, lun)
                else:
                    continue
                if check_output(vm.run(cmd, True)) == -1:
                    return out
        vm.run('/sbin/multipath -W')
        vm.run('/sbin/multipath -r')
        out.append('%s: De-configuring FCP device on host... Done' % node)
    return out


def _by_path_parts(src, ubuntu):
    if ubuntu:
        m = re.search(r'ccw-0.0.([\w;]+)-fc-([\w;]+)-lun-(\w+)', src)
    else:
        m = re.search(r'ccw-0.0.([\w;]+)-zfcp-([\w;]+):(\w+)', src)
    return m.groups() if m else ('', '', '')


def createfilesysnode(sim, node, system, guest, args):
    """zvm.pm changeVM --createfilesysnode srcFile tgtFile (udev rule in 56-zfcp.rules)."""
    out = []
    if len(args) != 3:
        return ['%s: (Error) Wrong number of parameters' % node]
    src, tgt = args[1], args[2]
    vm = VMExec(guest, out)
    os_ver = vm.os_version()
    ubuntu = bool(re.search('ubuntu', os_ver, re.I))
    devices, wwpn, lun = _by_path_parts(src, ubuntu)
    multipath = ';' in wwpn
    if vm.run('/usr/bin/stat --printf=%%n %s' % tgt) == tgt:
        return ['%s: (Error) %s already exists' % (node, tgt)]
    wwid = ''
    found = False
    for dev in [d for d in devices.split(';') if d]:
        for w in (wwpn.split(';') if multipath else [wwpn]):
            w = w if w.lower().startswith('0x') else '0x' + w
            if ubuntu:
                cur = re.sub(r'ccw-0.0.[0-9a-f;]+-fc-0x[0-9a-f;]+-lun',
                             'ccw-0.0.%s-fc-%s-lun' % (dev, w), src, flags=re.I)
            else:
                cur = re.sub(r'ccw-0.0.[0-9a-f;]+-zfcp-0x[0-9a-f;]+:',
                             'ccw-0.0.%s-zfcp-%s:' % (dev, w), src, flags=re.I)
            if vm.run('/usr/bin/stat --printf=%%n %s' % cur) != cur:
                out.append('%s: (warning) %s does not exist' % (node, cur))
                continue
            found = True
            if multipath and not wwid:
                text = vm.run('/sbin/udevadm info --query=all --name=%s' % cur, True)
                m = re.search(r'ID_SERIAL=(\w+)\s*$', text, re.M)
                wwid = m.group(1) if m else ''
    if not found or (multipath and not wwid):
        out.append('%s: (Error) zfcp device %s:%s not found in OS' % (node, wwpn, lun))
        return out
    conf = '/etc/udev/rules.d/56-zfcp.rules'
    if not vm.run('test -e %s && echo Exists' % conf):
        vm.run('touch %s' % conf, True)
        if re.search('rhel', os_ver, re.I):
            vm.run('''echo 'KERNEL=="zfcp", RUN+="/sbin/zfcpconf.sh"' >> %s''' % conf)
            vm.run('''echo 'KERNEL=="zfcp", RUN+="/sbin/multipath -r"' >> %s''' % conf)
    name = tgt.replace('/dev/', '', 1)
    if multipath:
        rule = 'KERNEL=="dm-*", ENV{DM_UUID}=="mpath-%s", SYMLINK+="%s"' % (wwid, name)
        trigger = 'udevadm trigger --sysname-match=dm-*'
    else:
        rule = ('KERNEL=="sd*", ATTRS{wwpn}=="%s", ATTRS{fcp_lun}=="%s", SYMLINK+="%s%%n"'
                % (wwpn, lun, name))
        trigger = 'udevadm trigger --sysname-match=sd*'
    cmd = "echo '%s' >> %s ; udevadm control --reload ; %s" % (rule, conf, trigger)
    if check_output(vm.run(cmd, True)) == -1:
        return out
    out.append('%s: Creating file system node %s... Done' % (node, tgt))
    return out


def removefilesysnode(sim, node, system, guest, args):
    """zvm.pm changeVM --removefilesysnode tgtFile."""
    out = []
    if len(args) != 2:
        return ['%s: (Error) Wrong number of parameters' % node]
    name = args[1].replace('/dev/', '', 1)
    conf = '/etc/udev/rules.d/56-zfcp.rules'
    cmd = ("sed -i -e '/SYMLINK+=\"%s%%n\"/d' %s ; sed -i -e '/SYMLINK+=\"%s\"/d' %s ; "
           "udevadm control --reload ; udevadm trigger --sysname-match=sd* ; "
           "udevadm trigger --sysname-match=dm-*" % (name, conf, name, conf))
    if check_output(VMExec(guest, out).run(cmd, True)) == -1:
        return out
    out.append('%s: Removing file system node %s... Done' % (node, args[1]))
    return out


def setloaddev(sim, node, system, guest, args):
    """zvm.pm changeVM --setloaddev wwpn lun [isHex scpdata] (LOADDEV in the directory)."""
    if len(args) not in (3, 5):
        return ['%s: (Error) Wrong number of parameters' % node]
    guest.loaddev = {'wwpn': args[1].replace('0x', ''), 'lun': args[2].replace('0x', '')}
    if len(args) == 5:
        guest.loaddev.update({'scpdatatype': '3' if args[3] not in ('', '0') else '2',
                              'scpdata': args[4]})
    return ['%s: Setting LOADDEV directory statements' % node]
