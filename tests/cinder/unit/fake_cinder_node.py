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
"""A synchronous fake of the Cinder node's kernel for host-attach tests.

It keeps a real sysfs/dev tree under a temporary directory (the layout the
connector reads) and applies writes made through ``execute('tee', '-a',
attr)`` the way the zfcp driver and udev would, at once. An xCAT stand-in
records chvm calls and makes a dedicated device appear. Faults are plain
attributes. The simulator-backed functional tests cover the same paths
against the real simulator.
"""

import os
from unittest import mock

from oslo_concurrency import processutils

from zvm_xcat import dsh
from zvm_xcat import exception as xcat_exc


class FakeXCAT(object):
    def __init__(self, node):
        self.node = node
        self.calls = []
        self.fail_dedicate = False    # True, or a set of device numbers
        self.already_dedicated = False
        self.fail_undedicate = False
        self.dsh_result = None        # a zvm_xcat.dsh.DshResult to answer
        # DEDICATEd in the directory but not in the active configuration:
        # zvm.pm 2409-2413 answers "Done" and skips the active part.
        self.directory_only = set()
        self.directory = set()

    def xdsh(self, node, command, **kwargs):
        self.calls.append((node, 'xdsh', command))
        return self.dsh_result or dsh.DshResult(node, errorcode=0)

    def lsvm(self, node, *args):
        self.calls.append((node, 'lsvm'))
        lines = ['USER %s NOLOG' % node.upper()] + [
            'DEDICATE %s %s' % (d.upper(), d.upper())
            for d in sorted(self.directory | self.directory_only)]
        return mock.Mock(node_lines=lambda n: lines)

    def chvm(self, node, *args, **kwargs):
        self.calls.append((node,) + args)
        if args[0] == '--dedicatedevice' and args[1] in self.directory_only:
            return          # "... directory entry... Done", nothing active
        if args[0] == '--undedicatedevice' and args[1] in self.directory_only:
            self.directory_only.discard(args[1])
            raise xcat_exc.XCATCommandError(
                ["(Error) Removing device %s from CINDER1's active "
                 "configuration... Failed" % args[1].upper()])
        if args[0] == '--dedicatedevice':
            self.directory.add(args[1])
            if self.already_dedicated:
                self.node.dedicate(args[1])
                raise xcat_exc.XCATCommandError(
                    ["(Error) Dedicating device 1F00 to CINDER1's directory "
                     "entry... Failed\n Image device already defined"])
            if self.fail_dedicate is True or args[1] in (
                    self.fail_dedicate or ()):
                raise xcat_exc.XCATCommandError(
                    ['(Error) Image_Device_Dedicate_DM failed'])
            self.node.dedicate(args[1])
        elif args[0] == '--undedicatedevice':
            if self.fail_undedicate:
                raise xcat_exc.XCATCommandError(['(Error) failed'])
            self.directory.discard(args[1])
            self.node.undedicate(args[1])


