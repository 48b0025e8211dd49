"""AdminClient: the /_sim test controls over HTTP (internals.rst "The simulator")."""

import requests


class AdminError(Exception):
    pass


class AdminClient:
    def __init__(self, base_url, ca_file=None, token=None, timeout=30):
        self.base = base_url.rstrip('/') + '/_sim/'
        self._session = requests.Session()
        # Passed per request: a Session.verify is overridden by REQUESTS_CA_BUNDLE.
        self._verify = ca_file if ca_file else True
        if token:
            self._session.headers['X-Sim-Token'] = token
        self.timeout = timeout

    def _call(self, method, route, params=None, json=None):
        resp = self._session.request(method, self.base + route, params=params, json=json,
                                     timeout=self.timeout, verify=self._verify)
        if resp.status_code != 200:
            raise AdminError('%s %s: %s %s' % (method, route, resp.status_code, resp.text))
        return resp.json()

    def state(self):
        return self._call('GET', 'state')

    def pool(self, hv, pool):
        return self._call('GET', 'pool', {'hypervisor': hv, 'pool': pool})

    def pool_text(self, hv, pool):
        return self._call('GET', 'pool_text', {'hypervisor': hv, 'pool': pool})

    def guest(self, node):
        return self._call('GET', 'guest', {'node': node})

    def set_reachable(self, node, reachable):
        return self._call('POST', 'guest_flags', json={'node': node, 'reachable': reachable})

    def reset(self):
        return self._call('POST', 'reset')

    def add_fault(self, method=None, resource=None, option=None, node=None, action='error',
                  text=None, status=None, delay=None, count=1, after=0, execute=False):
        return self._call('POST', 'faults', json=dict(
            method=method, resource=resource, option=option, node=node, action=action,
            text=text, status=status, delay=delay, count=count, after=after, execute=execute))

    def faults(self):
        return self._call('GET', 'faults')

    def clear_faults(self):
        return self._call('DELETE', 'faults')

    def set_latency(self, option, seconds):
        return self._call('POST', 'latency', json={'option': option, 'seconds': seconds})

    def calls(self):
        return self._call('GET', 'calls')

    def clear_calls(self):
        return self._call('DELETE', 'calls')

    def set_unlocked(self, enabled=True, delay=None):
        body = {'enabled': enabled}
        if delay is not None:
            body['delay'] = delay
        return self._call('POST', 'unlocked', json=body)

    def lun_path(self, wwpn, lun):
        return self._call('GET', 'lun_path', {'wwpn': wwpn, 'lun': lun})

    def guest_root(self, node):
        return self._call('GET', 'guest_root', {'node': node})

    def close(self):
        self._session.close()
