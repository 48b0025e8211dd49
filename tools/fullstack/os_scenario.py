"""The scenario of ``tools/fullstack.sh --openstack``: the openstack CLI only.

Everything a user does goes through python-openstackclient's ``openstack``
program with keystone auth (the OS_* variables tools/fullstack.sh sets):
volume types and volumes (also from an image), an image, a flavor, a
server (nova-api -> conductor -> scheduler -> nova-compute running
ZVMVolumeDriver on the simulator's Cloud Connector and xCAT), attach and
detach on a running and a stopped server, server delete with volumes,
migrate, extend of an attached volume, and refused input. Every outcome is
read back from the simulator (``/_sim``): pool rows, the guest's directory
and its Linux zfcp units, and from nova-compute's state file.

Usage (from tools/fullstack.sh --openstack):
  python -m tools.fullstack.os_scenario --sim-url URL --sim-ca FILE \
      --workdir DIR --counts FILE [--results FILE] [--t0-ns N]
"""

import json
import os
import sys
import time

from tools.fullstack import harness
from tools.fullstack import os_volume_steps
from tools.fullstack import simcheck

PREFIX = simcheck.PREFIX
SERVER = PREFIX + 'vm'
IMAGE_DISTRO = 'rhel9.2'
# Attach and extend need these microversions (server add volume: any;
# volume set --size of an in-use volume: 3.42).
VOLUME_API = '3.42'
GiB = 1024 ** 3


class OpenStackCLI:
    """python-openstackclient, keystone auth from the environment."""

    def __init__(self):
        self.log = []

    def __call__(self, *args, timeout=300, check=True, fmt=True):
        argv = ['openstack', '--os-volume-api-version', VOLUME_API] + [str(a) for a in args]
        if fmt:
            argv += ['-f', 'json']
        t = time.monotonic()
        proc = harness.run(argv, timeout=timeout, check=False)
        self.log.append((' '.join(str(a) for a in args), proc.returncode,
                         round(time.monotonic() - t, 2)))
        if check and proc.returncode != 0:
            raise harness.CLIError(argv, proc.returncode, proc.stdout, proc.stderr)
        if not check:
            return proc
        return json.loads(proc.stdout) if fmt and proc.stdout.strip() else proc.stdout


