"""Issue 12 item 6: the reply cap sits well above the largest real reply.

The largest reply the driver reads is a pool listing (``rinv <hv>
--zfcppool <pool> all``: zvm.pm prints the pool file, one line per entry,
each with the ``<hv>: `` prefix of appendHostname). A pool of 100,000
LUNs with the longest rows the driver writes (four-path WWPNs, a
``snapshot-<uuid>`` owner, four FCP ranges and channels) must fit several
times (three) into transport.MAX_REPLY_BYTES.
"""

import json
import time

import testtools

from zvm_xcat import parsers
from zvm_xcat import transport

LUNS = 100000
WWPNS = ';'.join('500507680b%d1bac6' % i for i in range(1, 5))
RANGE = '1f00-1f0f;2f00-2f0f;3f00-3f0f;4f00-4f0f'


def worst_case_pool_reply(count):
    rows = ['zvm1: used,%s,40%014x,1024G,%s,snapshot-%08x-1c2d-4e3f-8a9b-'
            '0c1d2e3f4a5b,1f00;2f00;3f00;4f00,' % (WWPNS, i, RANGE, i)
            for i in range(count)]
    return json.dumps({'data': [{'info': ['\n'.join(rows)]}]}).encode()


class TestReplyCap(testtools.TestCase):

    def test_largest_pool_listing_fits_three_times(self):
        body = worst_case_pool_reply(LUNS)
        self.assertLess(3 * len(body), transport.MAX_REPLY_BYTES,
                        '100k-LUN listing is %d bytes' % len(body))
        started = time.monotonic()
        result = transport.parse_answer(200, body, 'GET test')
        entries = parsers.parse_pool(result.lines())
        self.assertEqual(LUNS, len(entries))
        self.assertEqual('snapshot-0001869f-1c2d-4e3f-8a9b-0c1d2e3f4a5b',
                         entries[-1].owner)
        self.assertLess(time.monotonic() - started, 60)
