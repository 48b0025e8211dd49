"""Steps of the openstack-CLI scenario about volumes rather than servers.

A mixin of tools.fullstack.os_scenario.OpenStackScenario (which gives
``os``, ``vol``, ``wait_vol``, ``lun_of``, ``guest`` ...): two backends,
manage, migrate with the data, extend within and beyond the LUN, a second
volume on the server's FCP devices, and requests cinder must refuse. Each
outcome is asserted in the simulator (tools.fullstack.simcheck).
"""

from tools.fullstack import harness
from tools.fullstack.simcheck import MARKER
from tools.fullstack.simcheck import PREFIX

GiB = 1024 ** 3


def lun_bytes(row):
    """A pool row's LUN size ('5G', '512M') in bytes."""
    return harness.size_mib(row['size']) * 1024 * 1024


class VolumeSteps:

    def list_show(self):
        """``volume list --long``: the created volumes, their size and type."""
        listed = {v['ID']: v for v in self.os('volume', 'list', '--long')}
        for name in self.backends:
            got = listed.get(self.vols[name])
            if not got or got['Status'] != 'available' or int(got['Size']) != 1 or \
                    got['Type'] != PREFIX + name:
                raise harness.StepFailed('volume %s in volume list: %s' % (name, got))
        return '%d volumes listed, one per backend' % len(self.backends)

    def exhaustion(self):
        """A size no LUN of the backend can hold: error, and a message saying so."""
        backend = self.backends[-1]
        largest = max(lun_bytes(r) for rows in self.pool_rows(backend).values()
                      for r in rows if r['status'] == 'free')
        size = largest // GiB + 1
        show = self.os('volume', 'create', '--type', PREFIX + backend, '--size', size,
                       PREFIX + 'exhausted')
        self.vols['exhausted'] = show['id']
        self.wait_vol('exhausted', ('error',))
        text = self.user_message(show['id'])
        if 'backend' not in text.lower() and 'capacity' not in text.lower():
            raise harness.StepFailed('user message does not name the cause: %s' % text)
        if self.rows_owned(backend, 'volume-' + show['id']):
            raise harness.StepFailed('a LUN is owned by the failed volume')
        return '%dG on %s (largest free LUN %dG): %s' % (size, backend, largest // GiB, text)

    def unknown_backend(self):
        show = self.os('volume', 'create', '--type', PREFIX + 'nowhere', '--size', 1,
                       PREFIX + 'nowhere')
        self.vols['nowhere'] = show['id']
        self.wait_vol('nowhere', ('error',))
        text = self.user_message(show['id'])
        if 'backend' not in text.lower():
            raise harness.StepFailed('user message does not name the cause: %s' % text)
        return 'volume in error: %s' % text

    def user_message(self, volume_id):
        """cinder's user message about a volume (``volume message list``)."""
        def message():
            rows = [m for m in self.os('volume', 'message', 'list')
                    if m.get('Resource UUID') == volume_id]
            return rows and rows[0]
        return harness.wait_until(message, 60, 'user message of %s' % volume_id,
                                  interval=2)['User Message']

    def manage(self):
        """``volume create --remote-source``: a free LUN becomes a volume."""
        backend = self.backends[-1]
        free = [(p, r) for p, rows in sorted(self.pool_rows(backend).items()) for r in rows
                if r['status'] == 'free' and r['size']]
        if not free:
            raise harness.StepFailed('no free LUN on %s to manage' % backend)
        # The smallest: its wipe after the delete is the quickest.
        pool, row = min(free, key=lambda pr: (harness.size_mib(pr[1]['size']), pr[1]['lun']))
        ref = '%s:%s' % (row['wwpn'], row['lun'])
        # --non-bootable: without it python-openstackclient 10.5 sends
        # "bootable": null, which cinder's schema refuses (HTTP 400).
        show = self.os('volume', 'create', '--remote-source', 'source-name=' + ref,
                       '--host', 'fullstack@%s#%s' % (backend, pool), '--non-bootable',
                       '--type', PREFIX + backend, PREFIX + 'managed')
        self.vols['managed'] = show['id']
        show = self.wait_vol('managed', ('available',))
        rows = self.rows_owned(backend, 'volume-' + show['id'])
        if [(p, r['lun']) for p, r in rows] != [(pool, row['lun'])]:
            raise harness.StepFailed('managed LUN %s, simulator rows %s' % (ref, rows))
        return '%s in %s/%s as %s (%sG)' % (ref, backend, pool, show['id'], show['size'])

    def second_reuses_fcps(self, first, second):
        """Two volumes of one server share its FCP devices: nothing more dedicated."""
        def step():
            fcps = [self.fcps_of_lun(self.guest, self.lun_of(n)[1]['lun'])
                    for n in (first, second)]
            dedicated = sorted(e['raddr'] for e in
                               self.guest_state()['directory'].values())
            if fcps[0] != fcps[1] or not fcps[0] or dedicated != fcps[0]:
                raise harness.StepFailed('units on FCPs %s and %s; directory dedicates %s'
                                         % (fcps[0], fcps[1], dedicated))
            inst = (self.nova_state() or {}).get('instances', {}).get(self.server_id, {})
            if sorted(inst.get('fcps') or []) != fcps[0]:
                raise harness.StepFailed('nova state file: FCPs %s' % inst.get('fcps'))
            return 'both LUNs on FCP %s, the only devices in the directory' % ','.join(fcps[0])
        return step

    # -- extend -----------------------------------------------------------------

    def guest_block_size(self, name):
        """(device nova reports, the guest's block device there, its bytes)."""
        device = self.vol(name)['attachments'][0]['device']
        state = self.guest_state()['linux_state']
        dev = state['mountpoints'].get(device)
        if dev is None:
            raise harness.StepFailed('the guest has no %s' % device)
        return device, dev, state['block_sizes'][dev]

    def rescans_since(self, start):
        """The guest's SCSI rescans (xdsh scripts) among the xCAT calls since ``start``."""
        return [c for c in self.admin.calls()[start:]
                if c.get('node') == self.guest and c.get('sub') == 'dsh' and
                any('/rescan' in str(a) for a in c.get('args') or ())]

    def extend_attached(self, name, new_size=2):
        """``volume set --size`` of an attached volume whose LUN has room.

        A LUN cannot grow: the driver extends the volume within its LUN.
        The guest's disk is the whole LUN from the attach on (Linux sizes a
        SCSI disk by READ CAPACITY), so what it sees after nova's rescan
        (nova_volumeops extend, on cinder's volume-extended event) is the
        LUN's size, at least the new size.
        """
        def step():
            _pool, row = self.lun_of(name)
            calls = len(self.admin.calls())
            self.os('volume', 'set', '--size', new_size, self.vols[name], fmt=False)

            def grown():
                show = self.vol(name)
                return show if int(show['size']) == new_size and show['status'] == 'in-use' \
                    else None
            harness.wait_until(grown, 120, 'volume %s at %dG' % (name, new_size))
            rescans = harness.wait_until(lambda: self.rescans_since(calls), 60,
                                         "nova's rescan of the LUN in the guest", interval=2)
            _pool, after = self.lun_of(name)
            device, dev, size = self.guest_block_size(name)
            if after != row or size != lun_bytes(row) or size < new_size * GiB:
                raise harness.StepFailed('after extend: row %s (was %s); the guest\'s %s '
                                         '(%s) is %d bytes' % (after, row, device, dev, size))
            return ('%dG in-use; %d rescan(s) in the guest; its %s (%s) is %d bytes, '
                    'the whole %s LUN' % (new_size, len(rescans), device, dev, size,
                                          row['size']))
        return step

    def extend_beyond_lun(self, name):
        """Beyond its LUN: cinder's error_extending, nothing changed elsewhere.

        The driver refuses (a LUN cannot grow); cinder keeps the size, sets
        error_extending and a user message, and sends nova no event. The
        operator sets the status back (``volume set --state in-use``).
        """
        def step():
            _pool, row = self.lun_of(name)
            size = int(self.vol(name)['size'])
            too_big = lun_bytes(row) // GiB + 1
            pools = self.admin.state()['pools']
            guest_before = self.guest_block_size(name)
            self.os('volume', 'set', '--size', too_big, self.vols[name], fmt=False)
            show = self.wait_vol(name, ('error_extending',), timeout=120)
            text = self.user_message(self.vols[name])
            if int(show['size']) != size:
                raise harness.StepFailed('size %s after the refused extend (was %s)'
                                         % (show['size'], size))
            if self.admin.state()['pools'] != pools:
                raise harness.StepFailed('pools changed by the refused extend')
            if self.guest_block_size(name) != guest_before:
                raise harness.StepFailed('the guest changed: %s, was %s'
                                         % (self.guest_block_size(name), guest_before))
            self.os('volume', 'set', '--state', 'in-use', self.vols[name], fmt=False)
            self.wait_vol(name, ('in-use',), timeout=30)
            return '%dG on a %s LUN refused: error_extending (%s), size still %dG, pools ' \
                'and guest unchanged; status set back to in-use' % (too_big, row['size'],
                                                                    text, size)
        return step

    # -- migrate --------------------------------------------------------------

    def migrate(self, name):
        """``volume migrate`` to the backend's other pool.

        The data moves along; the old LUN is wiped and free again.
        """
        def step():
            backend = self.backends[0]
            src_host = self.vol(name)['os-vol-host-attr:host']
            src_pool, src_row = self.lun_of(name)
            target_pool = next(p for p in sorted(self.pool_rows(backend)) if p != src_pool)
            target = '%s#%s' % (src_host.split('#')[0], target_pool)
            self.os('volume', 'migrate', '--host', target, self.vols[name], fmt=False)

            def done():
                show = self.vol(name)
                if show.get('os-vol-mig-status-attr:migstat') == 'error':
                    raise harness.Fatal('migration ended in error')
                return show if show.get('os-vol-mig-status-attr:migstat') == 'success' \
                    else None
            show = harness.wait_until(done, 240, 'migration', interval=2)
            pool, row = self.lun_of(name)
            if pool != target_pool or show['os-vol-host-attr:host'] != target or \
                    show['status'] != 'available':
                raise harness.StepFailed('after migrate to %s: host %s, status %s, LUN in %s'
                                         % (target, show['os-vol-host-attr:host'],
                                            show['status'], pool))
            # The volume's data (its first and last bytes) is on the new LUN
            # at the same offsets.
            offsets = [0, int(show['size']) * GiB - len(MARKER)]
            new_path = self.admin.lun_path(row['wwpn'], row['lun'])
            found = self.marker_offsets(new_path, offsets)
            if found != offsets:
                raise harness.StepFailed('the data is not on the new LUN %s (found at %s '
                                         'of %s)' % (new_path, found, offsets))
            harness.wait_until(
                lambda: self.row_at(backend, src_pool, src_row['wwpn'],
                                    src_row['lun'])['status'] == 'free',
                90, 'the old LUN %s free' % src_row['lun'])
            # data-wiped checks both: the old LUN now, the new one after delete
            self.markers[name + '-migrated'] = (new_path, offsets)
            return '%s -> %s, LUN %s -> %s, data moved, old LUN free' % (
                src_pool, pool, src_row['lun'], row['lun'])
        return step
