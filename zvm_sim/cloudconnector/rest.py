"""The sdkserver REST front: routes, token auth and the HTTP status of replies.

Follows feilong zvmsdk/sdkwsgi (handler.py ROUTE_LIST, handlers/*.py,
util.py, deploy.py):

- every reply is JSON; API replies carry the sdk results dict, with the
  HTTP status ``util.get_http_code_from_sdk_return`` gives it (overallRC 0:
  200; 400/404/409/501/503 as is; 100: 400; the route's extra handler
  (404 for "not found" codes, 409 for "already exists"); else 500);
- errors raised before an API runs (no route, wrong method, bad JSON,
  no or bad token) are the Fault of deploy.py: HTTP status N with
  ``{"overallRC": 400, "rc": 400, "rs": N, "modID": 120, "output": "",
  "errmsg": <text>}``;
- auth (handlers/tokens.py): with ``auth = none`` (no admin token
  configured) ``POST /token`` answers ``X-Auth-Token: server-auth-closed``
  and nothing is checked; with an admin token, ``POST /token`` exchanges
  ``X-Admin-Token`` for an ``X-Auth-Token`` valid ``token_validity``
  seconds, required on every other route.  (feilong signs a JWT with the
  admin token; here the token is random and remembered: the same contract.)
"""

import json
import re
import secrets
import threading
import time
from urllib.parse import parse_qs

_NOT_FOUND_CODES = {(300, 300, 20), (8, 400, 4), (8, 200, 4)}
_UNAUTHORIZED = ('This server could not verify that you are authorized to '
                 'access the document you requested.')


class Reply:
    def __init__(self, status, body, headers=None):
        self.status, self.body, self.headers = status, body, headers or {}


def fault(status, text):
    return Reply(status, {'overallRC': 400, 'rc': 400, 'rs': status,
                          'modID': 120, 'output': '', 'errmsg': text})


def http_status(results, extra=None):
    """sdkwsgi util.get_http_code_from_sdk_return."""
    rc = results['overallRC']
    if rc == 0:
        return 200
    if rc in (400, 404, 409, 501, 503):
        return rc
    if rc == 100:
        return 400
    key = (rc, results['rc'], results['rs'])
    if extra == 'not_found' and key in _NOT_FOUND_CODES:
        return 404
    if extra == 'exists' and key in {(300, 300, 13), (8, 400, 8)}:
        return 409
    return 500


class Tokens:
    """handlers/tokens.py: create and validate."""

    def __init__(self, admin_token=None, validity=3600):
        self.admin_token = admin_token
        self.validity = validity
        self._issued = {}
        self._lock = threading.Lock()

    def create(self, headers):
        if not self.admin_token:
            return Reply(200, '', {'X-Auth-Token': 'server-auth-closed'})
        given = headers.get('X-Admin-Token')
        if not given or not secrets.compare_digest(given, self.admin_token):
            return fault(401, _UNAUTHORIZED)
        token = secrets.token_urlsafe(24)
        with self._lock:
            now = time.time()
            self._issued = {t: e for t, e in self._issued.items() if e > now}
            self._issued[token] = now + self.validity
        return Reply(200, '', {'X-Auth-Token': token})

    def valid(self, headers):
        if not self.admin_token:
            return True
        token = headers.get('X-Auth-Token')
        with self._lock:
            expiry = self._issued.get(token or '')
        return expiry is not None and expiry > time.time()


def _userid(match):
    return match.group('userid')


# (method, path regex, handler name, extra status handler)
ROUTES = [
    ('GET', r'/', 'version', None),
    ('GET', r'/guests', 'guest_list', None),
    ('POST', r'/guests', 'guest_create', 'exists'),
    ('DELETE', r'/guests/(?P<userid>[^/]+)', 'guest_delete', None),
    ('POST', r'/guests/(?P<userid>[^/]+)/action', 'guest_action', 'not_found'),
    ('GET', r'/guests/(?P<userid>[^/]+)/power_state', 'guest_get_power_state',
     'not_found'),
    ('POST', r'/guests/(?P<userid>[^/]+)/interface',
     'guest_create_network_interface', None),
    ('PUT', r'/guests/(?P<userid>[^/]+)/disks', 'guest_config_minidisks', None),
    ('GET', r'/host', 'host_get_info', None),
    ('GET', r'/images', 'image_query', 'not_found'),
    ('POST', r'/images', 'image_import', 'exists'),
    ('DELETE', r'/images/(?P<name>[^/]+)', 'image_delete', None),
    ('PUT', r'/images/(?P<name>[^/]+)', 'image_export', 'not_found'),
    ('GET', r'/images/(?P<name>[^/]+)/root_disk_size', 'image_get_root_disk_size',
     'not_found'),
]
_COMPILED = [(m, re.compile('^%s$' % p), h, x) for m, p, h, x in ROUTES]


