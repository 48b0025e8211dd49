"""chvm (PUT /xcatws/vms/<node>): zvm.pm changeVM for the options the volume stack uses.

- ``--dedicatedevice vaddr raddr mode``: Image_Device_Dedicate_DM always; when
  the directory already has it (404/4) xCAT prints Done and skips the active
  configuration; else Image_Device_Dedicate if ``rpower stat`` says on.
- ``--undedicatedevice vaddr``: Image_Device_Undedicate_DM, then
  Image_Device_Undedicate if on.
"""

from zvm_xcat.simulator import reply


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
        return [reply.println('%s: (Error) Option not supported' % node)]
    with sim.lock:
        lines = handler(sim, node, system, guest, args)
        sim.save()
    return [reply.println(t) for t in lines]


def dedicate(sim, node, system, guest, args):
    """zvm.pm changeVM --dedicatedevice."""
    if len(args) != 4:
        return ['%s: (Error) Wrong number of parameters' % node]
    vaddr, raddr, mode = args[1], args[2], args[3]
    ok, text = guest.dedicate_dm(vaddr, raddr, mode)
    do_active = True
    if not ok and 'Return Code: 404' in text and 'Reason Code: 4\n' in text:
        text = "Dedicating device %s to %s's directory entry... Done" % (raddr, guest.userid)
        do_active = False
    out = ['%s: %s' % (node, text)]
    if guest.power == 'on' and do_active:
        out.append('%s: %s' % (node, guest.dedicate_active(vaddr, raddr, mode)))
    return out


def undedicate(sim, node, system, guest, args):
    """zvm.pm changeVM --undedicatedevice."""
    if len(args) != 2:
        return ['%s: (Error) Wrong number of parameters' % node]
    out = ['%s: %s' % (node, guest.undedicate_dm(args[1]))]
    if guest.power == 'on':
        out.append('%s: %s' % (node, guest.undedicate_active(args[1])))
    return out


HANDLERS = {
    '--dedicatedevice': dedicate,
    '--undedicatedevice': undedicate,
}
