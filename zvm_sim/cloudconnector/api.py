"""The sdk API functions nova's z/VM driver calls, over one z/VM system.

Each function returns what feilong's sdkserver answers (zvmsdk/sdkserver.py
serve_API): ``{'overallRC', 'modID', 'rc', 'rs', 'errmsg', 'output'}``,
``overallRC`` 0 on success.  Error codes are zvmsdk/returncode.py's:

=====================  ========  =====  ====  ===  ============================
case                   overallRC modID  rc    rs   raised in feilong by
=====================  ========  =====  ====  ===  ============================
guest not found        404       10     404   1    api.check_guest_exist
guest exists           409       10     409   1    SDKObjectAlreadyExistError
guest not active       409       10     409   1    'conflict' rs 1
image not found        404       40     404   1    database.image_query_record
image exists           300       40     300   13   'image' rs 13
image import failed    300       40     300   12   'image' rs 12
bad input              100       400    100   3/4  'input'
capture failed         300       10     300   5    'guest' rs 5
deploy failed          300       10     300   14   'guest' rs 14
SMAPI refused          8         1      596   n    SDKSMTRequestFailed
=====================  ========  =====  ====  ===  ============================

What the simulator does, and does not (deliberately):

- guest_create defines the user and its minidisks from the system's disk
  pool (zvm.System.define_guest); a disk the pool cannot hold fails after
  the directory entry exists, as DirMaint does (nova then deletes it).
- guest_deploy installs the image's Linux (distro and version from the
  image's os_version); transport files (config drive) are not modelled.
- Network interfaces and ephemeral disk configuration are accepted and not
  modelled (no NICs exist in the core).
- guest_delete logs the guest off and deletes it (smtclient.delete_vm);
  zHCP pool files are not touched.
"""

import math
import os
import re
from urllib.parse import urlsplit

_CYL = 15 * 56664          # one 3390 cylinder
_BLK = 512
_OS = re.compile(r'^(rhel|redhat|sles|suse|ubuntu)[ -]?(\d+)(?:(?:\.|sp)(\d+))?$', re.I)
_USERID = re.compile(r'^\w{1,8}$')


def ok(output=''):
    return {'overallRC': 0, 'modID': None, 'rc': 0, 'rs': 0, 'errmsg': '',
            'output': output}


def error(overall, mod, rc, rs, errmsg):
    return {'overallRC': overall, 'modID': mod, 'rc': rc, 'rs': rs,
            'errmsg': errmsg, 'output': ''}


def guest_not_found(userid):
    return error(404, 10, 404, 1, "Guest '%s' does not exist." % userid)


def image_not_found(name):
    return error(404, 40, 404, 1, 'Image with name: %s does not exist.' % name)


def bad_input(text, rs=3):
    return error(100, 400, 100, rs, 'Invalid API arg format, error: %s' % text)


def parse_os_version(text):
    """'rhel9.2' / 'sles15sp4' / 'ubuntu22.04' -> (distro, version) or None."""
    m = _OS.match(str(text or '').strip())
    if not m:
        return None
    distro = {'redhat': 'rhel', 'suse': 'sles'}.get(m.group(1).lower(), m.group(1).lower())
    version = m.group(2) + ('.%s' % m.group(3) if m.group(3) else '')
    if distro == 'ubuntu' and m.group(3):
        version = '%s.%02d' % (m.group(2), int(m.group(3)))
    return distro, version


def disk_bytes(size, pool_name):
    """'10g', '512M', or a count of cylinders (ECKD) / blocks (FBA)."""
    text = str(size).strip().lower()
    m = re.match(r'^(\d+)([gm]?)$', text)
    if not m:
        return None
    number, unit = int(m.group(1)), m.group(2)
    if unit:
        return number << (30 if unit == 'g' else 20)
    return number * (_CYL if pool_name.upper().startswith('ECKD') else _BLK)


