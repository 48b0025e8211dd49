"""The /_sim admin API: test controls and state read-back (JSON, not xCAT).

=========================================  ====================================
GET    /_sim/state                         whole state (pools, guests, tables)
GET    /_sim/pool?hypervisor=H&pool=P      rows of one pool file (list of dicts)
GET    /_sim/pool_text?hypervisor=H&pool=P the pool file text (null if absent)
GET    /_sim/guest?node=N                  directory, active config, power,
                                           reader, Linux state of a guest
POST   /_sim/guest_flags {node, reachable} make a guest (un)reachable
POST   /_sim/reset                         back to the topology
POST   /_sim/faults {fault fields}         add a fault (controls.Fault)
GET    /_sim/faults / DELETE /_sim/faults  list / clear faults
POST   /_sim/latency {option, seconds}     per option latency ('*' for all)
GET    /_sim/calls / DELETE /_sim/calls    call log / clear it
POST   /_sim/unlocked {enabled, delay}     xCAT's unlocked pool edits
GET    /_sim/lun_path?wwpn=W&lun=L         backing file of a LUN (W: a port or w1;w2)
GET    /_sim/guest_root?node=N             sysfs/dev tree root of a guest
=========================================  ====================================

When the server has an admin token, requests need ``X-Sim-Token: <token>``.

For tests and demos only: this API rewrites pools, guests and faults of
the simulated z/VM and reads LUN data paths. It shares the port of
/xcatws, so a server listening beyond the loopback interface must have an
admin token (:func:`check_exposure`); tokens are compared in constant
time.
"""

import hmac
import ipaddress
import json
from urllib.parse import parse_qs

from zvm_sim.xcat import webapi


def _ok(obj, status=200):
    return webapi.Response(status, json.dumps(obj, sort_keys=True))


def _err(status, text):
    return webapi.Response(status, json.dumps({'error': text}))


def is_loopback(host):
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:       # a host name, or '' (every interface)
        return False


def check_exposure(host, admin_token):
    """Refuse to serve /_sim beyond the loopback interface without a token."""
    if not admin_token and not is_loopback(host):
        raise ValueError(
            'refusing to listen on %r without an admin token: /_sim (test '
            'controls that rewrite the simulated z/VM) shares the port of '
            '/xcatws; pass --admin-token, or listen on 127.0.0.1' % (host,))


def _token_ok(headers, admin_token):
    given = headers.get('X-Sim-Token') or ''
    # Constant time: how much of a guess matched must not show in timing.
    return hmac.compare_digest(given.encode('utf-8', 'surrogatepass'),
                               admin_token.encode('utf-8', 'surrogatepass'))


def handle(app, method, url, body, headers):
    if app.admin_token and not _token_ok(headers, app.admin_token):
        return _err(401, 'admin token required')
    q = {k: v[0] for k, v in parse_qs(url.query).items()}
    try:
        payload = json.loads(body) if body else {}
    except ValueError:
        return _err(400, 'body is not JSON')
    route = url.path[len('/_sim'):].strip('/')
    sim, controls = app.sim, app.controls
    try:
        if (method, route) == ('GET', 'state'):
            return _ok(sim.state())
        if (method, route) == ('GET', 'pool'):
            with sim.lock:
                return _ok(sim.pool_rows(q['hypervisor'], q['pool']))
        if (method, route) == ('GET', 'pool_text'):
            return _ok(sim.pool_files[q['hypervisor']].read(q['pool']))
        if (method, route) == ('GET', 'guest'):
            guest = sim.guest(q['node'])
            if guest is None:
                return _err(404, 'no guest %s' % q['node'])
            with sim.lock:
                return _ok(guest.view())
        if (method, route) == ('POST', 'guest_flags'):
            guest = sim.guest(payload['node'])
            if guest is None:
                return _err(404, 'no guest %s' % payload['node'])
            with sim.lock:
                if 'reachable' in payload:
                    guest.reachable_when_on = bool(payload['reachable'])
                sim.save()
            return _ok(guest.to_dict())
        if (method, route) == ('POST', 'reset'):
            sim.reset()
            controls.reset()
            sim.unlocked = False
            return _ok({'reset': True})
        if route == 'faults':
            if method == 'POST':
                return _ok(controls.add_fault(**payload))
            if method == 'DELETE':
                controls.clear_faults()
                return _ok({'cleared': True})
            return _ok([f.to_dict() for f in controls.faults])
        if (method, route) == ('POST', 'latency'):
            controls.set_latency(payload['option'], payload.get('seconds', 0))
            return _ok({'option': payload['option'], 'seconds': payload.get('seconds', 0)})
        if route == 'calls':
            if method == 'DELETE':
                controls.clear_calls()
                return _ok({'cleared': True})
            return _ok(controls.get_calls())
        if (method, route) == ('POST', 'unlocked'):
            sim.unlocked = bool(payload.get('enabled', True))
            if 'delay' in payload:
                sim.unlocked_delay = float(payload['delay'])
            return _ok({'unlocked': sim.unlocked, 'delay': sim.unlocked_delay})
        if (method, route) == ('GET', 'lun_path'):
            # a pool row's "w1;w2" names the LUN by any of its ports
            path = sim.luns.backing_path(q['wwpn'].split(';')[0], q['lun'])
            if path is None:
                return _err(404, 'no LUN %s/%s' % (q['wwpn'], q['lun']))
            return _ok(path)
        if (method, route) == ('GET', 'guest_root'):
            if sim.guest(q['node']) is None:
                return _err(404, 'no guest %s' % q['node'])
            return _ok(sim.guest_root(q['node']))
    except KeyError as e:
        return _err(400, 'missing parameter %s' % e)
    except (TypeError, ValueError) as e:
        return _err(400, str(e))
    return _err(404, 'no admin route %s %s' % (method, route))
