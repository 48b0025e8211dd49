"""rmvm: DELETE /xcatws/vms/<node>, zvm.pm removeVM.

zvmxcatws.cgi vmsHandler turns DELETE on ``vms/<node>`` into ``rmvm``
(xCAT-server/xCAT-wsapi/zvmxcatws.cgi:2105-2106); zvm.pm dispatches it to
removeVM (xCAT-server/lib/xcat/plugins/zvm.pm:404-415), which for a node
that was not discovered (zvm.pm:794-901):

- logs the user off (Image_Deactivate -f IMMED) and deletes its directory
  entry (Image_Delete_DM), printing ``<node>: <smcli output>``;
- goes through every pool file of the node's zHCP and frees each line
  that ``egrep -a -i $node`` matches (zvm.pm:866-891): the node name is an
  extended regular expression matched against the whole CSV line, case
  blind, so a node called ``bac6`` matches every LUN of a target WWPN
  ending in bac6, whoever owns it. Each match becomes
  ``free,<wwpn>,<lun>,<size>,<range>,,,`` by ``sed -i -e 's#<line>#<free
  line>#i'``: no wipe, whatever the LUN holds, quarantined LUNs included;
  ``<node>: Updating FCP device pool <pool>... Done`` per pool touched;
- removes the node from the xCAT tables (zvm.pm:903-912).

Not modelled: vswitch grants, ``discovered`` nodes, ``-r``/``--service``.
"""

import re

from zvm_sim.xcat import reply


def _free_line(line):
    """zvm.pm:883-884: ``free,$info[1],$info[2],$info[3],$info[4],,,``."""
    info = (line.split(',') + [''] * 5)[:5]
    return 'free,%s,%s,%s,%s,,,' % tuple(info[1:5])


def _free_matching(text, node):
    """(new text, number of lines changed): the egrep and sed of removeVM."""
    try:
        matcher = re.compile(node, re.I)
    except re.error:
        matcher = re.compile(re.escape(node), re.I)
    lines = text.split('\n')
    matched = [ln for ln in lines if ln and matcher.search(ln)]
    for old in matched:
        # sed 's#old#new#i' on every line of the file, first match per line
        pattern = re.compile(re.escape(old), re.I)
        lines = [pattern.sub(lambda _m, new=_free_line(old): new, ln, count=1)
                 for ln in lines]
    return '\n'.join(lines), len(matched)


def rmvm(sim, node, pool_lock):
    kind, system, guest = sim.find_node(node)
    if kind != 'guest':
        return [reply.println('%s: (Error) Option not supported' % node)]
    out = []
    with sim.lock:
        # logoff, directory, tables and guest state go as with any delete
        sim.delete_guest(node)
        out.append(reply.println('%s: Deleting virtual server %s... Done'
                                 % (node, guest.userid)))
        files = sim.pool_files[system.hypervisor]
        with pool_lock(sim, files):
            for pool in files.names():
                text, changed = _free_matching(files.read(pool) or '', node)
                if changed:
                    files.write(pool, text)
                    out.append(reply.println(
                        '%s: Updating FCP device pool %s... Done' % (node, pool)))
        sim.save()
    return out
