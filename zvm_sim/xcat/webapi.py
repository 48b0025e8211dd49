"""The v1 REST front end: zvmxcatws.cgi request handling on top of xcatd.py.

Follows xCAT-server/xCAT-wsapi/zvmxcatws.cgi:

- query: ``format`` (html default; json, xml; anything else 400 "The format
  'x' is not valid"), ``userName``/``password`` passed to xcatd;
- ``/xcatws/<resource>``: unknown resource 404 "Resource 'x' does not exist";
  unsupported method 405 "request method 'M' is not supported on resource 'r'";
  missing input 400 with the CGI's plain text;
- PUT bodies are JSON arrays of strings; for vms, hypervisor and tables each
  string is ``split(/ /)`` the Perl way (``"a  b"`` gives an empty argument,
  trailing empty fields dropped); for nodes/<n>/<sub> each string is one
  argument; for dsh they are ``key=value`` pairs (extractData);
- xcatd refusals: 401 when authentication fails, 403 for an unknown node, with
  an HTML ``<p>`` body (wrapData).

Deliberate differences: a request without credentials is refused with 401 (the
real CGI would run it as the web server's xCAT identity); a PUT body that is
not JSON gives 400 (Perl's decode_json dies and Apache answers 500); GET on
``hypervisor`` gives 405 (the CGI dies there).
"""

import json
from urllib.parse import unquote_plus

from zvm_sim.xcat import reply
from zvm_sim.xcat import xcatd

RESOURCES = ('groups', 'images', 'logs', 'monitors', 'networks', 'nodes', 'notifications',
             'policies', 'site', 'tables', 'accounts', 'objects', 'vms', 'debug',
             'hypervisor', 'version')


class Response:
    def __init__(self, status, body, content_type='application/json', drop=False):
        self.status, self.body, self.content_type, self.drop = status, body, content_type, drop


def perl_space_split(text):
    """Perl ``split(/ /, $s)``: keeps inner/leading empty fields, drops trailing ones."""
    if text == '':
        return []
    parts = text.split(' ')
    while parts and parts[-1] == '':
        parts.pop()
    return parts


def parse_query(qs):
    """zvmxcatws.cgi fetchParameter: key -> list of values."""
    out = {}
    for pair in (qs or '').split('&'):
        if not pair:
            continue
        key, _, value = pair.partition('=')
        out.setdefault(unquote_plus(key), []).append(unquote_plus(value))
    return out


class BadRequest(Exception):
    def __init__(self, text, status=400):
        super().__init__(text)
        self.text, self.status = text, status


def _entries(body):
    if not body:
        return None
    try:
        entries = json.loads(body)
    except ValueError:
        raise BadRequest('The request body is not valid JSON')
    if not isinstance(entries, list):
        entries = [entries]
    return entries


def _extract(entries):
    """zvmxcatws.cgi extractData: 'k=v' -> {k: v}; 'k' -> {k: 1}."""
    out = {}
    for e in entries:
        e = str(e)
        key, sep, value = e.partition('=')
        out[key] = value if sep else '1'
    return out


def plan(method, parts, query, body):
    """Turn a request into (command, noderange, args, extra) like the CGI does."""
    resource = parts[0]
    node = parts[1] if len(parts) > 1 else None
    sub = parts[2] if len(parts) > 2 else None
    if resource == 'version':
        return 'lsxcatd', None, ['-v'], {}
    if resource == 'nodes':
        return _plan_nodes(method, node, sub, query, body)
    if resource == 'vms':
        if node is None:
            raise BadRequest('Invalid nodes and/or groups in noderange')
        if method == 'GET':
            return 'lsvm', node, [], {}
        if method == 'PUT':
            entries = _entries(body)
            if not entries:
                raise BadRequest('No Field and Value map was supplied.')
            args = [a for e in entries for a in perl_space_split(str(e))]
            for key in ('objectid', 'requestid'):
                if key in query:
                    args += ['--' + key, query[key][0]]
            return 'chvm', node, args, {}
        if method in ('POST', 'DELETE'):
            return ('mkvm' if method == 'POST' else 'rmvm'), node, [], {}
        raise BadRequest("request method '%s' is not supported on resource 'vms'" % method,
                         405)
    if resource == 'hypervisor':
        if method != 'PUT':
            raise BadRequest("request method '%s' is not supported on resource 'hypervisor'"
                             % method, 405)
        if node is None:
            raise BadRequest('Invalid nodes and/or groups in node in noderange')
        entries = _entries(body)
        if not entries:
            raise BadRequest('No set attribute was supplied.')
        args = [a for e in entries for a in perl_space_split(str(e))]
        return sub or 'chhypervisor', node, args, {}
    if resource == 'tables':
        return _plan_tables(method, node, query, body)
    if method not in ('GET', 'PUT', 'POST', 'DELETE'):
        raise BadRequest("request method '%s' is not supported on resource '%s'"
                         % (method, resource), 405)
    return resource, node, [], {}


