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
"""The steps of the volume flows: plans (pure) and their execution via xCAT.

A step is a small JSON-able dict (it lives in the state file's journal):

==============  ==================================  ===========================
step            do                                  undo
==============  ==================================  ===========================
dedicate        chvm --dedicatedevice F F 0         chvm --undedicatedevice F
pool            chhypervisor --reservezfcp ... used chvm --removezfcp ... 1
                (+ rinv --zfcppool P used read-back)
guest           xdsh attach script (incl. link)     xdsh detach script
link            (journals of older releases only)   (the guest step's undo)
notice          chvm --aemod setupDisk add + link   chvm --aemod remove x2
guest_remove    xdsh detach script                  -
notice_remove   chvm --aemod setupDisk remove x2    -
pool_return     chvm --removezfcp ... 1             -
undedicate      chvm --undedicatedevice F           -
==============  ==================================  ===========================

Every undo (and every detach step) tolerates "already undone", so running
it again after a crash is safe.  The two pool steps hold the pool file's
lock shared with cinder (pool_lock.py) for their xCAT call.
"""

import contextlib
import logging
import re

from nova_volumeops import connection
from nova_volumeops import fabric
from nova_volumeops import scripts
from zvm_xcat import exception as xexc
from zvm_xcat import fcpaths
from zvm_xcat import zfcp

LOG = logging.getLogger(__name__)


class GuestScriptError(Exception):
    """A volume script failed in the guest; carries the output tail.

    ``lines``: the script's stdout, for what it listed before it stopped.
    """

    def __init__(self, message, lines=()):
        super().__init__(message)
        self.lines = list(lines)


def new_op(kind, guest, target, spec, distro, running):
    """The journal record of one flow (everything an undo needs)."""
    return {'kind': kind, 'running': running,
            'guest': {'uuid': guest.uuid, 'node': guest.node,
                      'userid': guest.userid},
            'volume': {'volume_id': target.volume_id,
                       'fcps': list(spec.fcps), 'wwpns': list(spec.wwpns),
                       'lun': spec.lun, 'pool': target.pool,
                       'size': target.size, 'mountpoint': spec.mountpoint,
                       'distro': [distro.family, distro.version, distro.key]},
            'steps': []}


def attach_plan(new_fcps, running, multipath=False):
    plan = [{'name': 'dedicate', 'fcp': f} for f in new_fcps]
    plan.append({'name': 'pool'})
    if running:
        # One script configures, persists and links (multipath too).
        plan.append({'name': 'guest', 'offline': list(new_fcps)})
    else:
        plan.append({'name': 'notice'})
    return plan


def detach_plan(last_fcps, undedicate_fcps, running, map_name):
    if running:
        plan = [{'name': 'guest_remove', 'offline': list(last_fcps),
                 'map': map_name}]
    else:
        plan = [{'name': 'notice_remove'}]
    plan.append({'name': 'pool_return'})
    plan += [{'name': 'undedicate', 'fcp': f} for f in undedicate_fcps]
    return plan


_DEDICATE = re.compile(r'^\s*DEDICATE\s+([0-9A-Fa-f]{1,4})\s+([0-9A-Fa-f]{1,4})')


def parse_dedications(lines):
    """lsvm directory lines -> set of dedicated virtual device numbers."""
    out = set()
    for line in lines:
        m = _DEDICATE.match(line)
        if m:
            out.add(m.group(1).lower().zfill(4))
    return out


def _vol_spec(vol):
    """(VolumeSpec, Distro) of a volume record of the state file."""
    return (scripts.VolumeSpec(tuple(vol['fcps']), tuple(vol['wwpns']),
                               vol['lun'], vol['mountpoint']),
            scripts.Distro(*vol['distro']))


def setupdisk_linked(vol):
    """Did setupDisk's createfilesysnode link this volume's mountpoint?"""
    spec, distro = _vol_spec(vol)
    return scripts.setupdisk_links(distro, spec)


def _parts(op):
    vol = op['volume']
    target = connection.Target(vol['volume_id'], tuple(vol['wwpns']),
                               vol['lun'], vol['pool'], vol['size'],
                               tuple(vol['fcps']))
    spec = scripts.VolumeSpec(tuple(vol['fcps']), tuple(vol['wwpns']),
                              vol['lun'], vol['mountpoint'])
    return op['guest']['node'], target, spec, scripts.Distro(*vol['distro'])


