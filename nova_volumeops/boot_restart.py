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
"""What VolumeOps does after a guest boots and after nova-compute restarts.

- ``verify``: a volume attached while the guest was logged off is
  written to its directory and setupDisk's config, and only known to work
  once the guest has booted: one xdsh confirms each LUN's paths, then at
  most one more finishes what setupDisk leaves undone.
- ``reconcile``: at nova-compute start, the journal of an interrupted
  attach is undone and that of an interrupted detach finished
  (volumeops.py), the directory's dedications are compared with the
  state file, and a guest that is gone gives its LUNs back.

A mixin of volumeops.VolumeOps: it uses its store, client, runner, lock
and flows.
"""

import logging

from nova_volumeops import connection
from nova_volumeops import errors
from nova_volumeops import fcp_state
from nova_volumeops import lifecycle
from nova_volumeops import scripts
from nova_volumeops import steps as steps_mod
from zvm_xcat import exception as xexc
from zvm_xcat import fcpaths

LOG = logging.getLogger(__name__)


class BootAndRestartMixin:
    """verify() after boot and reconcile() at start, for VolumeOps."""

    # -- stopped guests: confirm after boot ------------------------------------

    def verify(self, guest):
        """Confirm pending-boot volumes; returns {volume id: state}.

        One xdsh (``lszfcp -D``, ``multipath -ll``): a volume whose LUN has
        enough working paths (min_volume_paths, zvm_xcat.fcpaths) becomes
        'attached', otherwise 'boot-failed'. Then at
        most one more xdsh for what setupDisk leaves undone at boot: the
        mountpoint of a multipath volume (setupDisk links one path) or of
        an Ubuntu LUN below 256 (its rule never matches), and the
        persistence of LUNs detached while the guest was logged off.
        """
        with self._lock(guest):
            inst = self.store.read()['instances'].get(guest.uuid)
            pending = {vid: v for vid, v in (inst or {}).get('volumes', {}).items()
                       if v['state'] in (fcp_state.PENDING_BOOT,
                                         fcp_state.BOOT_FAILED)}
            unpersist = _still_to_unpersist(inst or {})
            if not (pending or unpersist) or \
                    self.client.power_state(guest.node) != 'on':
                return self.volume_states(guest)
            relink = self._confirm(guest, pending) if pending else []
            try:
                self.runner.boot_fixups(guest.node, relink,
                                        list(unpersist.values()))
            except steps_mod.GuestScriptError as e:
                LOG.warning('Links or un-persisting in %s not done (next '
                            'boot retries the un-persisting): %s',
                            guest.node, e)
                return self.volume_states(guest)
            if inst.get('unpersist'):
                with self.store.transaction() as st:
                    inst = st['instances'][guest.uuid]
                    for vid in list(inst.get('unpersist', {})):
                        inst['unpersist'].pop(vid, None)
                    if not inst.get('unpersist'):
                        inst.pop('unpersist', None)
                    if not fcp_state.holds_fcps(inst, self.clock()):
                        del st['instances'][guest.uuid]
                LOG.info('LUNs of volumes %s detached from %s while it was '
                         'logged off are no longer persisted', sorted(unpersist),
                         guest.node)
            return self.volume_states(guest)

    def has_boot_work(self, guest):
        """Is there anything for verify() after the guest's boot?"""
        inst = self.store.read()['instances'].get(guest.uuid) or {}
        return bool(inst.get('unpersist')) or any(
            v['state'] != fcp_state.ATTACHED
            for v in inst.get('volumes', {}).values())

    def _confirm(self, guest, pending):
        """Pending volumes -> attached/boot-failed; those to (re)link."""
        units, maps = self.runner.query_units(guest.node)
        relink = []
        with self.store.transaction() as st:
            vols = st['instances'][guest.uuid]['volumes']
            for vid, vol in pending.items():
                # The pairs the SAN really gives (a dual fabric zones each
                # device to half the ports), judged as at attach.
                paths = [(f, w, vol['lun']) for f in vol['fcps']
                         for w in vol['wwpns'] if (f, w, vol['lun']) in units]
                why = fcpaths.shortfall(vol['fcps'],
                                        [(f, w) for f, w, _l in paths],
                                        self.min_volume_paths)
                if why:
                    vols[vid]['state'] = fcp_state.BOOT_FAILED
                    vols[vid]['error'] = 'LUN %s at boot: %s' % (
                        vol['lun'], why)
                    LOG.error('Volume %s of %s not configured at boot: %s',
                              vid, guest.node, vols[vid]['error'])
                    continue
                found = scripts.parse_multipath_map(
                    maps, [units[p] for p in paths])
                vols[vid].update(state=fcp_state.ATTACHED, error=None)
                if found and len(paths) > 1:
                    vols[vid]['map'], vols[vid]['wwid'] = found
                if found if len(paths) > 1 else \
                        not steps_mod.setupdisk_linked(vols[vid]):
                    relink.append(dict(vols[vid]))
        return relink

    def volume_states(self, guest):
        inst = self.store.read()['instances'].get(guest.uuid)
        return {vid: v['state'] for vid, v in
                (inst or {}).get('volumes', {}).items()}

    # -- restart ------------------------------------------------------------------

    def reconcile(self):
        """At nova-compute start: finish the journal, check dedications.

        Returns a report dict (also logged) of what was changed.
        """
        report = {'rolled_back': [], 'completed': [], 'forgotten': [],
                  'reclaimed': [], 'dedications_fixed': [], 'expired': [],
                  'verified': {}}
        self.refresh_fcp_devices()
        for uuid, inst in self.store.read()['instances'].items():
            guest = connection.Guest(uuid, inst['node'], inst['userid'])
            with self._lock(guest):
                lines = self._directory(guest)
                if lines is None:
                    self._reclaim(guest, report)
                    continue
                for vid, op in inst['ops'].items():
                    if op['kind'] == 'attach':
                        self._rollback(guest, vid)
                        report['rolled_back'].append(vid)
                    else:
                        try:
                            self._run_detach(guest, vid)
                            report['completed'].append(vid)
                        except errors.VolumeOpsError as e:
                            LOG.error('Interrupted detach of %s not '
                                      'finished: %s', vid, e)
                if uuid not in self.store.read()['instances'] or \
                        not self._check_dedications(guest, report, lines):
                    continue
            if inst.get('unpersist') or any(
                    v['state'] == fcp_state.PENDING_BOOT
                    for v in inst['volumes'].values()):
                try:
                    report['verified'][uuid] = self.verify(guest)
                except xexc.XCATError as e:
                    LOG.warning('Cannot verify volumes of %s: %s', inst['node'], e)
        with self.store.transaction() as st:
            report['expired'] = fcp_state.drop_expired(st, self.clock())
        LOG.info('FCP state reconciled with xCAT: %s', report)
        return report

    def _directory(self, guest):
        """The guest's directory lines (lsvm), None if the guest is gone."""
        try:
            return self.client.lsvm(guest.node).node_lines(guest.node)
        except xexc.XCATNodeNotFound:
            return None

    def _reclaim(self, guest, report):
        """Guest gone: its pool entries back to reserved, state dropped."""
        try:
            report['reclaimed'] += lifecycle.reclaim_gone(self, guest)
            report['forgotten'].append(guest.uuid)
        except xexc.XCATError as e:
            LOG.error('Guest %s is gone but the pool entries of its volumes '
                      'could not be returned (retried at the next start): %s',
                      guest.node, e)

    def _check_dedications(self, guest, report, lines):
        """Directory (lsvm lines) vs recorded dedications."""
        in_directory = steps_mod.parse_dedications(lines)
        with self.store.transaction() as st:
            inst = st['instances'].get(guest.uuid)
            if inst is None:
                return False
            for f in list(inst['dedicated']):
                if f not in in_directory:
                    inst['dedicated'].remove(f)
                    report['dedications_fixed'].append((guest.uuid, f, 'gone'))
            used = {f for v in inst['volumes'].values() for f in v['fcps']}
            for f in sorted(used & in_directory - set(inst['dedicated'])):
                inst['dedicated'].append(f)
                report['dedications_fixed'].append((guest.uuid, f, 'adopted'))
        return True


def _still_to_unpersist(inst):
    """Records of LUNs detached while logged off that no volume uses again.

    A LUN attached again since (same guest, same paths) must stay.
    """
    in_use = {(f, w, v['lun']) for v in inst.get('volumes', {}).values()
              for f in v['fcps'] for w in v['wwpns']}
    return {vid: v for vid, v in inst.get('unpersist', {}).items()
            if not in_use & {(f, w, v['lun']) for f in v['fcps']
                             for w in v['wwpns']}}
