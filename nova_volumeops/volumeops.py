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
"""Attach, detach, verify and reconcile FCP volumes of z/VM guests via xCAT.

Every flow is a list of steps (steps.py), each one xCAT request or guest
script with an idempotent undo. Before a step runs it is written to the
per-instance journal in the state file (fcp_state), so that

- a failing attach undoes the steps that ran, in reverse order, each undo
  best-effort and logged: no dedication, pool entry or guest config stays;
- after a crash, ``reconcile`` (nova-compute start) finds the journal and
  undoes an interrupted attach or finishes an interrupted detach.

All flows of one instance hold a per-instance lock; FCP allocation is
serialised by the state store's lock. Inputs are validated (validate,
connection, scripts.resolve_distro) before anything is touched.
"""

import logging
import time

from oslo_concurrency import lockutils

from nova_volumeops import boot_restart
from nova_volumeops import connection
from nova_volumeops import errors
from nova_volumeops import fcp_alloc
from nova_volumeops import fcp_state
from nova_volumeops import lifecycle
from nova_volumeops import scripts
from nova_volumeops import steps as steps_mod
from nova_volumeops import validate
from zvm_xcat import exception as xexc
from zvm_xcat import zfcp

LOG = logging.getLogger(__name__)


# Raised by the flows here and in boot_restart; callers know them by these
# names.
VolumeOpsError = errors.VolumeOpsError
VolumeNotAttached = errors.VolumeNotAttached