class StepRunner:
    """Executes steps through an XCATClient; one method per request kind."""

    def __init__(self, client, hv, script_timeout, min_paths=0, pool_lock=None):
        self.client = client
        self.hv = hv
        self.timeout = script_timeout
        self.min_paths = min_paths      # min_volume_paths (fabric.py)
        # pool name -> context manager (PoolLocks); none: no lock.
        self.pool_lock = pool_lock or (lambda pool: contextlib.nullcontext())

    def do(self, op, step):
        """Run a step; returns facts to journal (dict) or None."""
        node, target, spec, distro = _parts(op)
        name = step['name']
        if name == 'dedicate':
            self.client.chvm(node, *connection.dedicate_args(step['fcp']))
        elif name == 'undedicate':
            self._undedicate(node, step['fcp'])
        elif name == 'pool':
            with self.pool_lock(target.pool):
                self._pool_use(node, target, spec)
        elif name == 'pool_return':
            with self.pool_lock(target.pool):
                self._pool_return(node, target, spec)
        elif name == 'guest':
            return self._guest_attach(node, spec, distro)
        elif name == 'link':
            # Journals of an older release: the attach script links now.
            found = [s for s in op['steps'] if s['name'] == 'guest'][0]
            self.run_script(node, scripts.render_link(
                distro, spec, found['map'], found['wwid']))
        elif name == 'guest_remove':
            self._guest_detach(node, spec, distro, step.get('map'),
                               step.get('offline', ()))
        elif name == 'notice':
            self.client.chvm(node, *connection.aemod_volume_args(
                'addScsiVolume', target, spec.fcps))
            first = spec.paths[0]
            if spec.multipath or scripts.setupdisk_links(distro, spec):
                # Else its rule could never match: verify() links.
                self.client.chvm(node, *connection.aemod_create_link_args(
                    spec.mountpoint,
                    scripts.by_path(distro, first.fcp, first.wwpn, spec.lun)))
        elif name == 'notice_remove':
            self.client.chvm(node, *connection.aemod_remove_link_args(
                spec.mountpoint))
            self.client.chvm(node, *connection.aemod_volume_args(
                'removeScsiVolume', target, spec.fcps))
        else:
            raise ValueError('unknown step %r' % name)
        return None

    def undo(self, op, step):
        """Undo a (possibly half-done) step; tolerant of "not done"."""
        name = step['name']
        inverse = {'dedicate': dict(step, name='undedicate'),
                   'pool': {'name': 'pool_return'},
                   'guest': {'name': 'guest_remove', 'map': step.get('map'),
                             'offline': step.get('offline', ())},
                   'notice': {'name': 'notice_remove'}}.get(name)
        if name == 'link':
            return            # undone by the guest step's undo
        if inverse is None:
            raise ValueError('step %r has no undo' % name)
        try:
            self.do(op, inverse)
        except GuestScriptError:
            # The guest was logged off since (e.g. undo at the next
            # nova-compute start): its persistent config would come back
            # at boot, so have setupDisk remove it then.
            if name != 'guest' or \
                    self.client.power_state(op['guest']['node']) == 'on':
                raise
            self.do(op, {'name': 'notice_remove'})

    def _pool_use(self, node, target, spec):
        """--reservezfcp ... used, read back (1 GET of the used rows).

        xCAT answers "Done" without writing anything when the LUN number
        is on several rows of the pool (findAndUpdatezFcpPool's update
        step greps the LUN alone, zvmUtils.pm 3928): a LUN not marked used
        could be quarantined and wiped by cinder while the guest has it.
        """
        self.client.chhypervisor(self.hv, *connection.reserve_used_args(
            target, node, spec.fcps))
        entry = self._pool_entry(target, status='used')
        if entry is not None and entry.owner == node:
            return
        clash = zfcp.lun_clashes(
            zfcp.list_pool(self.client, self.hv, target.pool)).get(target.lun)
        raise xexc.XCATCommandError([
            zfcp.describe_clash(target.pool, clash) if clash else
            'xCAT reported LUN %s of pool %s reserved for %s, but the pool '
            'does not show it used by %s' % (target.lun, target.pool, node,
                                             node)])

    def _pool_return(self, node, target, spec):
        """chvm --removezfcp ... 1, tolerant of xCAT's own guest cleanup.

        zvm.pm updates the pool file first and then, for a running guest,
        repeats the in-guest removal with fixed file names (sed on
        /etc/zfcp.conf or 51-zfcp-*.rules), which fails when the distro
        keeps its config elsewhere. Our script already removed it, so an
        error is accepted when the pool shows the entry returned.
        """
        try:
            self.client.chvm(node, *connection.removezfcp_args(target, spec.fcps))
        except xexc.XCATCommandError as e:
            entry = self._pool_entry(target)
            if entry is not None and entry.status == 'used' and \
                    entry.owner == node:
                raise
            LOG.warning('--removezfcp for LUN %s on %s reported %s; the pool '
                        'entry is returned (%s), continuing', target.lun,
                        node, e, entry.status if entry else 'not in pool')

    def _undedicate(self, node, fcp):
        """chvm --undedicatedevice F; "not dedicated" counts as done.

        SMAPI answers "Image device does not exist" when the directory no
        longer has the device (an earlier try, an operator); the directory
        (lsvm, one read on failure only) decides.
        """
        try:
            self.client.chvm(node, *connection.undedicate_args(fcp))
        except xexc.XCATCommandError as e:
            lines = self.client.lsvm(node).node_lines(node)
            if fcp in parse_dedications(lines):
                raise
            LOG.info('FCP %s is not dedicated to %s (%s); nothing to undo',
                     fcp, node, e)

    def pool_used_by(self, op, node):
        """Is the op's pool entry marked used by ``node``? (1 GET)."""
        try:
            entry = self._pool_entry(_parts(op)[1])
        except xexc.XCATError:
            return True        # unknown: undo to be safe
        return entry is not None and entry.status == 'used' and \
            entry.owner == node

    def _pool_entry(self, target, status='all'):
        for entry in zfcp.list_pool(self.client, self.hv, target.pool,
                                    status):
            if entry.lun == target.lun and \
                    set(entry.wwpns) == set(target.wwpns):
                return entry
        return None

    # -- guest scripts ---------------------------------------------------------

    def run_script(self, node, script):
        """xdsh one script; its stdout lines, or GuestScriptError.

        Judged on the script's "done" line and xdsh's status
        (scripts.judge); stderr is logged, never taken as the verdict.
        """
        result = self.client.xdsh(node, script, timeout=self.timeout)
        for line in result.stderr:
            LOG.info('Volume script in %s, stderr: %s', node, line)
        reason = scripts.judge(script, result.stdout, result.stderr,
                               result.errorcode, result.status_received)
        if reason is not None:
            what = scripts.expected_done(script)[len(scripts.DONE_PREFIX):]
            raise GuestScriptError('volume script (%s) failed in %s: %s'
                                   % (what.split(' ')[0], node, reason),
                                   result.stdout)
        return list(result.stdout)

    def query_units(self, node):
        """(units {(fcp, wwpn, lun): hctl}, multipath -ll lines): 1 xdsh."""
        lines = self.run_script(node, scripts.QUERY_SCRIPT)
        return scripts.parse_lszfcp_units(lines), lines

    def _guest_attach(self, node, spec, distro):
        """Run the attach script; judge the paths the SAN really gave.

        The script skips pairs whose port is not zoned to the device and
        lists the ports and disks it got; fewer working paths than
        min_volume_paths fail the step (naming every pair), also when that
        is what stopped the script (no path to link), so the rollback's
        reason is the SAN's.
        """
        try:
            out = self.run_script(node, scripts.render_attach(distro, spec))
        except GuestScriptError as e:
            # Judged only once the script listed the paths: a script that
            # stopped before says more about its own failure.
            listed = scripts.STEP_PREFIX + fabric.LISTED_STEP
            if any(line.strip() == listed for line in e.lines):
                self._working_paths(node, spec, e.lines, cause=e)
            raise
        working = self._working_paths(node, spec, out)
        if not spec.multipath:
            return None
        units = scripts.parse_lszfcp_units(out)
        hctls = [units[(f, w, spec.lun)] for f, w in working
                 if (f, w, spec.lun) in units]
        found = scripts.parse_multipath_map(out, hctls)
        if found is None:
            raise GuestScriptError('no multipath map for LUN %s in %s after '
                                   'configuring %d paths' % (spec.lun, node,
                                                             len(spec.paths)))
        return {'map': found[0], 'wwid': found[1]}

    def _working_paths(self, node, spec, lines, cause=None):
        try:
            working, failed = fabric.working_paths(
                spec.fcps, spec.wwpns, spec.lun, lines, self.min_paths)
        except fabric.TooFewPaths as e:
            raise GuestScriptError('too few paths in %s: %s' % (node, e),
                                   lines) from (cause or e)
        if failed:
            LOG.warning('LUN %s in %s: %d working path(s); not paths: %s',
                        spec.lun, node, len(working),
                        fcpaths.describe([], failed))
        return working

    def _guest_detach(self, node, spec, distro, map_name, offline):
        if spec.multipath and not map_name:
            # Unknown map (crash or failure before it was recorded): look
            # it up, so that exactly this map is flushed.
            units, lines = self.query_units(node)
            hctls = [units[(p.fcp, p.wwpn, spec.lun)] for p in spec.paths
                     if (p.fcp, p.wwpn, spec.lun) in units]
            found = scripts.parse_multipath_map(lines, hctls) if hctls else None
            map_name = found[0] if found else None
        self.run_script(node, scripts.render_detach(
            distro, spec, map_name=map_name, offline_fcps=offline))

    def boot_fixups(self, node, links, unpersists):
        """One xdsh after a boot for what setupDisk left undone.

        ``links``: volume records whose mountpoint setupDisk did not link
        (with 'map'/'wwid' for multipath); ``unpersists``: records of
        LUNs detached while the guest was logged off.
        """
        parts = []
        for vol in links:
            spec, distro = _vol_spec(vol)
            if spec.multipath:
                parts.append(scripts.render_link(distro, spec, vol['map'],
                                                 vol['wwid']))
            else:
                parts.append(scripts.render_link_single(distro, spec))
        for vol in unpersists:
            parts.append(scripts.render_unpersist(*reversed(_vol_spec(vol))))
        if parts:
            self.run_script(node, scripts.join(parts))

    def rescan(self, node, vol):
        units, _lines = self.query_units(node)
        hctls = [units[(f, w, vol['lun'])] for f in vol['fcps']
                 for w in vol['wwpns'] if (f, w, vol['lun']) in units]
        if not hctls:
            raise GuestScriptError('LUN %s is not configured in %s'
                                   % (vol['lun'], node))
        self.run_script(node, scripts.render_rescan(hctls, vol.get('map')))
