"""Stand-in for the zHCP's smcli, run by xCAT's real zvm.pm (shims/smcli).

``simcall.py <tool> <argv...>`` asks the running simulator (``POST /_sim/smapi`` at
$REALXCAT_SIM_URL, CA $REALXCAT_SIM_CA, token $REALXCAT_SIM_TOKEN) and prints its answer
with its exit status, so zvm.pm parses the simulator's z/VM as it would parse SMAPI.
Standard library only: it starts once per call.
"""

import json
import os
import ssl
import sys
import urllib.request


def main(argv):
    url = os.environ['REALXCAT_SIM_URL'].rstrip('/') + '/_sim/smapi'
    body = json.dumps({'tool': argv[0], 'argv': argv[1:],
                       'host': os.environ.get('REALXCAT_HOST', '')}).encode()
    req = urllib.request.Request(url, data=body, method='POST',
                                 headers={'Content-Type': 'application/json'})
    token = os.environ.get('REALXCAT_SIM_TOKEN')
    if token:
        req.add_header('X-Sim-Token', token)
    ctx = None
    if url.startswith('https'):
        ctx = ssl.create_default_context(cafile=os.environ.get('REALXCAT_SIM_CA') or None)
    with urllib.request.urlopen(req, timeout=60, context=ctx) as resp:
        answer = json.loads(resp.read().decode())
    sys.stdout.write(answer['out'])
    return answer['rc']


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