class OpenStackScenario(os_volume_steps.VolumeSteps, simcheck.SimChecks):

    def __init__(self, args):
        super().__init__(args)
        self.os = OpenStackCLI()
        self.state_file = os.path.join(self.work, 'nova', 'fcp_state.json')
        self.guest = None          # the server's z/VM guest (node name)
        self.server_id = None
        self.luns = {}             # short name -> (backend, pool, wwpn, lun)

    # -- read-backs ----------------------------------------------------------

    def vol(self, name):
        return self.os('volume', 'show', self.vols[name])

    def wait_vol(self, name, wanted, timeout=180):
        def check():
            show = self.vol(name)
            if show['status'] in ('error', 'error_extending') and \
                    show['status'] not in wanted:
                raise harness.Fatal('volume %s went to %s' % (name, show['status']))
            return show if show['status'] in wanted else None
        return harness.wait_until(check, timeout, 'volume %s %s' % (name, '/'.join(wanted)))

    def server(self):
        return self.os('server', 'show', SERVER)

    def wait_server(self, wanted, timeout=300):
        def check():
            show = self.server()
            if show['status'] == 'ERROR':
                raise harness.Fatal('server went to ERROR: %s' % show.get('fault'))
            return show if show['status'] == wanted and not show.get(
                'OS-EXT-STS:task_state') else None
        return harness.wait_until(check, timeout, 'server %s' % wanted, interval=2)

    def lun_of(self, name):
        """(pool, row) of the volume's LUN in the simulator.

        A detached volume's row has owner volume-<id>; an attached one's
        the guest's node: then the LUN last seen for the volume is looked up.
        """
        vid = self.vols[name]
        for backend in self.backends:
            rows = self.rows_owned(backend, 'volume-' + vid)
            if rows:
                self.luns[name] = (backend, rows[0][0], rows[0][1]['wwpn'],
                                   rows[0][1]['lun'])
                return rows[0]
        if name not in self.luns:
            raise harness.StepFailed('no pool row owned by volume %s' % name)
        backend, pool, wwpn, lun = self.luns[name]
        for row in self.admin.pool(backend, pool):
            if row['wwpn'] == wwpn and row['lun'] == lun:
                return pool, row
        raise harness.StepFailed('LUN %s:%s of volume %s gone from %s/%s'
                                 % (wwpn, lun, name, backend, pool))

    def nova_state(self):
        try:
            with open(self.state_file, encoding='utf-8') as f:
                return json.load(f)
        except FileNotFoundError:
            return None

    def guest_state(self):
        return self.admin.guest(self.guest)

    # -- steps -----------------------------------------------------------

    def services_up(self):
        def check():
            compute = {(s['Binary'], s['State']) for s in
                       self.os('compute', 'service', 'list')}
            volume = {(s['Binary'], s['Host'], s['State']) for s in
                      self.os('volume', 'service', 'list')}
            want_c = {('nova-compute', 'up'), ('nova-conductor', 'up'),
                      ('nova-scheduler', 'up')}
            want_v = {('cinder-volume', 'fullstack@' + b, 'up') for b in self.backends}
            return want_c <= compute and want_v <= volume
        harness.wait_until(check, 180, 'nova and cinder services up', interval=3)
        hv = self.os('hypervisor', 'list')

        def pools():
            names = [p['Name'] for p in self.os('volume', 'backend', 'pool', 'list')]
            have = {n.split('@', 1)[-1].split('#')[0] for n in names}
            return set(self.backends) <= have and sorted(names)
        return 'hypervisors %s; pools %s' % (
            ', '.join(h['Hypervisor Hostname'] for h in hv),
            ', '.join(harness.wait_until(pools, 120, 'pools of every backend', interval=3)))

    def sim_baseline(self):
        note = super().sim_baseline()
        self.baseline_nova_state = self.nova_state()
        return note

    def volume_types(self):
        for backend in self.backends:
            self.os('volume', 'type', 'create', '--property',
                    'volume_backend_name=' + backend, PREFIX + backend)
        self.os('volume', 'type', 'create', '--property', 'volume_backend_name=nowhere',
                PREFIX + 'nowhere')
        names = {t['Name'] for t in self.os('volume', 'type', 'list')}
        return ', '.join(sorted(n for n in names if n.startswith(PREFIX)))

    def create(self, name, backend, *extra):
        show = self.os('volume', 'create', '--type', PREFIX + backend, '--size', 1,
                       *extra, PREFIX + name)
        self.vols[name] = show['id']
        show = self.wait_vol(name, ('available',))
        pool, row = self.lun_of(name)
        if row['status'] != 'reserved' or not show['os-vol-host-attr:host'].endswith(
                '@%s#%s' % (backend, pool)):
            raise harness.StepFailed('volume %s: host %s, LUN row %s in %s' % (
                name, show['os-vol-host-attr:host'], row, pool))
        return show, pool, row

    def create_volume(self, name, backend):
        def step():
            show, pool, row = self.create(name, backend)
            return '%s: LUN %s:%s in %s/%s' % (show['id'], row['wwpn'], row['lun'],
                                               backend, pool)
        return step

    def image_create(self):
        path = os.path.join(self.work, 'image.raw')
        with open(path, 'wb') as f:
            f.write(simcheck.MARKER + b'\0' * (1024 * 1024 - len(simcheck.MARKER)))
        show = self.os('image', 'create', '--disk-format', 'raw', '--container-format',
                       'bare', '--file', path, '--property', 'os_distro=' + IMAGE_DISTRO,
                       PREFIX + 'image')
        self.image_id = show['id']
        if show['status'] != 'active':
            raise harness.StepFailed('image %s' % show['status'])
        self.os('flavor', 'create', '--ram', 1024, '--disk', 5, '--vcpus', 1,
                PREFIX + 'flavor')
        return 'image %s (1 MiB raw, os_distro %s), flavor %sflavor' % (
            show['id'], IMAGE_DISTRO, PREFIX)

    def volume_from_image(self):
        show, pool, row = self.create('img', self.backends[0], '--image', PREFIX + 'image')
        path = self.admin.lun_path(row['wwpn'], row['lun'])
        with open(path, 'rb') as f:
            head = f.read(len(simcheck.MARKER))
        if head != simcheck.MARKER:
            raise harness.StepFailed('the image is not on LUN %s (%r)' % (path, head[:32]))
        # data-wiped: volume delete must wipe it (the image's marker at 0).
        self.markers['img'] = (path, [0])
        return 'LUN %s:%s holds the image' % (row['wwpn'], row['lun'])

    def server_create(self):
        show = self.os('server', 'create', '--flavor', PREFIX + 'flavor', '--image',
                       PREFIX + 'image', '--nic', 'none', SERVER)
        self.server_id = show['id']
        show = self.wait_server('ACTIVE')
        self.guest = show['OS-EXT-SRV-ATTR:instance_name'].lower()
        guest = self.guest_state()
        if guest['power'] != 'on':
            raise harness.StepFailed('guest %s not logged on: %s' % (self.guest, guest['power']))
        return 'server %s on %s, guest %s' % (
            self.server_id, show['OS-EXT-SRV-ATTR:hypervisor_hostname'], self.guest)

    def add_volume(self, name, running=True, write=False):
        """``server add volume``; ``write``: then the guest writes to the volume."""
        def step():
            self.os('server', 'add', 'volume', SERVER, self.vols[name], fmt=False)
            show = self.wait_vol(name, ('in-use',))
            device = show['attachments'][0]['device']
            _pool, row = self.lun_of(name)
            if row['status'] != 'used':
                raise harness.StepFailed('LUN row after attach: %s' % row)
            note = 'device %s, LUN %s' % (device, row['lun'])
            if running:
                if row['lun'] not in self.guest_luns(self.guest):
                    raise harness.StepFailed('guest %s does not show LUN %s'
                                             % (self.guest, row['lun']))
                note += ' in the guest'
                self.check_device(device)
                note += ' at ' + device
            if write:
                self.write_marker(name, row['wwpn'], row['lun'], int(show['size']) * GiB)
                note += ', data written'
            return note
        return step

    def power(self, action, wanted):
        def step():
            self.os('server', action, SERVER, fmt=False)
            self.wait_server(wanted)
            guest = self.guest_state()
            if guest['power'] != ('on' if wanted == 'ACTIVE' else 'off'):
                raise harness.StepFailed('guest %s power %s' % (self.guest, guest['power']))
            return 'guest %s power %s' % (self.guest, guest['power'])
        return step

    def check_device(self, device):
        """The device nova reports is where the guest has the volume."""
        links = self.guest_state()['linux_state']['mountpoints']
        if device not in links:
            raise harness.StepFailed('nova reports %s; the guest links %s'
                                     % (device, sorted(links)))

    def confirmed_in_guest(self, name):
        def step():
            _pool, row = self.lun_of(name)
            if row['lun'] not in self.guest_luns(self.guest):
                raise harness.StepFailed('after start, guest %s does not show LUN %s'
                                         % (self.guest, row['lun']))
            device = self.vol(name)['attachments'][0]['device']
            self.check_device(device)
            return 'LUN %s in the guest at %s after start' % (row['lun'], device)
        return step

    def remove_volume(self, name, running=True):
        def step():
            _pool, row = self.lun_of(name)
            self.os('server', 'remove', 'volume', SERVER, self.vols[name], fmt=False)
            self.wait_vol(name, ('available',))
            _pool, after = self.lun_of(name)
            if after['status'] != 'reserved':
                raise harness.StepFailed('LUN row after detach: %s' % after)
            if running and row['lun'] in self.guest_luns(self.guest):
                raise harness.StepFailed('guest still shows LUN %s' % row['lun'])
            return 'LUN %s reserved again%s' % (row['lun'], ', gone from the guest'
                                                if running else '')
        return step

    def guest_clean(self):
        """Both volumes removed: the guest has no LUN and no FCP device left."""
        guest = self.guest_state()
        luns = self.guest_luns(self.guest)
        if luns or guest['directory'] or guest['active']:
            raise harness.StepFailed('guest %s after the removes: directory %s, active %s, '
                                     'LUNs %s' % (self.guest, guest['directory'],
                                                  guest['active'], sorted(luns)))
        return 'guest %s: no LUN, no FCP device in its directory or active' % self.guest

    def other_system_volume(self):
        """A volume of zvm2 cannot reach a guest of zvm1: refused, nothing left."""
        name = self.backends[-1]
        before = self.admin.state()['pools']
        self.os('server', 'add', 'volume', SERVER, self.vols[name], fmt=False, check=False)
        time.sleep(5)
        show = self.wait_vol(name, ('available',))
        if show['attachments']:
            raise harness.StepFailed('attachments left: %s' % show['attachments'])
        if self.admin.state()['pools'] != before:
            raise harness.StepFailed('pools changed by the refused attach')
        # nova's normal error: the server's attach_volume action failed.
        attaches = [e for e in self.os('server', 'event', 'list', SERVER)
                    if e['Action'] == 'attach_volume']
        last = max(attaches, key=lambda e: e['Start Time'])
        action = self.os('server', 'event', 'show', SERVER, last['Request ID'])
        if action.get('message') != 'Error':
            raise harness.StepFailed('attach_volume action: %s' % action)
        failed = [e for e in action.get('events') or [] if e.get('result') == 'Error']
        return 'refused (server action attach_volume: Error%s); volume available, ' \
            'no attachment, pools unchanged' % (
                ', %s' % failed[0].get('event') if failed else '')

    def server_delete(self):
        """Delete with two volumes attached: nothing stays used or dedicated."""
        names = [self.backends[0], 'second']
        rows = {n: self.lun_of(n) for n in names}
        self.os('server', 'delete', '--wait', SERVER, fmt=False)
        for n in names:
            self.wait_vol(n, ('available',))
            _pool, row = self.lun_of(n)
            if row['status'] != 'reserved':
                raise harness.StepFailed('volume %s LUN row after delete: %s' % (n, row))
        state = self.nova_state() or {}
        if self.server_id in json.dumps(state):
            raise harness.StepFailed('nova state file still knows the server: %s' % state)
        guests = {g['node'] for s in self.admin.state()['systems'] for g in s['guests']}
        if self.guest in guests:
            raise harness.StepFailed('guest %s still defined' % self.guest)
        return 'LUNs %s reserved (not used), guest %s gone, state file forgot it' % (
            ', '.join(r['lun'] for _p, r in rows.values()), self.guest)

    def delete_volumes(self):
        # After a failed step the server may still hold volumes: it goes first.
        if any(s['Name'] == SERVER for s in self.os('server', 'list')):
            self.os('server', 'delete', '--wait', SERVER, fmt=False)
        for name in list(self.vols):
            self.os('volume', 'delete', self.vols[name], fmt=False)

        def gone():
            listed = {v['ID'] for v in self.os('volume', 'list', '--all-projects')}
            return not (listed & set(self.vols.values()))
        harness.wait_until(gone, 240, 'volumes deleted', interval=2)
        count = len(self.vols)
        self.vols.clear()
        for t in self.os('volume', 'type', 'list'):
            if t['Name'].startswith(PREFIX):
                self.os('volume', 'type', 'delete', t['ID'], fmt=False)
        self.os('image', 'delete', PREFIX + 'image', fmt=False)
        self.os('flavor', 'delete', PREFIX + 'flavor', fmt=False)
        return '%d volumes, types, image and flavor deleted' % count

    def nova_state_back(self):
        state = self.nova_state()
        if state != self.baseline_nova_state and (state or {}).get('instances'):
            raise harness.StepFailed('nova state file %s, at the start %s'
                                     % (state, self.baseline_nova_state))
        return 'nova state file: %s' % json.dumps(state)[:200]

    def no_leaks(self):
        """Simulator state back to the baseline; nothing left in nova or cinder."""
        note = self.wait_state_back()
        left = (self.os('volume', 'list', '--all-projects') +
                self.os('volume', 'attachment', 'list', '--all-projects') +
                self.os('server', 'list', '--all-projects'))
        if left:
            raise harness.StepFailed('still listed: %s' % left)
        return note

    def plan(self, steps):
        b1, b2 = self.backends[0], self.backends[-1]
        steps.add('services-up', self.services_up)
        steps.add('sim-baseline', self.sim_baseline)
        steps.add('volume-types', self.volume_types, needs=['services-up'])
        steps.add('volume-create-' + b1, self.create_volume(b1, b1), needs=['volume-types'])
        steps.add('volume-create-' + b2, self.create_volume(b2, b2), needs=['volume-types'])
        steps.add('volume-list-show', self.list_show,
                  needs=['volume-create-' + b1, 'volume-create-' + b2])
        steps.add('image-create', self.image_create, needs=['services-up'])
        steps.add('volume-create-image', self.volume_from_image,
                  needs=['image-create', 'volume-types'])
        steps.add('server-create', self.server_create, needs=['image-create'])
        steps.add('add-volume-running', self.add_volume(b1, write=True),
                  needs=['server-create', 'volume-create-' + b1])
        steps.add('volume-create-second', self.create_volume('second', b1),
                  needs=['volume-types'])
        steps.add('server-stop', self.power('stop', 'SHUTOFF'), needs=['server-create'])
        steps.add('add-volume-stopped', self.add_volume('second', running=False),
                  needs=['server-stop', 'volume-create-second'])
        steps.add('server-start', self.power('start', 'ACTIVE'), needs=['server-stop'])
        steps.add('stopped-attach-in-guest', self.confirmed_in_guest('second'),
                  needs=['add-volume-stopped', 'server-start'])
        steps.add('extend-attached', self.extend_attached('second'),
                  needs=['stopped-attach-in-guest'])
        steps.add('extend-beyond-lun', self.extend_beyond_lun('second'),
                  needs=['extend-attached'])
        steps.add('remove-volume-running', self.remove_volume('second'),
                  needs=['stopped-attach-in-guest'])
        steps.add('server-stop-again', self.power('stop', 'SHUTOFF'),
                  needs=['server-start'])
        steps.add('remove-volume-stopped', self.remove_volume(b1, running=False),
                  needs=['server-stop-again', 'add-volume-running'])
        steps.add('server-start-again', self.power('start', 'ACTIVE'),
                  needs=['server-stop-again'])
        steps.add('guest-clean', self.guest_clean,
                  needs=['server-start-again', 'remove-volume-stopped',
                         'remove-volume-running'])
        steps.add('readd-two-volumes', self.readd(b1, 'second'),
                  needs=['server-start-again', 'remove-volume-stopped',
                         'remove-volume-running'])
        steps.add('second-reuses-fcps', self.second_reuses_fcps(b1, 'second'),
                  needs=['readd-two-volumes'])
        steps.add('bad-other-system-volume', self.other_system_volume,
                  needs=['server-start-again', 'volume-create-' + b2])
        steps.add('bad-unknown-backend', self.unknown_backend, needs=['volume-types'])
        steps.add('exhaustion-error-message', self.exhaustion, needs=['volume-types'])
        steps.add('manage', self.manage, needs=['volume-types'])
        steps.add('server-delete-with-volumes', self.server_delete,
                  needs=['readd-two-volumes'])
        steps.add('volume-migrate', self.migrate(b1),
                  needs=['server-delete-with-volumes', 'add-volume-running'])
        steps.add('volume-delete', self.delete_volumes, needs=['services-up'])
        steps.add('quarantine-clean', self.quarantine_clean, needs=['volume-delete'])
        steps.add('data-wiped', self.data_wiped, needs=['quarantine-clean',
                                                        'volume-create-image',
                                                        'add-volume-running'])
        steps.add('nova-state-back', self.nova_state_back, needs=['sim-baseline'])
        steps.add('no-leaks', self.no_leaks, needs=['sim-baseline', 'volume-delete'])
        steps.add('no-password-in-logs', self.no_password_in_logs)

    def readd(self, *names):
        def step():
            return '; '.join(self.add_volume(n)() for n in names)
        return step


def planned_steps():
    return harness.planned_steps(OpenStackScenario, leak_wait=0)


def main(argv=None):
    return harness.scenario_main(
        'os_scenario', OpenStackScenario, argv,
        extra_options=[('--leak-wait', {'type': float, 'default': 90})])


if __name__ == '__main__':
    sys.exit(main())
