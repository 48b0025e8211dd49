"""The simulator's answers to the stand-ins xCAT's real code calls (shims/).

- ``smcli`` (shims/smcli, zvm.pm): texts follow what zvm.pm parses: SMAPI's
  "... Done" / "... Failed" with Return and Reason Codes (the Guest model's own
  texts), System_WWPN_Query's five lines per FCP device, Image_Query_DM's
  directory statements.
- ``vmur`` / ``vmcp`` (the zHCP's spool, zvmCPUtils.pm punch2Reader for
  ``chvm --aemod``): punched files wait in ``spool`` until transferred to a
  guest's reader in the model.
- ``guest`` (shims/dsh/ssh, xdsh's remote shell): the command run in the guest
  model, as the simulator's own xdsh runs it (xcatd.remote_shell), with the test
  control of the request (RealXcat.guest_faults).
"""

import io
import os
import tarfile

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


def vmur(sim, argv, host, spool):
    """``vmur punch [-u user] -r <file> -N <name>`` run in folder argv[0]: into the spool."""
    folder, args = argv[0], argv[1:]
    if not args or args[0] != 'punch':
        return 'vmur: unsupported by the realxcat stand-in: %s\n' % ' '.join(args), 1
    opts = _options([a for a in args[1:] if a != ''])
    path = os.path.join(folder, opts.get('-r', ''))
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except OSError as e:
        return 'vmur: Opening %s failed: %s\n' % (opts.get('-r'), e.strerror), 1
    spool['next'] = spool.get('next', 0) + 1
    spool[spool['next']] = {'name': opts.get('-N') or os.path.basename(path),
                            'class': 'A', 'data': data}
    return 'Reader file with spoolid %04d created.\n' % spool['next'], 0


def vmcp(sim, argv, host, spool):
    """CHANGE RDR <id> CLASS <c>, TRANSFER RDR <id> TO <userid>, PURGE READER <id>."""
    words = [w.upper() for w in argv]
    file_id = int(words[2]) if len(words) > 2 and words[2].isdigit() else None
    if file_id not in spool:
        return 'HCPCSP003E Invalid option - %s\n' % (words[2] if len(words) > 2 else ''), 3
    if words[:2] == ['CHANGE', 'RDR'] and words[3:4] == ['CLASS'] and len(words) == 5:
        spool[file_id]['class'] = words[4]
        return 'RDR FILE %04d CHANGED\n' % file_id, 0
    if words[:2] in (['PURGE', 'READER'], ['PURGE', 'RDR']):
        del spool[file_id]
        return '0000001 FILE PURGED\n', 0
    if words[:2] == ['TRANSFER', 'RDR'] and words[3:4] == ['TO'] and len(words) == 5:
        _, guest = _guest_by_userid(sim, words[4])
        if guest is None:
            return 'HCPCFX003E Invalid option - %s\n' % words[4], 3
        guest.punch(_reader_file(spool.pop(file_id)))
        sim.save()
        return 'RDR FILE %04d SENT TO %s RDR AS %04d\n' % (file_id, words[4], file_id), 0
    return 'HCPCMD001E Unknown CP command\n', 1


def _reader_file(spooled):
    """The guest model's reader file of a punched file.

    An --aemod file (a tar of invokeScript.sh and the worker) is read as the
    guest's xcatconf4z would: the worker and its parameters come from
    invokeScript.sh's ``/bin/bash <worker> <parms...>`` line.
    """
    entry = {'name': spooled['name'], 'class': spooled['class'], 'content': None,
             'script': None, 'args': []}
    try:
        with tarfile.open(fileobj=io.BytesIO(spooled['data'])) as tar:
            invoke = tar.extractfile('invokeScript.sh').read().decode()
    except (tarfile.TarError, KeyError, AttributeError):
        entry['content'] = spooled['data'].decode('utf-8', 'replace')
        return entry
    command = invoke.split('\n')[1].split(' ')
    entry.update(content=invoke, script=command[1], args=command[2:])
    return entry


TOOLS = {'smcli': smcli, 'vmur': vmur, 'vmcp': vmcp}


def guest(sim, command, host, fault=None):
    """{out, err, rc} of ``command`` run by ssh in the guest ``host``."""
    rc, out, err = xcatd.remote_shell(sim, host, command, fault)
    return {'out': out, 'err': err, 'rc': rc}


def handle(sim, tool, argv, host, spool):
    """(output text, exit status) of one stand-in call; ``spool``: the zHCPs' spool."""
    with sim.lock:
        if tool == 'smcli':
            return smcli(sim, list(argv), host)
        return TOOLS[tool](sim, list(argv), host, spool)