class VolumeOps(boot_restart.BootAndRestartMixin):
    """The xCAT-backed volume logic of one nova-compute host."""

    def __init__(self, client, store, hypervisor, fcp_list, host, paths=2,
                 min_paths=1, reservation_expiry=600, script_timeout=600,
                 clock=time.time, min_volume_paths=0, pool_lock=None):
        self.client = client
        self.store = store
        self.hv = validate.node_name(hypervisor, 'zvm_hypervisor')
        self.fcp_list = validate.fcp_list_option(fcp_list)
        if not self.fcp_list:
            raise validate.InvalidInput('fcp_list', fcp_list,
                                        'at least one FCP device, e.g. '
                                        '"1f00-1f0f;2f00-2f0f"')
        self.host = host
        self.paths = paths
        self.min_paths = min(min_paths, paths)
        self.expiry = reservation_expiry
        self.min_volume_paths = min_volume_paths
        self.runner = steps_mod.StepRunner(client, self.hv, script_timeout,
                                           min_paths=min_volume_paths,
                                           pool_lock=pool_lock)
        self.clock = clock
        self._devices = {}

    # -- FCP devices and the connector ------------------------------------

    def refresh_fcp_devices(self):
        """Details of every FCP device xCAT knows (2 rinv requests)."""
        devices = {}
        for state in ('free', 'active'):
            for dev in zfcp.list_fcp_devices(self.client, self.hv, state):
                devices[dev.devno] = dev
        self._devices = devices
        return devices

    def _lock(self, guest):
        return lockutils.lock('zvm-volumeops-%s' % guest.uuid)

    def get_connector(self, guest):
        """Reserve (or reuse) the instance's FCPs; return the connector."""
        with self._lock(guest):
            now = self.clock()
            with self.store.transaction() as st:
                inst = st['instances'].get(guest.uuid)
                in_use = inst and (inst['volumes'] or inst['ops'] or
                                   inst['dedicated'])
                reuse = inst and inst['fcps'] and (
                    in_use or self._still_ours(st, guest, inst, now))
                if reuse and all(f in inst['wwpns'] for f in inst['fcps']):
                    if not inst['volumes'] and not inst['ops']:
                        inst['reserved_until'] = now + self.expiry
                    return connection.connector(guest, self.hv, self.host,
                                                inst['fcps'], inst['wwpns'])
            devices = self.refresh_fcp_devices()
            if reuse:
                # Adopted FCPs (state rebuilt from a connection) lack WWPNs.
                with self.store.transaction() as st:
                    inst = st['instances'][guest.uuid]
                    for f in inst['fcps']:
                        if f not in devices:
                            raise VolumeOpsError('FCP device %s of instance %s '
                                                 'is unknown to xCAT' % (f, guest.uuid))
                        inst['wwpns'][f] = devices[f].wwpn
                    return connection.connector(guest, self.hv, self.host,
                                                inst['fcps'], inst['wwpns'])
            with self.store.transaction() as st:
                inst = st['instances'].setdefault(
                    guest.uuid, fcp_state.new_instance(guest.node, guest.userid))
                busy = set(fcp_state.busy_devnos(st, now, exclude=guest.uuid))
                picked = fcp_alloc.choose(
                    fcp_alloc.usable_candidates(self.fcp_list, devices.values(), busy),
                    self.paths, self.min_paths,
                    load=fcp_alloc.chpid_load(devices.values(), busy))
                inst['fcps'] = [c.devno for c in picked]
                inst['wwpns'] = {c.devno: c.wwpn for c in picked}
                inst['reserved_until'] = now + self.expiry
                LOG.info('Reserved FCP devices %s for instance %s until +%ds',
                         inst['fcps'], guest.uuid, self.expiry)
                return connection.connector(guest, self.hv, self.host,
                                            inst['fcps'], inst['wwpns'])

    @staticmethod
    def _still_ours(st, guest, inst, now):
        busy = fcp_state.busy_devnos(st, now, exclude=guest.uuid)
        return not any(f in busy for f in inst['fcps'])

    def _fcps_for_attach(self, st, guest, target, now):
        """The FCPs this attach uses: the instance's, as cinder mapped them."""
        inst = st['instances'].setdefault(
            guest.uuid, fcp_state.new_instance(guest.node, guest.userid))
        fcps = list(target.fcps) or list(inst['fcps'])
        if not fcps:
            raise VolumeOpsError('instance %s has no FCP devices: call '
                                 'get_volume_connector first' % guest.uuid)
        unknown = [f for f in fcps if f not in self.fcp_list]
        if unknown:
            raise VolumeOpsError('FCP devices %s of the connection are not '
                                 'in fcp_list of this host' % unknown)
        in_use = {f for v in inst['volumes'].values() for f in v['fcps']}
        if in_use and set(fcps) != set(inst['fcps']):
            raise VolumeOpsError(
                'instance %s uses FCP devices %s; the connection was made '
                'for %s' % (guest.uuid, inst['fcps'], fcps))
        busy = fcp_state.busy_devnos(st, now, exclude=guest.uuid)
        taken = [f for f in fcps if f in busy]
        if taken:
            raise VolumeOpsError('FCP devices %s are held by instance(s) %s'
                                 % (taken, sorted({busy[f] for f in taken})))
        if set(fcps) != set(inst['fcps']):
            # Reservation expired and was re-made, or state was lost:
            # adopt what cinder mapped the LUN for.
            inst['fcps'] = fcps
        for f in fcps:
            if f not in inst['wwpns'] and f in self._devices:
                inst['wwpns'][f] = self._devices[f].wwpn
        return fcps

    # -- attach ---------------------------------------------------------------

    def attach(self, guest, connection_info, mountpoint):
        """Attach; returns 'attached' (running) or 'pending-boot' (stopped)."""
        target = connection.parse_connection_info(connection_info)
        lifecycle.check_hypervisor(connection_info, self.hv)
        mountpoint = validate.guest_mountpoint(mountpoint)
        distro = scripts.resolve_distro(guest.os_distro, guest.os_version)
        with self._lock(guest):
            with self.store.transaction() as st:
                inst = st['instances'].get(guest.uuid)
                existing = inst and inst['volumes'].get(target.volume_id)
                if existing:
                    if existing['lun'] != target.lun:
                        raise VolumeOpsError('volume %s is already attached '
                                             'with another LUN' % target.volume_id)
                    return existing['state']
                for vid, vol in (inst or {}).get('volumes', {}).items():
                    if vol['mountpoint'] == mountpoint or (
                            vol['lun'] == target.lun and
                            set(vol['wwpns']) == set(target.wwpns)):
                        raise VolumeOpsError(
                            'instance %s already has volume %s at %s (LUN %s)'
                            % (guest.uuid, vid, vol['mountpoint'], vol['lun']))
                fcps = self._fcps_for_attach(st, guest, target, self.clock())
            spec = scripts.VolumeSpec(tuple(fcps), target.wwpns, target.lun,
                                      mountpoint)
            # nova's RUNNING saves xCAT's power query. Should the guest be
            # logged off after all, its script fails, the attach is rolled
            # back and redone for the next boot: a wrong hint costs calls.
            running = guest.nova_running or self._powered_on(guest)
            self._plan_attach(guest, target, spec, distro, fcps, running)
            try:
                return self._run_attach(guest, target.volume_id)
            except VolumeOpsError:
                if not guest.nova_running or self._powered_on(guest, True):
                    raise
            LOG.warning('Instance %s is logged off although nova reported it '
                        'running; volume %s is attached for its next boot',
                        guest.uuid, target.volume_id)
            self._plan_attach(guest, target, spec, distro, fcps, False)
            return self._run_attach(guest, target.volume_id)

    def _powered_on(self, guest, when_unknown=None):
        """rpower stat says 'on'; ``when_unknown`` if xCAT cannot say."""
        try:
            return self.client.power_state(guest.node) == 'on'
        except xexc.XCATError:
            if when_unknown is None:
                raise
            return when_unknown

    def _plan_attach(self, guest, target, spec, distro, fcps, running):
        op = steps_mod.new_op('attach', guest, target, spec, distro, running)
        with self.store.transaction() as st:
            inst = st['instances'][guest.uuid]
            new = [f for f in fcps if f not in inst['dedicated']]
            op['steps'] = steps_mod.attach_plan(new, running, spec.multipath)
            inst['ops'][target.volume_id] = op
            inst['reserved_until'] = None     # held by the op now

    def _run_attach(self, guest, vid):
        op = self._op(guest, vid)
        done = []
        try:
            for index, step in enumerate(op['steps']):
                self._journal(guest, vid, index, dict(step, started=True))
                done.append(index)
                op = self._op(guest, vid)    # with earlier steps' results
                result = self.runner.do(op, step)
                if result:
                    self._journal(guest, vid, index, dict(step, started=True, **result))
                self._note_effect(guest, step, undone=False)
        except Exception as e:
            LOG.error('Attach of volume %s to %s failed at step %s: %s; '
                      'rolling back', vid, guest.node,
                      op['steps'][done[-1]]['name'] if done else '-', e)
            refused = done and op['steps'][done[-1]]['name'] == 'pool' and \
                isinstance(e, xexc.XCATCommandError) and \
                not self.runner.pool_used_by(op, guest.node)
            # A --reservezfcp that xCAT refused and that left the entry
            # alone needs no undo; undoing it would clear the owner cinder
            # stamped on the entry. (One pool read, on failure only.)
            self._rollback(guest, vid, skip=done[-1] if refused else None)
            if isinstance(e, (VolumeOpsError, validate.InvalidInput,
                              fcp_alloc.NoFreeFcp)):
                raise
            raise VolumeOpsError('attach of volume %s to %s failed: %s '
                                 '(rolled back)' % (vid, guest.node, e)) from e
        op = self._op(guest, vid)
        state = fcp_state.ATTACHED if op['running'] else fcp_state.PENDING_BOOT
        with self.store.transaction() as st:
            inst = st['instances'][guest.uuid]
            vol = dict(op['volume'], state=state)
            for step in op['steps']:
                if step['name'] == 'guest':
                    vol['map'] = step.get('map')
                    vol['wwid'] = step.get('wwid')
            inst['volumes'][vid] = vol
            del inst['ops'][vid]
        LOG.info('Volume %s attached to %s (%s): LUN %s via %s', vid,
                 guest.node, state, op['volume']['lun'], op['volume']['fcps'])
        return state

    def _rollback(self, guest, vid, skip=None):
        """Undo every started step of the op, in reverse; best-effort."""
        op = self._op(guest, vid)
        started = [s for i, s in enumerate(op['steps'])
                   if s.get('started') and i != skip]
        for step in reversed(started):
            try:
                self.runner.undo(op, step)
                self._note_effect(guest, step, undone=True)
            except Exception as e:   # keep undoing the rest
                LOG.error('Rollback of attach %s on %s: undo of %s failed: '
                          '%s', vid, guest.node, step['name'], e)
        with self.store.transaction() as st:
            inst = st['instances'][guest.uuid]
            inst['ops'].pop(vid, None)
            if not inst['volumes'] and not inst['ops']:
                # Keep the FCPs reserved briefly so a retry gets them again.
                inst['reserved_until'] = self.clock() + self.expiry

    # -- detach ---------------------------------------------------------------

    def detach(self, guest, connection_info, mountpoint):
        """Detach; a volume that is already gone counts as success."""
        target = connection.parse_connection_info(connection_info)
        lifecycle.check_hypervisor(connection_info, self.hv)
        mountpoint = validate.guest_mountpoint(mountpoint)
        with self._lock(guest):
            st = self.store.read()
            inst = st['instances'].get(guest.uuid)
            vol = inst and inst['volumes'].get(target.volume_id)
            if vol is None:
                return self._detach_unknown(guest, target, mountpoint, inst)
            try:
                running = self.client.power_state(guest.node) == 'on'
            except xexc.XCATNodeNotFound:
                LOG.warning('Guest %s is gone; returning the pool entries of '
                            'its volumes', guest.node)
                lifecycle.reclaim_gone(self, guest)
                return
            distro = scripts.Distro(*vol['distro'])
            spec = scripts.VolumeSpec(tuple(vol['fcps']), tuple(vol['wwpns']),
                                      vol['lun'], vol['mountpoint'])
            target = connection.Target(target.volume_id, spec.wwpns, spec.lun,
                                       vol['pool'], vol['size'], spec.fcps)
            last = [f for f in spec.fcps
                    if not fcp_state.volumes_on_fcp(inst, f, target.volume_id)]
            op = steps_mod.new_op('detach', guest, target, spec, distro, running)
            op['volume'] = dict(vol)
            op['steps'] = steps_mod.detach_plan(
                last, [f for f in last if f in inst['dedicated']], running,
                vol.get('map'))
            with self.store.transaction() as st:
                st['instances'][guest.uuid]['ops'][target.volume_id] = op
            self._run_detach(guest, target.volume_id)

    def _run_detach(self, guest, vid):
        op = self._op(guest, vid)
        try:
            for index, step in enumerate(op['steps']):
                self._journal(guest, vid, index, dict(step, started=True))
                self.runner.do(op, step)
                self._note_effect(guest, step, undone=False)
        except Exception as e:
            # The volume stays recorded; a retried detach re-runs every
            # (idempotent) step.
            with self.store.transaction() as st:
                st['instances'][guest.uuid]['ops'].pop(vid, None)
            raise VolumeOpsError('detach of volume %s from %s failed: %s '
                                 '(volume left attached; retry the detach)'
                                 % (vid, guest.node, e)) from e
        with self.store.transaction() as st:
            inst = st['instances'][guest.uuid]
            inst['ops'].pop(vid, None)
            vol = inst['volumes'].pop(vid, None)
            if not op['running'] and vol is not None:
                # setupDisk un-persists only some forms at boot: the next
                # verify() removes the rest (steps.StepRunner.boot_fixups).
                inst.setdefault('unpersist', {})[vid] = vol
            if not inst['volumes'] and not inst['ops'] and \
                    not inst['dedicated'] and not inst.get('unpersist'):
                # The last detach releases the instance's FCPs.
                del st['instances'][guest.uuid]
        LOG.info('Volume %s detached from %s', vid, guest.node)

    def _detach_unknown(self, guest, target, mountpoint, inst):
        """No record of the volume: clean what may remain, then succeed.

        Running guest: the (tolerant) detach script and the pool return.
        Stopped guest: the pool return only; nothing of ours was punched.
        Only an unreachable xCAT fails it (the detach can be retried).
        """
        LOG.warning('Volume %s is not recorded as attached to %s; cleaning '
                    'up what may remain', target.volume_id, guest.node)
        fcps = target.fcps or tuple((inst or {}).get('fcps', ()))
        if not fcps:
            return
        try:
            distro = scripts.resolve_distro(guest.os_distro, guest.os_version)
            spec = scripts.VolumeSpec(fcps, target.wwpns, target.lun, mountpoint)
            running = self.client.power_state(guest.node) == 'on'
            op = steps_mod.new_op('detach', guest, target, spec, distro, running)
            plan = steps_mod.detach_plan([], [], running, None)
            if not running:
                plan = [s for s in plan if s['name'] != 'notice_remove']
            for step in plan:
                try:
                    self.runner.do(op, step)
                except (xexc.XCATError, steps_mod.GuestScriptError) as e:
                    LOG.warning('Cleanup step %s for unrecorded volume %s: %s',
                                step['name'], target.volume_id, e)
        except (xexc.XCATNodeNotFound, scripts.UnsupportedDistro) as e:
            LOG.info('Nothing to clean for volume %s: %s', target.volume_id, e)

    # -- extend -----------------------------------------------------------------

    def extend(self, guest, connection_info, requested_size):
        """Make a running guest see the new size of an attached LUN."""
        target = connection.parse_connection_info(connection_info)
        with self._lock(guest):
            inst = self.store.read()['instances'].get(guest.uuid)
            vol = inst and inst['volumes'].get(target.volume_id)
            if vol is None:
                raise VolumeNotAttached('volume %s is not attached to %s'
                                        % (target.volume_id, guest.node))
            if self.client.power_state(guest.node) != 'on':
                return None    # the guest reads the new size at boot
            self.runner.rescan(guest.node, vol)
            return requested_size

    # -- journal and state helpers -----------------------------------------------

    def _op(self, guest, vid):
        return self.store.read()['instances'][guest.uuid]['ops'][vid]

    def _journal(self, guest, vid, index, step):
        with self.store.transaction() as st:
            st['instances'][guest.uuid]['ops'][vid]['steps'][index] = step

    def _note_effect(self, guest, step, undone):
        """Keep the instance's dedicated list in line with xCAT."""
        if step['name'] not in ('dedicate', 'undedicate'):
            return
        adds = (step['name'] == 'dedicate') != undone
        with self.store.transaction() as st:
            inst = st['instances'][guest.uuid]
            if adds and step['fcp'] not in inst['dedicated']:
                inst['dedicated'].append(step['fcp'])
            elif not adds and step['fcp'] in inst['dedicated']:
                inst['dedicated'].remove(step['fcp'])
