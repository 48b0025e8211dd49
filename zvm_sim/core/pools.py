"""The zFCP SCSI pool rules of xCAT's z/VM plugin, as pure logic over pool files.

xCAT keeps one CSV file per pool on the zHCP (``/var/opt/zhcp/zfcp/<pool>.conf``,
header ``#status,wwpn,lun,size,range,owner,channel,tag``) and edits it with
cat/egrep/sed over ssh.  The functions here follow that code line by line:

- ``add_to_pool``       zvm.pm changeHypervisor ``--addzfcp2pool``
- ``remove_from_pool``  zvm.pm changeHypervisor ``--removezfcpfrompool``
- ``reserve``           zvm.pm changeHypervisor ``--reservezfcp``
- ``release``           zvm.pm changeHypervisor ``--releasezfcp``
- ``find_and_update``   zvmUtils.pm findAndUpdatezFcpPool (+ selectFcpDevice)
- ``list_pool``, ``pool_names``  zvm.pm inventoryHypervisor ``--zfcppool`` and
  ``--zfcppoolnames``

Each returns the lines xCAT would print (one printLn each); the reply module
turns them into ``info``/``error`` elements.  ``files`` is any object with
``read(pool) -> str|None``, ``write(pool, text)``, ``delete(pool)``, ``names()``
and ``race_window()`` (see state.PoolFiles); ``host`` answers FCP questions.

xCAT quirks, and whether they are reproduced (deliberately):

1. Reproduced: pool names are lowercased everywhere except in
   ``--removezfcpfrompool`` (so ``Gold`` cannot be removed from, ``gold`` can).
2. Reproduced: the duplicate check of ``--addzfcp2pool`` greps ``,<wwpn>,<lun>``
   per WWPN over all pools, so a multipath entry ``w1;w2`` hides ``w1`` (adding
   ``w1 L`` next to ``w1;w2 L`` is accepted) while ``w2`` is found.
3. Reproduced: best fit skips entries without a size; sizes are compared in MB;
   ties keep the first line; an entry of size 0 is replaced by any later fit.
4. Reproduced: the update step re-reads the file and greps the LUN alone.  When
   the LUN is on several lines (same LUN behind other WWPNs) xCAT's sed gets a
   multi-line expression and fails silently: nothing is written but the reply
   still says "reserved... Done".  Product code must read back.
5. Reproduced: the write-back size is the request in MB plus ``M`` when the entry
   had no size (``10G`` -> ``10240M``; a request of ``512M`` -> ``512MM``; no
   request -> ``M``).
6. Reproduced: ``--reservezfcp`` (and ``chvm --addzfcp``) with a WWPN/LUN not
   in the pool prints the "command ... failed with return code 1" message of
   findzFcpDeviceAttr (2 when the pool file is missing).
9. Reproduced: findzFcpDeviceAttr (zvmUtils.pm 4214) leaves ``"$wwpn,$lun"``
   unquoted in the local shell, so a multipath ``w1;w2`` splits the command
   and it exits 127: those two options can never address a multipath entry
   by its full WWPN list.  Any single WWPN of it that ends the list (``w2``)
   still greps the line, which is how the product addresses such entries.
10. Reproduced: ``--zfcppool <missing>`` answers ``info: [null]`` (no text
   at all) with ``all`` or no filter, and an error with a status filter
   (zvm.pm inventoryHypervisor: the filter runs ``cat`` through checkSSH_Rc).
7. Not reproduced: sed treating the old line as a regular expression (and the
   shell expanding ``$`` in tags); the simulator replaces the literal line.
8. Not reproduced: the read-modify-write race is closed by a per-zHCP lock,
   unless the simulator runs "unlocked", where ``files.race_window()`` sleeps
   between choosing an entry and writing it, as xCAT's separate ssh calls do.
"""

import re

HEADER = '#status,wwpn,lun,size,range,owner,channel,tag'


def perl_split(text, sep=','):
    """Perl's split: trailing empty fields are dropped."""
    parts = text.split(sep)
    while parts and parts[-1] == '':
        parts.pop()
    return parts


_NUM = re.compile(r'\s*(\d+)')
_NONDIGIT = re.compile(r'\D')
_FREE = re.compile('^free', re.I)


def perl_num(value):
    """Numeric value of a string as Perl sees it (leading digits, else 0)."""
    m = _NUM.match(value or '')
    return int(m.group(1)) if m else 0