class FakeCinderNode(object):
    """The tree plus the reactions of zfcp/SCSI/udev to sysfs writes."""

    def __init__(self, root, storage_dir, fcp_wwpns=None, ports=None):
        """Build an empty node (no FCP device dedicated).

        :param fcp_wwpns: {devno: initiator wwpn} the node may use.
        :param ports: {devno: [target wwpns]} visible after port_rescan.
        """
        self.root = root
        self.sys = os.path.join(root, 'sys')
        self.dev = os.path.join(root, 'dev')
        self.storage_dir = storage_dir
        self.fcp_wwpns = fcp_wwpns or {'1f00': 'c05076ffe5005612',
                                       '2f00': 'c05076ffe5007712'}
        self.ports = ports or {}
        self.luns = {}            # (wwpn, lun) -> backing file
        self.commands = []
        self.written = []         # (sysfs attribute, value) in order
        # faults
        self.never_appear = set()   # LUNs whose disk never shows up
        # (devno, wwpn, lun) the storage does not present to that device's
        # initiator (LUN masking): unit_add works, no disk appears
        self.masked = set()
        self.refuse_unit_add = False
        self.refuse_online = False
        self.unreadable = False
        self.blockdev_fails = False
        self.cio_ignore_installed = False
        self.disk_attrs = True      # sdX/device/{hba_id,wwpn,fcp_lun}
        self._next_sd = 0
        for path in (self.sys, os.path.join(self.dev, 'disk', 'by-path')):
            os.makedirs(path, exist_ok=True)

    # ---- storage -----------------------------------------------------------

    def add_lun(self, wwpn, lun, size):
        path = os.path.join(self.storage_dir, '%s-%s.img' % (wwpn, lun))
        with open(path, 'wb') as f:
            f.truncate(size)
        self.luns[(wwpn, lun)] = path
        return path

    # ---- hypervisor side ---------------------------------------------------

    def ccw_dir(self, devno):
        return os.path.join(self.sys, 'bus', 'ccw', 'devices', '0.0.' + devno)

    def zfcp_dir(self, devno):
        return os.path.join(self.sys, 'bus', 'ccw', 'drivers', 'zfcp',
                            '0.0.' + devno)

    def dedicate(self, devno):
        os.makedirs(self.ccw_dir(devno), exist_ok=True)
        self._write(os.path.join(self.ccw_dir(devno), 'online'), '0\n')

    def undedicate(self, devno):
        self._rmtree(self.ccw_dir(devno))
        self._rmtree(self.zfcp_dir(devno))

    def dedicated(self):
        top = os.path.join(self.sys, 'bus', 'ccw', 'devices')
        return sorted(n[4:] for n in os.listdir(top)) if os.path.isdir(
            top) else []

    def online(self, devno):
        try:
            with open(os.path.join(self.ccw_dir(devno), 'online')) as f:
                return f.read().strip().splitlines()[-1:] == ['1']
        except OSError:
            return False

    # ---- execute -----------------------------------------------------------

    def execute(self, *cmd, **kwargs):
        self.commands.append(cmd)
        name = cmd[0]
        if name == 'tee':
            return self._tee(cmd[-1], kwargs.get('process_input', ''))
        if name == 'cio_ignore':
            if not self.cio_ignore_installed:
                raise OSError(2, 'No such file or directory: cio_ignore')
            return '', ''
        if name == 'blockdev':
            if self.blockdev_fails:
                raise processutils.ProcessExecutionError(
                    exit_code=1, stderr='Inappropriate ioctl for device')
            return '', ''
        if name == 'multipath':
            return '', ''
        if name == 'dd' and 'of=/dev/null' in cmd:
            src = cmd[1][3:]
            if self.unreadable or not os.path.exists(src):
                raise processutils.ProcessExecutionError(
                    exit_code=1, stderr='dd: cannot open')
            return '', ''
        kwargs.pop('run_as_root', None)
        kwargs.pop('root_helper', None)
        return processutils.execute(*cmd, **kwargs)

    def _tee(self, attr, value):
        if not os.path.isfile(attr):
            # sysfs creates no files: tee fails with EACCES / ENOENT.
            raise processutils.ProcessExecutionError(
                exit_code=1, stderr='tee: %s: No such file' % attr)
        with open(attr, 'a') as f:
            f.write(value)
        value = value.strip()
        self.written.append((attr, value))
        base = os.path.basename(attr)
        parent = os.path.dirname(attr)
        if base == 'online':
            self._online(os.path.basename(parent)[4:], value)
        elif base == 'port_rescan':
            self._port_rescan(os.path.basename(parent)[4:])
        elif base == 'unit_add':
            self._unit_add(parent, value)
        elif base == 'unit_remove':
            self._unit_remove(parent, value)
        elif base == 'delete':
            self._delete_disk(os.path.basename(os.path.dirname(parent)))
        return '', ''

    # ---- kernel reactions ------------------------------------------------

    def _online(self, devno, value):
        online = os.path.join(self.ccw_dir(devno), 'online')
        if value == '1':
            if self.refuse_online:
                self._write(online, '0\n')
                return
            self._write(online, '1\n')
            zdir = self.zfcp_dir(devno)
            os.makedirs(zdir, exist_ok=True)
            self._write(os.path.join(zdir, 'port_rescan'), '')
            host = 'host%d' % sorted(self.fcp_wwpns).index(devno)
            real = os.path.join(self.sys, 'devices', 'css0', '0.0.0000',
                                '0.0.' + devno, host, 'fc_host', host)
            os.makedirs(real, exist_ok=True)
            self._write(os.path.join(real, 'port_name'),
                        '0x%s\n' % self.fcp_wwpns[devno])
            cls = os.path.join(self.sys, 'class', 'fc_host')
            os.makedirs(cls, exist_ok=True)
            if not os.path.lexists(os.path.join(cls, host)):
                os.symlink(real, os.path.join(cls, host))
        else:
            self._write(online, '0\n')
            self._rmtree(self.zfcp_dir(devno))

    def _port_rescan(self, devno):
        for wwpn in self.ports.get(devno, []):
            pdir = os.path.join(self.zfcp_dir(devno), '0x' + wwpn)
            os.makedirs(pdir, exist_ok=True)
            for name in ('unit_add', 'unit_remove'):
                if not os.path.exists(os.path.join(pdir, name)):
                    self._write(os.path.join(pdir, name), '')

    def _unit_add(self, port_dir, value):
        if self.refuse_unit_add:
            raise processutils.ProcessExecutionError(
                exit_code=1, stderr='tee: write error: Invalid argument')
        wwpn = os.path.basename(port_dir)[2:]
        devno = os.path.basename(os.path.dirname(port_dir))[4:]
        lun = value[2:]
        os.makedirs(os.path.join(port_dir, value), exist_ok=True)
        if ((wwpn, lun) not in self.luns or lun in self.never_appear or
                (devno, wwpn, lun) in self.masked):
            return
        self._next_sd += 1
        sd = 'sd' + chr(ord('a') + self._next_sd - 1)
        block = os.path.join(self.sys, 'block', sd)
        os.makedirs(os.path.join(block, 'device'), exist_ok=True)
        self._write(os.path.join(block, 'device', 'delete'), '')
        if self.disk_attrs:
            for attr, text in (('hba_id', '0.0.' + devno),
                               ('wwpn', '0x' + wwpn), ('fcp_lun', value)):
                self._write(os.path.join(block, 'device', attr), text + '\n')
        size = os.path.getsize(self.luns[(wwpn, lun)])
        self._write(os.path.join(block, 'size'), '%d\n' % (size // 512))
        os.symlink(self.luns[(wwpn, lun)], os.path.join(self.dev, sd))
        os.symlink('../../' + sd, self.link(devno, wwpn, lun))

    def link(self, devno, wwpn, lun):
        return os.path.join(self.dev, 'disk', 'by-path',
                            'ccw-0.0.%s-zfcp-0x%s:0x%s' % (devno, wwpn, lun))

    def _unit_remove(self, port_dir, value):
        wwpn = os.path.basename(port_dir)[2:]
        devno = os.path.basename(os.path.dirname(port_dir))[4:]
        link = self.link(devno, wwpn, value[2:])
        if os.path.lexists(link):
            self._delete_disk(os.path.basename(os.readlink(link)))
        self._rmtree(os.path.join(port_dir, value))

    def _delete_disk(self, sd):
        by_path = os.path.join(self.dev, 'disk', 'by-path')
        for name in os.listdir(by_path):
            full = os.path.join(by_path, name)
            if os.path.basename(os.readlink(full)) == sd:
                os.unlink(full)
        if os.path.lexists(os.path.join(self.dev, sd)):
            os.unlink(os.path.join(self.dev, sd))
        self._rmtree(os.path.join(self.sys, 'block', sd))

    # ---- read back ---------------------------------------------------------

    def disks(self):
        top = os.path.join(self.sys, 'block')
        return sorted(os.listdir(top)) if os.path.isdir(top) else []

    def units(self):
        found = []
        top = os.path.join(self.sys, 'bus', 'ccw', 'drivers', 'zfcp')
        for dirpath, dirnames, _files in os.walk(top):
            for d in dirnames:
                if d.startswith('0x') and len(d) == 18 and os.path.basename(
                        dirpath).startswith('0x'):
                    found.append((os.path.basename(os.path.dirname(dirpath)),
                                  os.path.basename(dirpath), d))
        return sorted(found)

    def links(self):
        return sorted(os.listdir(os.path.join(self.dev, 'disk', 'by-path')))

    def writes(self, suffix):
        return [c for c in self.commands
                if c[0] == 'tee' and c[-1].endswith(suffix)]

    # ---- helpers -----------------------------------------------------------

    @staticmethod
    def _write(path, text):
        with open(path, 'w') as f:
            f.write(text)

    @staticmethod
    def _rmtree(path):
        if os.path.isdir(path) and not os.path.islink(path):
            for dirpath, dirnames, files in os.walk(path, topdown=False):
                for name in files:
                    os.unlink(os.path.join(dirpath, name))
                for name in dirnames:
                    full = os.path.join(dirpath, name)
                    (os.unlink if os.path.islink(full) else os.rmdir)(full)
            os.rmdir(path)
