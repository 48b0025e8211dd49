"""The simulator's answers to the stand-ins xCAT's real code calls (shims/).

- ``smcli`` (shims/smcli, zvm.pm): texts follow what zvm.pm parses: SMAPI's
  "... Done" / "... Failed" with Return and Reason Codes (the Guest model's own
  texts), System_WWPN_Query's five lines per FCP device, Image_Query_DM's
  directory statements.
- ``guest`` (shims/dsh/ssh, xdsh's remote shell): the command run in the guest
  model, as the simulator's own xdsh runs it (xcatd.remote_shell), with the test
  control of the request (RealXcat.guest_faults).
"""

from zvm_sim.xcat import xcatd


def _options(argv):
    """smcli ``-T X -v Y`` -> {'-T': 'X', '-v': 'Y'}."""
    opts = {}
    for i in range(0, len(argv) - 1, 2):
        opts[argv[i]] = argv[i + 1]
    return opts


def _guest_by_userid(sim, userid):
    for system in sim.systems.values():
        for guest in system.guests.values():
            if guest.userid == (userid or '').upper():
                return system, guest
    return None, None


def _system_of_zhcp(sim, host):
    for system in sim.systems.values():
        if system.zhcp == host or system.zhcp_userid == (host or '').upper():
            return system
    return next(iter(sim.systems.values()))


def smcli(sim, argv, host):
    function, opts = argv[0], _options(argv[1:])
    if function == 'System_WWPN_Query':
        return '\n'.join(_system_of_zhcp(sim, host).wwpn_query()) + '\n', 0
    system, guest = _guest_by_userid(sim, opts.get('-T'))
    if guest is None:
        return ('Failed\n  Return Code: 400\n  Reason Code: 4\n'
                '  Description: Image not found\n'), 1
    if function == 'Image_Query_DM':
        lines = guest.directory_statements()
        return '\n'.join(lines) + '\n*DVHOPT LNK0 LOG1 RCM1 SMR0 NPW1\n', 0
    if function == 'Image_Activate':
        text = guest.activate()
        sim.save()
        return text + '\n', 0 if text.endswith('Done') else 1
    if function == 'Image_Deactivate':
        # Without -f IMMED (softoff) z/VM signals the guest first; the model
        # logs it off at once either way.
        if guest.power == 'off':
            return ('Deactivating %s... Failed\n  Return Code: 200\n  Reason Code: 12\n'
                    '  Description: Image not active\n' % guest.userid), 1
        text = guest.deactivate()
        sim.save()
        return text + '\n', 0
    if function == 'Image_Device_Dedicate_DM':
        ok, text = guest.dedicate_dm(opts['-v'], opts['-r'], opts.get('-R', '0'))
    elif function == 'Image_Device_Dedicate':
        text = guest.dedicate_active(opts['-v'], opts['-r'], opts.get('-R', '0'))
    elif function == 'Image_Device_Undedicate_DM':
        text = guest.undedicate_dm(opts['-v'])
    elif function == 'Image_Device_Undedicate':
        text = guest.undedicate_active(opts['-v'])
    else:
        return 'Failed: %s is not modelled by the simulator\n' % function, 1
    sim.save()
    return text + '\n', 0 if text.endswith('Done') else 1


TOOLS = {'smcli': smcli}


def guest(sim, command, host, fault=None):
    """{out, err, rc} of ``command`` run by ssh in the guest ``host``."""
    rc, out, err = xcatd.remote_shell(sim, host, command, fault)
    return {'out': out, 'err': err, 'rc': rc}


def handle(sim, tool, argv, host):
    """(output text, exit status) of one stand-in call."""
    with sim.lock:
        return TOOLS[tool](sim, list(argv), host)