def _field(info, i):
    return info[i] if i < len(info) else ''


def _size_mb(text):
    """Entry size in MB the way the best-fit loop converts it, or None (skipped)."""
    low = text.lower()
    if 'g' in low:
        return perl_num(_NONDIGIT.sub('', text)) * 1024
    if 'm' in low:
        return perl_num(_NONDIGIT.sub('', text))
    return None


def _lines(text):
    return [ln for ln in (text or '').split('\n')]


def grep(text, needle):
    """egrep -i needle: lines containing needle (case-insensitive, literal)."""
    low = needle.lower()
    return [ln for ln in (text or '').split('\n') if low in ln.lower() and ln != '']


def attr_error(zhcp, pool, wwpn, lun, rc):
    """zvmUtils.pm findzFcpDeviceAttr's checkSSH_Rc message for a failed grep.

    rc 1: no line; 2: no pool file; 127: a ``;`` in the WWPN split the shell
    command.  The command is zvmUtils.pm 4215's string: ``"$sudo grep ..."``
    with an empty sudo (the sudoer is root) and ``\\"`` that Perl turns into
    a bare quote.  No ``node:`` prefix (Corrections 12).
    """
    cmd = 'ssh root@%s " grep -i "%s,%s" /var/opt/zhcp/zfcp/%s.conf"' % (zhcp, wwpn, lun, pool)
    return ('(Error) In findzFcpDeviceAttr(), command to %s failed with return code %d for: %s'
            % (zhcp, rc, cmd))


def find_device_attr(files, zhcp, pool, wwpn, lun):
    """zvmUtils.pm findzFcpDeviceAttr: (first matching line, None) or (None, error)."""
    text = files.read(pool)
    if ';' in wwpn:
        return None, attr_error(zhcp, pool, wwpn, lun, 127)
    if text is None:
        return None, attr_error(zhcp, pool, wwpn, lun, 2)
    hits = grep(text, '%s,%s' % (wwpn, lun))
    if not hits:
        return None, attr_error(zhcp, pool, wwpn, lun, 1)
    return hits[0], None


def pool_search_error(zhcp, wwpn, lun):
    """zvmUtils.pm findzFcpDevicePool when no pool file has the device (grep -l rc 1).

    zvmUtils.pm 4166: an empty sudo before grep, the quotes stay escaped.
    """
    cmd = 'ssh root@%s " grep -i -l \\"%s,%s\\" /var/opt/zhcp/zfcp/*.conf"' % (zhcp, wwpn, lun)
    return ('(Error) In findzFcpDevicePool(), command to %s failed with return code 1 for: %s'
            % (zhcp, cmd))


def _strip0x(value):
    return value.replace('0x', '')


# --- chhypervisor --addzfcp2pool -------------------------------------------------

def add_to_pool(files, node, args):
    """zvm.pm changeHypervisor --addzfcp2pool pool status wwpn lun size [range] [owner]."""
    out = []
    if len(args) < 6 or len(args) > 8:
        return ['%s: (Error) Wrong number of parameters' % node]
    pool = args[1].lower()
    status, wwpn, lun, size = args[2], args[3], args[4], args[5]
    if not (re.search('[gm]', size, re.I) or not size):
        return ['%s: (Error) Size not recognized. Size can be M(egabytes) or G(igabytes).'
                % node]
    if not re.match(r'^(free|used|reserved)$', status, re.I):
        return ['%s: (Error) Status not recognized. Status can be free, used, or reserved.'
                % node]
    wwpn = _strip0x(wwpn.replace('"', ''))
    lun = _strip0x(lun)
    if not re.match(r'^[0-9a-f]{16}(;[0-9a-f]{16})*$', wwpn, re.I):
        return ['%s: (Error) Invalid world wide portname %s.' % (node, wwpn)]
    if not re.match(r'^[0-9a-f]{16}$', lun, re.I):
        return ['%s: (Error) Invalid logical unit number %s.' % (node, lun)]
    for cur in wwpn.split(';'):
        holders = [p for p in files.names()
                   if grep(files.read(p), ',%s,%s' % (cur, lun))]
        if holders:
            return ['%s: (Error) zFCP device %s/%s already exists in %s.' % (node, cur, lun, p)
                    for p in holders]
    range_ = args[6] if len(args) > 6 else ''
    owner = args[7] if len(args) > 7 else ''
    if re.search(r'[^0-9a-f\-;]', range_, re.I):
        return ['%s: (Error) Invalid FCP device range. An acceptable range can be specified '
                'as 1A80-1B90 or 1A80-1B90;2A80-2B90.' % node]
    if re.search('used', status, re.I) and not owner:
        return ['%s: (Error) Owner must be specified if status is used.' % node]
    if re.search('free', status, re.I) and owner:
        return ['%s: (Error) Owner must not be specified if status is free.' % node]
    text = files.read(pool)
    if text is None:
        text = HEADER + '\n'
        out.append('%s: New zFCP device pool %s created' % (node, pool))
    text += '%s,%s,%s,%s,%s,%s,,\n' % (status, wwpn, lun, size, range_, owner)
    files.write(pool, text)
    out.append('%s: Adding zFCP device to %s pool... Done' % (node, pool))
    return out