class BadRequest(Exception):
    pass


def _json(body):
    if not body:
        return {}
    try:
        data = json.loads(body)
    except ValueError as e:
        raise BadRequest('Malformed JSON: %s' % e)
    if not isinstance(data, dict):
        raise BadRequest('The request body must be a JSON object')
    return data


def _section(data, key, required=()):
    part = data.get(key)
    if not isinstance(part, dict):
        raise BadRequest("ValidationError: Validation error: '%s' is a "
                         "required property" % key)
    for name in required:
        if name not in part:
            raise BadRequest("ValidationError: Validation error: '%s' is a "
                             "required property" % name)
    return part


class CloudConnectorREST:
    """Dispatch one HTTP request to the API; returns a Reply."""

    def __init__(self, api, tokens):
        self.api = api
        self.tokens = tokens

    def handle(self, method, path, query, body, headers):
        path = path.rstrip('/') or '/'
        if path == '/token':
            if method != 'POST':
                return fault(405, 'The method specified is not allowed for '
                                  'this resource.')
            return self.tokens.create(headers)
        allowed = [(m, rx, h, x) for m, rx, h, x in _COMPILED if rx.match(path)]
        if not allowed:
            return fault(404, 'The resource could not be found.')
        route = [r for r in allowed if r[0] == method]
        if not route:
            return fault(405, 'The method specified is not allowed for this '
                              'resource.')
        if not self.tokens.valid(headers):
            return fault(401, _UNAUTHORIZED)
        _method, rx, name, extra = route[0]
        match = rx.match(path)
        try:
            results = self._call(name, match, parse_qs(query), _json(body))
        except BadRequest as e:
            return fault(400, str(e))
        if results is None:
            return fault(400, 'action is invalid')
        if name == 'version':
            return Reply(200, results)
        status = 200 if name == 'guest_list' else http_status(results, extra)
        return Reply(status, results)

    def _call(self, name, match, query, data):
        api = self.api
        if name == 'version':
            return {'rc': 0, 'overallRC': 0, 'modID': None, 'rs': 0,
                    'errmsg': '', 'output': {'api_version': '1.0',
                                             'min_version': '1.0',
                                             'max_version': '1.0',
                                             'version': '1.6.3'}}
        if name == 'guest_create':
            guest = _section(data, 'guest', ('userid', 'vcpus', 'memory'))
            args = {k: v for k, v in guest.items()
                    if k not in ('userid', 'vcpus', 'memory')}
            return api.guest_create(guest['userid'], guest['vcpus'],
                                    guest['memory'], **args)
        if name == 'guest_action':
            if not data.get('action'):
                raise BadRequest('action not exist or is empty')
            action = data.pop('action')
            return api.guest_action(_userid(match), action, data)
        if name == 'guest_create_network_interface':
            part = _section(data, 'interface', ('os_version', 'guest_networks'))
            return api.guest_create_network_interface(
                _userid(match), part['os_version'], part['guest_networks'],
                active=part.get('active', False))
        if name == 'guest_config_minidisks':
            part = _section(data, 'disk_info')
            return api.guest_config_minidisks(_userid(match), part.get('disk_list'))
        if name in ('guest_delete', 'guest_get_power_state'):
            return getattr(api, name)(_userid(match))
        if name == 'image_query':
            return api.image_query((query.get('imagename') or [None])[0])
        if name == 'image_import':
            part = _section(data, 'image', ('image_name', 'url', 'image_meta'))
            return api.image_import(part['image_name'], part['url'],
                                    part['image_meta'], part.get('remote_host'))
        if name == 'image_export':
            part = _section(data, 'location', ('dest_url',))
            return api.image_export(match.group('name'), part['dest_url'],
                                    part.get('remote_host'))
        if name in ('image_delete', 'image_get_root_disk_size'):
            return getattr(api, name)(match.group('name'))
        return getattr(api, name)()
