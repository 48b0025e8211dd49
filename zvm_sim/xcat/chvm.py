"""chvm (PUT /xcatws/vms/<node>): zvm.pm changeVM for the options the volume stack uses.

- ``--dedicatedevice``, ``--undedicatedevice``: chvm_devices.py.
- ``--addzfcp``, ``--removezfcp``, ``--createfilesysnode``,
  ``--removefilesysnode``, ``--setloaddev``: chvm_zfcp.py.
- ``--aemod <worker> <parms...>``: punches ``aemod.doscript`` (an invoke script
  ``/bin/bash <worker> <parms>`` plus the worker) to the reader, class X, and
  prints nothing on success.  Only ``setupDisk`` exists as a worker here
  (xCAT checks /opt/xcat/share/xcat/scripts/<worker>).
- ``--punchfile <path> [class] [user@host]``: punches a file the simulator host
  can read (remote hosts are not fetched: their file is punched by name only).

Reader files are dicts ``{'name', 'class', 'content', 'script', 'args'}``:
``script``/``args`` are the worker and its parameters for aemod files, None/[]
for punched files; the guest model processes them at the next power on.
"""

import os

from zvm_sim.xcat import chvm_devices
from zvm_sim.xcat import chvm_zfcp
from zvm_sim.xcat import reply

AEMOD_WORKERS = ('setupDisk',)


def _strip_ids(args):
    """The CGI appends --objectid/--requestid; xCAT logs and drops them."""
    out, skip = [], False
    for i, a in enumerate(args):
        if skip:
            skip = False
            continue
        if a in ('--objectid', '--requestid') and i + 1 < len(args):
            skip = True
            continue
        out.append(a)
    return out


def chvm(sim, node, args):
    args = _strip_ids(args)
    kind, system, guest = sim.find_node(node)
    if kind != 'guest':
        return [reply.println('%s: (Error) Missing node zHCP' % node)]
    opt = args[0] if args else ''
    handler = HANDLERS.get(opt)
    if handler is None:
        return [reply.println("%s: (Error) Option '%s' not supported on chvm" % (node, opt))]
    files = sim.pool_files[system.hypervisor]
    pool_lock = not sim.unlocked
    with sim.lock:
        if pool_lock:
            files.lock.acquire()
        try:
            lines = handler(sim, node, system, guest, args)
        finally:
            if pool_lock:
                files.lock.release()
        sim.save()
    return [reply.println(t) for t in lines if t != '']


def aemod(sim, node, system, guest, args):
    """zvm.pm changeVM --aemod: punch the worker + invoke script to the reader (class X)."""
    worker = args[1] if len(args) > 1 else ''
    # No worker: xCAT's -e test is on the scripts folder itself, which exists, so it
    # punches an invoke script without a worker (tests/oracle/test_aemod_diff.py).
    if worker and worker not in AEMOD_WORKERS:
        return ['%s: (Error) The worker script %s does not exist on xCAT server'
                % (node, worker)]
    parms = args[2:]
    content = '#!/bin/bash\n%s\n' % ' '.join(['/bin/bash', worker] + parms)
    guest.punch({'name': 'aemod.doscript', 'class': 'X', 'content': content,
                 'script': worker, 'args': list(parms)})
    return []


def punchfile(sim, node, system, guest, args):
    """zvm.pm changeVM --punchfile path [class] [user@host]."""
    if len(args) < 2 or len(args) > 4:
        return ['%s: (Error) Wrong number of parameters' % node]
    path = args[1]
    spool_class = args[2] if len(args) > 2 else 'A'
    if len(spool_class) != 1 or not spool_class.isalnum():
        return ['%s: (Error) Invalid spool class: %s. It should be 1-character alphanumeric'
                % (node, spool_class)]
    content = None
    if len(args) < 4:
        try:
            with open(path, encoding='utf-8', errors='replace') as f:
                content = f.read()
        except OSError:
            return ['%s: (Error) Failed to copy over source file' % node]
    guest.punch({'name': os.path.basename(path), 'class': spool_class.upper(),
                 'content': content, 'script': None, 'args': []})
    return ['%s: Punching %s to reader... Done' % (node, os.path.basename(path))]


HANDLERS = {
    '--dedicatedevice': chvm_devices.dedicate,
    '--undedicatedevice': chvm_devices.undedicate,
    '--addzfcp': chvm_zfcp.addzfcp,
    '--removezfcp': chvm_zfcp.removezfcp,
    '--createfilesysnode': chvm_zfcp.createfilesysnode,
    '--removefilesysnode': chvm_zfcp.removefilesysnode,
    '--setloaddev': chvm_zfcp.setloaddev,
    '--aemod': aemod,
    '--punchfile': punchfile,
}
