"""chvm device options: zvm.pm changeVM --dedicatedevice and --undedicatedevice.

- ``--dedicatedevice vaddr raddr mode``: Image_Device_Dedicate_DM always; when
  the directory already has it (404/4) xCAT prints Done and skips the active
  configuration; else Image_Device_Dedicate if ``rpower stat`` says on.
- ``--undedicatedevice vaddr``: Image_Device_Undedicate_DM, then
  Image_Device_Undedicate if on.

Every SMAPI answer printed as smcli wrote it, ending in a newline ("$node:
$out" with $out from backticks); the 404/4 replacement text has none.

Kept apart from chvm.py because --addzfcp/--removezfcp (chvm_zfcp.py) run
them as nested chvm calls, as zvm.pm does.
"""


def dedicate(sim, node, system, guest, args):
    """zvm.pm changeVM --dedicatedevice."""
    if len(args) != 4:
        return ['%s: (Error) Wrong number of parameters' % node]
    vaddr, raddr, mode = args[1], args[2], args[3]
    ok, text = guest.dedicate_dm(vaddr, raddr, mode)
    text += '\n'
    do_active = True
    if not ok and 'Return Code: 404' in text and 'Reason Code: 4\n' in text:
        text = "Dedicating device %s to %s's directory entry... Done" % (raddr, guest.userid)
        do_active = False
    out = ['%s: %s' % (node, text)]
    if guest.power == 'on' and do_active:
        out.append('%s: %s\n' % (node, guest.dedicate_active(vaddr, raddr, mode)))
    return out


def undedicate(sim, node, system, guest, args):
    """zvm.pm changeVM --undedicatedevice."""
    if len(args) != 2:
        return ['%s: (Error) Wrong number of parameters' % node]
    out = ['%s: %s\n' % (node, guest.undedicate_dm(args[1]))]
    if guest.power == 'on':
        out.append('%s: %s\n' % (node, guest.undedicate_active(args[1])))
    return out


HANDLERS = {
    '--dedicatedevice': dedicate,
    '--undedicatedevice': undedicate,
}