def _plan_nodes(method, node, sub, query, body):
    if method == 'GET':
        if sub is None:
            return 'lsdef', node, ['-t', 'node'] + (['-o', node] if node else []), {}
        if node is None:
            raise BadRequest('Invalid nodes and/or groups in noderange')
        fields = query.get('field', [])
        if sub == 'power':
            return 'rpower', node, fields or ['stat'], {}
        if sub == 'inventory':
            return 'rinv', node, fields or ['all'], {}
        if sub == 'status':
            return 'nodestat', node, [], {}
        raise BadRequest('Unspported operation on nodes object.')
    if method == 'PUT':
        if node is None:
            raise BadRequest('Invalid nodes and/or groups in noderange')
        entries = _entries(body)
        if not entries:
            raise BadRequest('No set attribute was supplied.')
        entries = [str(e) for e in entries]
        if sub == 'power':
            if not _extract(entries):
                raise BadRequest('No power operands were supplied.')
            return 'rpower', node, entries, {}
        if sub == 'dsh':
            return 'xdsh', node, [], {'elements': _extract(entries)}
        if sub == 'execcmdonvm':
            return 'xdsh', node, [], {'elements': {'command': ' '.join(entries)}}
        if sub is None:
            return 'tabch', node, ['node=' + node] + entries, {}
        return sub, node, entries, {}
    if method in ('POST', 'DELETE'):
        return ('mkdef' if method == 'POST' else 'rmdef'), node, [], {}
    raise BadRequest("request method '%s' is not supported on resource 'nodes'" % method, 405)


def _plan_tables(method, table, query, body):
    if method == 'GET':
        if table is None:
            return 'tabdump', None, [], {}
        if 'col' in query:
            value = query.get('value', [''])[0]
            return 'gettab', None, ['%s=%s' % (query['col'][0], value)] + [
                '%s.%s' % (table, a) for a in query.get('attribute', [])], {'table': table}
        return 'tabdump', None, [table], {'table': table}
    if method in ('PUT', 'PATCH'):
        entries = _entries(body)
        if not entries:
            raise BadRequest('No set attribute was supplied.')
        args = [a for e in entries for a in perl_space_split(str(e))]
        return 'tabch', None, args, {'table': table}
    raise BadRequest("request method '%s' is not supported on resource 'tables'" % method, 405)


def option_of(command, args, extra):
    """The option recorded in the call log and matched by faults."""
    if command == 'xdsh':
        return 'dsh'
    if command in ('lsxcatd', 'tabdump', 'gettab', 'tabch'):
        return command
    return args[0] if args else command


def run_command(sim, command, node, args, extra):
    """xcatd: authentication was checked by the caller; node check, then the plugin."""
    if command in ('lsxcatd',):
        return xcatd.lsxcatd(sim)
    if command == 'tabdump':
        if not args:
            return [reply.data(t) for t in sorted(xcatd.TABLE_COLUMNS)]
        return xcatd.tabdump(sim, args[0])
    if command == 'gettab':
        key, _, value = args[0].partition('=')
        attrs = [a.split('.', 1)[1] for a in args[1:]]
        return xcatd.gettab(sim, extra['table'], key, value, attrs)
    if command == 'tabch':
        if node:
            xcatd.check_nodes(sim, node)
            args = [args[0]] + ['zvm.' + a if '.' not in a.partition('=')[0] else a
                                for a in args[1:]]
        return xcatd.tabch(sim, args)
    if command == 'lsdef' and node is None:
        names = sorted(r['node'] for r in sim.tables.get('zvm', []))
        return [reply.println('%s  (node)' % n) for n in names]
    xcatd.check_nodes(sim, node)
    if sim.find_node(node) is None:
        # Known to the tables only (added with tabch): no z/VM object behind it.
        return [reply.println('%s: (Error) Missing node HCP' % node)]
    real = sim.real_xcat
    if command == 'xdsh':
        if real is not None and real.handles(command, node, args):
            return real.xdsh(node, extra['elements'], extra.get('fault'))
        return xcatd.xdsh(sim, node, extra['elements'], extra.get('fault'))
    if command == 'lsdef':
        return [reply.println('Object name: %s' % node)]
    if command == 'nodestat':
        guest = sim.guest(node)
        return [reply.data('%s: %s' % (node, 'sshd' if guest and guest.reachable
                                       else 'noping'))]
    if real is not None and real.handles(command, node, args):
        return real.run(command, node, args)
    return xcatd.dispatch(sim, command, node, args)


def authenticate(sim, query):
    user = (query.get('userName') or [''])[0]
    password = (query.get('password') or [''])[0]
    users = sim.topology['users']
    if not user or not password or users.get(user) != password:
        raise xcatd.Refused('Authentication failure', 401)