# --- chhypervisor --removezfcpfrompool ---------------------------------------------

def _is_empty(text):
    lines = [ln for ln in text.split('\n')]
    if lines and lines[-1] == '':
        lines.pop()
    empty = sum(1 for ln in lines if not ln.strip())
    return len(lines) <= 1 or len(lines) == empty


def remove_from_pool(files, node, args):
    """zvm.pm changeHypervisor --removezfcpfrompool pool lun wwpn (pool NOT lowercased)."""
    if len(args) < 4:
        return ['%s: (Error) WWPN is required.' % node]
    if len(args) > 4:
        return ['%s: (Error) Wrong number of parameters' % node]
    pool, lun, wwpn = args[1], _strip0x(args[2]), _strip0x(args[3])
    if not re.match(r'^[0-9a-f]{16}(;[0-9a-f]{16})*$', wwpn, re.I):
        return ['%s: (Error) Invalid world wide port name %s.' % (node, wwpn)]
    if not re.match(r'^[0-9a-f]{16}(,[0-9a-f]{16})*$', lun, re.I):
        return ['%s: (Error) Invalid logical unit number %s.' % (node, lun)]
    if files.read(pool) is None:
        return ['%s: (Error) zFCP pool does not exist' % node]
    out = []
    for cur in [x for x in lun.split(',') if x]:
        text = files.read(pool) or ''
        matches = grep(text, cur)
        if not matches:
            out.append('%s: (Error) zFCP device %s does not exist' % (node, cur))
            return out
        found = False
        for line in matches:
            line = line.strip()
            if not line:
                continue
            info = perl_split(line)
            if wwpn and not re.search(re.escape(wwpn), _field(info, 1), re.I):
                continue
            found = True
            text = '\n'.join(ln for ln in (files.read(pool) or '').split('\n')
                             if ln.strip() != line)
            files.write(pool, text)
            out.append('%s: Removing zFCP device %s/%s from %s pool... Done'
                       % (node, wwpn, cur, pool))
            if _is_empty(text):
                files.delete(pool)
                out.append('%s: Deleting empty zFCP %s pool.' % (node, pool))
                return out
        if not found:
            out.append('%s: (Error) zFCP device %s/%s does not exist.' % (node, wwpn, cur))
            return out
    return out


# --- findAndUpdatezFcpPool --------------------------------------------------------

def select_fcp(out, host, header, fcp, range_, owner):
    """zvmUtils.pm selectFcpDevice for fcp 'auto'.

    The owner's dedicated FCP within the range, else a free FCP within the
    range that no used pool line names as its channel.
    """
    ranges = range_.split(';') if ';' in range_ else [range_]

    def in_range(dev):
        for r in ranges:
            lo, _, hi = r.partition('-')
            try:
                if int(lo, 16) <= int(dev, 16) <= int(hi or '-1', 16):
                    return True
            except ValueError:
                continue
        return False

    for dev in host.owner_dedicates(owner):
        if in_range(dev):
            out.append('%s: Found eligible FCP channel %s' % (header, dev.upper()))
            return dev.upper()
    used = host.used_channels()
    for dev, status in host.fcp_query():
        if re.search('free', status, re.I) and in_range(dev) and dev.upper() not in used:
            out.append('%s: Found FCP channel within acceptable range %s'
                       % (header, dev.upper()))
            return dev.upper()
    out.append('%s: (Error) A suitable FCP channel could not be found' % header)
    return None