class CloudConnectorAPI:
    """The sdk API of the Cloud Connector of one z/VM system."""

    def __init__(self, sim, hypervisor, images):
        self.sim = sim
        self.hv = hypervisor
        self.images = images

    @property
    def system(self):
        return self.sim.systems[self.hv]

    def _guest(self, userid):
        return self.system.guests.get(str(userid).lower())

    # -- host -------------------------------------------------------------

    def host_get_info(self):
        system = self.system
        pool = system.disk_pool
        used_mb = sum(g.memory_mb or 2048 for g in system.guests.values()
                      if g.power == 'on')
        free = system.disk_pool_free()
        return ok({'zcc_userid': 'ZCC1', 'zvm_host': self.hv.upper(),
                   'vcpus': 16, 'vcpus_used': 4,
                   'cpu_info': {'architecture': 's390x', 'cec_model': '3906'},
                   'memory_mb': 262144, 'memory_mb_used': used_mb,
                   'hypervisor_type': 'zvm', 'hypervisor_version': 720,
                   'hypervisor_hostname': self.hv.upper(),
                   'ipl_time': 'IPL at 11/20/26 08:00:00 UTC',
                   'disk_total': pool['size_bytes'] >> 30,
                   'disk_used': (pool['size_bytes'] - free) >> 30,
                   'disk_available': free >> 30})

    def guest_list(self):
        return ok(sorted(g.userid for g in self.system.guests.values()))

    # -- guest lifecycle ----------------------------------------------------

    def guest_create(self, userid, vcpus, memory, disk_list=None, **_ignored):
        if not _USERID.match(str(userid)):
            return bad_input('userid %r must be 1-8 letters or digits' % (userid,))
        pool = self.system.disk_pool['name']
        sizes = []
        for disk in disk_list or []:
            if disk.get('disk_pool') and disk['disk_pool'].upper() != pool:
                return error(8, 1, 596, 3612, "Failed to create userid '%s'. "
                             'SMT error: disk pool %s does not exist'
                             % (userid.upper(), disk['disk_pool']))
            size = disk_bytes(disk.get('size', ''), pool)
            if size is None:
                return bad_input('disk size %r' % disk.get('size'))
            sizes.append(size)
        guest, fail = self.sim.define_guest(self.hv, userid, int(vcpus),
                                            int(memory), sizes)
        if guest is None:
            return error(409, 10, 409, 1, "Guest '%s' already exists."
                         % userid.upper())
        if fail:
            return error(8, 1, 596, 3609, "Failed to add mdisks when creating "
                         "guest '%s'. SMT error: %s" % (guest.userid, fail))
        return ok([dict(d, vdev=v, size=str(d['size_bytes']))
                   for v, d in sorted(guest.mdisks.items())])

    def guest_delete(self, userid):
        # smtclient.delete_userid: a user that is not there is no error.
        self.sim.delete_guest(str(userid).lower())
        return ok()

    def guest_deploy(self, userid, image_name, transportfiles=None,
                     remotehost=None, vdev=None, **_ignored):
        guest = self._guest(userid)
        if guest is None:
            return guest_not_found(userid.upper())
        record = self.images.get(image_name)
        if record is None:
            return image_not_found(image_name)
        if (vdev or '0100').lower().zfill(4) not in guest.mdisks:
            return error(300, 10, 300, 14, "Failed to deploy image to userid: "
                         "'%s', target disk %s not linked; not in CP directory"
                         % (guest.userid, vdev or '0100'))
        if guest.power == 'on':
            return error(300, 10, 300, 14, "Failed to deploy image to userid: "
                         "'%s', the guest is logged on" % guest.userid)
        self.sim.install_guest(guest.node, *parse_os_version(record['imageosdistro']))
        return ok()

    def guest_create_network_interface(self, userid, os_version, guest_networks,
                                       active=False):
        if self._guest(userid) is None:
            return guest_not_found(userid.upper())
        return ok()

    def guest_config_minidisks(self, userid, disk_list):
        if self._guest(userid) is None:
            return guest_not_found(userid.upper())
        return ok()

    # -- power ----------------------------------------------------------------

    def guest_get_power_state(self, userid):
        guest = self._guest(userid)
        if guest is None:
            return guest_not_found(userid.upper())
        return ok(guest.power)

    def guest_action(self, userid, action, body):
        """POST /guests/<userid>/action (sdkwsgi handlers/guest.py VMAction)."""
        guest = self._guest(userid)
        if guest is None:
            return guest_not_found(str(userid).upper())
        if action == 'deploy':
            return self.guest_deploy(userid, body.get('image'),
                                     **{k: v for k, v in body.items() if k != 'image'})
        if action == 'capture':
            return self.guest_capture(guest, body.get('image'))
        if action == 'get_console_output':
            return ok(self._console(guest))
        with self.sim.lock:
            if action == 'start':
                guest.activate()
            elif action in ('softstop', 'stop'):
                guest.deactivate()
            elif action == 'reset':
                guest.deactivate()
                guest.activate()
            elif guest.power != 'on':
                return error(409, 10, 409, 1, "Guest '%s' is not in active "
                             "status." % guest.userid)
            elif action == 'reboot':
                guest.reboot_linux()
            elif action in ('pause', 'unpause'):
                guest.paused = action == 'pause'
            else:
                return None
            self.sim.save()
        return ok()

    @staticmethod
    def _console(guest):
        lines = ['%s LOGON AT 08:00:00 UTC' % guest.userid]
        if guest.power == 'on' and guest.linux is not None:
            lines.append('Linux %s %s: reached target Multi-User System'
                         % (guest.distro, guest.version))
        elif guest.power == 'on':
            lines.append('HCPGIR450W CP entered; disabled wait PSW')
        return '\n'.join(lines) + '\n'

    # -- images ---------------------------------------------------------------

    def guest_capture(self, guest, image_name):
        if guest.linux is None or guest.power != 'on':
            return error(300, 10, 300, 5, 'Failed to capture userid %s to '
                         'generate image, error: the guest is not running a '
                         'Linux' % guest.userid)
        data = ('captured %s %s %s\n' % (guest.userid, guest.distro,
                                         guest.version)).encode()
        root = guest.mdisks.get('0100', {}).get('size_bytes', _CYL)
        if not self.images.add(image_name, data, guest.distro + guest.version,
                               '%d:CYL' % math.ceil(root / _CYL)):
            return error(300, 40, 300, 13, 'Image import error: image name %s '
                         'already exist in image database' % image_name)
        return ok()

    def image_query(self, imagename=None):
        if imagename is None:
            return ok(self.images.all())
        record = self.images.get(imagename)
        return ok([record]) if record else image_not_found(imagename)

    def image_import(self, image_name, url, image_meta, remote_host=None):
        os_version = (image_meta or {}).get('os_version')
        if not os_version:
            return bad_input('os_version', rs=4)
        if parse_os_version(os_version) is None:
            return bad_input('os_version %r is not supported' % os_version)
        parts = urlsplit(url or '')
        if parts.scheme != 'file' or not os.path.isfile(parts.path):
            return error(300, 40, 300, 12, 'Import image from local file system '
                         'failed with error %s: no such file' % url)
        with open(parts.path, 'rb') as f:
            data = f.read()
        units = '%d:CYL' % max(1, math.ceil(len(data) / _CYL))
        if not self.images.add(image_name, data, os_version, units):
            return error(300, 40, 300, 13, 'Image import error: image name %s '
                         'already exist in image database' % image_name)
        return ok()

    def image_get_root_disk_size(self, image_name):
        record = self.images.get(image_name)
        if record is None:
            return image_not_found(image_name)
        return ok(record['disk_size_units'].split(':')[0])

    def image_delete(self, image_name):
        self.images.delete(image_name)
        return ok()

    def image_export(self, image_name, dest_url, remote_host=None):
        record = self.images.get(image_name)
        if record is None:
            return image_not_found(image_name)
        path = urlsplit(dest_url or '').path
        if not path:
            return error(300, 40, 300, 22, 'Export image to local file system '
                         'failed: bad destination %r' % dest_url)
        with open(self.images.path(image_name), 'rb') as src, open(path, 'wb') as dst:
            dst.write(src.read())
        return ok({'image_name': image_name, 'image_path': path,
                   'os_version': record['imageosdistro'],
                   'md5sum': record['md5sum'], 'comments': record['comments']})