def find_and_update(files, host, out, header, pool, criteria):
    """zvmUtils.pm findAndUpdatezFcpPool.  Returns dict(rc, fcp, wwpn, lun)."""
    fail = {'rc': -1}
    status = criteria.get('status', '')
    fcp = criteria.get('fcp', '')
    wwpn = criteria.get('wwpn', '')
    lun = criteria.get('lun', '')
    size = criteria.get('size', '')
    owner = criteria.get('owner', '')
    tag = criteria.get('tag', '')
    if not pool and not status:
        return fail
    if not re.match(r'^(free|used|reserved)$', status, re.I):
        out.append('%s: (Error) Status not recognized. Status can be free, used, or reserved.'
                   % header)
        return fail
    if fcp and not re.match('^auto', fcp, re.I) and re.search('[^0-9a-f;]', fcp, re.I):
        out.append('%s: (Error) Invalid FCP channel address %s.' % (header, fcp))
        return fail
    if re.search('used', status, re.I) and not owner:
        out.append('%s: (Error) Owner must be specified if status is used.' % header)
        return fail
    if re.search('free', status, re.I) and owner:
        out.append('%s: (Error) Owner must not be specified if status is free.' % header)
        return fail
    if size:
        if re.search('g', size, re.I):
            size = str(perl_num(re.sub(r'\D', '', size)) * 1024)
        elif not re.search('m', size, re.I):
            out.append('%s: (Error) Size not recognized. Size can be M(egabytes) or '
                       'G(igabytes).' % header)
            return fail
    use_given = bool(wwpn and lun)
    if use_given:
        out.append('%s: Using given WWPN and LUN' % header)
        wwpn, lun = _strip0x(wwpn), _strip0x(lun)
        if re.search('[^0-9a-f;]', wwpn, re.I):
            out.append('%s: (Error) Invalid world wide portname %s.' % (header, wwpn))
            return fail
        if re.search('[^0-9a-f]', lun, re.I):
            out.append('%s: (Error) Invalid logical unit number %s.' % (header, lun))
            return fail
    text = files.read(pool)
    if text is None:
        out.append('%s: (Error) FCP storage pool does not exist' % header)
        return fail
    if not use_given:
        found_mb = 0
        range_ = ''
        want = perl_num(size)
        for line in text.split('\n'):
            if not _FREE.match(line):
                continue
            info = perl_split(line)
            mb = _size_mb(_field(info, 3))
            if mb is None:
                continue
            if (found_mb and want <= mb < found_mb) or (not found_mb and mb >= want):
                found_mb = mb
                wwpn, lun, range_ = _field(info, 1), _field(info, 2), _field(info, 4)
        if not wwpn or not lun:
            out.append('%s: (Error) A suitable device of %sM or larger could not be found'
                       % (header, size))
            return fail
    else:
        matches = grep(text, '%s,%s' % (wwpn, lun))
        if not matches:
            out.append('%s: (Error) zFCP device 0x%s/0x%s could not be found in zFCP pool %s'
                       % (header, wwpn, lun, pool))
            return fail
        info = perl_split(matches[0])
        if size:
            have = _field(info, 3)
            if re.search('g', have, re.I):
                have_mb = perl_num(re.sub(r'\D', '', have)) * 1024
            else:
                have_mb = perl_num(re.sub(r'\D', '', have))
            if have_mb < perl_num(size):
                out.append('%s: (Error) FCP device %s/%s is not large enough'
                           % (header, wwpn, lun))
                return fail
        range_ = _field(info, 4)
    out.append('%s: Found FCP device 0x%s/0x%s' % (header, wwpn, lun))
    if re.search('used', status, re.I) and re.match('^auto', fcp, re.I):
        fcp = select_fcp(out, host, header, fcp, range_, owner)
        if not fcp:
            return fail
    elif re.search('free', status, re.I):
        fcp, owner = '', ''
    size = size + 'M'
    files.race_window()
    text = files.read(pool) or ''
    matches = grep(text, lun)
    if matches:
        info = perl_split(matches[0])
        cur_size = _field(info, 3) or size
        if not re.search(re.escape(wwpn), _field(info, 1), re.I):
            out.append('%s: (Error) FCP device %s/%s does not exists' % (header, wwpn, lun))
            return fail
        update = ','.join([status, _field(info, 1), _field(info, 2), cur_size,
                           _field(info, 4), owner, fcp, tag])
        if len(matches) == 1:
            old = matches[0].lower()
            lines = [update if ln.lower() == old else ln for ln in text.split('\n')]
            files.write(pool, '\n'.join(lines))
        # else: xCAT's sed gets a multi-line expression and fails; nothing is written.
    else:
        files.write(pool, text + '%s,%s,%s,%s,,%s,%s,%s\n'
                    % (status, wwpn, lun, size, owner, fcp, tag))
    return {'rc': 0, 'fcp': fcp, 'wwpn': wwpn, 'lun': lun}


# --- chhypervisor --reservezfcp / --releasezfcp -------------------------------------

def reserve(files, host, node, zhcp, args):
    """zvm.pm changeHypervisor --reservezfcp pool status owner device size [wwpn lun]."""
    if len(args) != 6 and len(args) != 8:
        return ['%s: (Error) Wrong number of parameters' % node]
    pool, status, owner, device, size = args[1].lower(), args[2], args[3], args[4], args[5]
    if re.match('^free$', status, re.I):
        return ['%s: (Error) Status can be used or reserved but not free.' % node]
    wwpn = lun = ''
    out = []
    if len(args) == 8:
        wwpn, lun = args[6].lower(), args[7].lower()
        if bool(wwpn) != bool(lun):
            return ['%s: (Error) WWPN and LUN must both be specified or both not.' % node]
        size = ''
    if wwpn and lun:
        hit, error = find_device_attr(files, zhcp, pool, wwpn, lun)
        if error:
            return [error]
        if perl_split(hit)[0] == 'used':
            return ['%s: (Error) FCP device 0x%s/0x%s is in use.' % (node, wwpn, lun)]
        criteria = {'status': status, 'fcp': device, 'wwpn': wwpn, 'lun': lun,
                    'owner': owner}
    else:
        criteria = {'status': status, 'fcp': device, 'size': size, 'owner': owner}
    res = find_and_update(files, host, out, node, pool, criteria)
    if res['rc'] == 0:
        out.append('%s: Reserving FCP device... Done' % node)
        dev = '%s/0x%s/0x%s' % (res['fcp'], res['wwpn'], res['lun']) if res['fcp'] \
            else '0x%s/0x%s' % (res['wwpn'], res['lun'])
        out.append('%s: FCP device %s was reserved... Done' % (node, dev))
    else:
        out.append('%s: (Error) Reserving FCP device... Failed' % node)
    return out


def release(files, host, node, args):
    """zvm.pm changeHypervisor --releasezfcp pool wwpn lun (lun may be a comma list)."""
    if len(args) != 4:
        return ['%s: (Error) Wrong number of parameters' % node]
    pool, wwpn, lun = args[1].lower(), args[2].lower(), args[3].lower()
    out = []
    for cur in [x for x in lun.split(',') if x]:
        res = find_and_update(files, host, out, node, pool,
                              {'status': 'free', 'wwpn': wwpn, 'lun': cur})
        if res['rc'] == 0:
            out.append('%s: Releasing FCP device... Done' % node)
            out.append('%s: FCP device 0x%s/0x%s was released' % (node, wwpn, cur))
        else:
            out.append('%s: Releasing FCP device... Failed' % node)
    return out


# --- rinv --zfcppool / --zfcppoolnames ----------------------------------------------

def list_pool(files, args):
    """zvm.pm inventoryHypervisor --zfcppool pool [space]: raw text before hostname."""
    pool = args[1].lower() if len(args) > 1 else ''
    space = args[2] if len(args) > 2 else ''
    text = files.read(pool)
    if space == 'all' or not space:
        return text or ''
    if text is None:
        return None
    body = HEADER + '\n'
    body += ''.join(ln + '\n' for ln in text.split('\n')
                    if ln and re.search(re.escape(space), ln, re.I))
    return body


def missing_pool_error(node, zhcp, pool):
    """zvm.pm inventoryHypervisor --zfcppool with a filter on a missing pool.

    checkSSH_Rc's message for the failed ``cat``, with the ``Node:`` form
    inventoryHypervisor passes it.
    """
    return ('Node: %s (Error) In inventoryHypervisor(), command to %s failed with return '
            'code 1 for: ssh root@%s " cat /var/opt/zhcp/zfcp/%s.conf"' % (node, zhcp, zhcp, pool))


def pool_names(files):
    """zvm.pm inventoryHypervisor --zfcppoolnames: deletes empty pools as it goes."""
    names = []
    for pool in sorted(files.names()):
        text = files.read(pool) or ''
        if _is_empty(text):
            files.delete(pool)
            continue
        names.append(pool)
    return ''.join(n + '\n' for n in names)
