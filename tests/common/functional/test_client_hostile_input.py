"""Issue 12 items 3-6: the xCAT client against the simulator, under hostile input.

- item 3: owners that would reach xCAT's shell are refused before sending.
  xCAT pastes the owner into a back-quoted, double-quoted ssh command line
  on the management node (xcat-core perl-xCAT/xCAT/zvmUtils.pm
  findAndUpdatezFcpPool, lines 3953-3958: ``$update = "$status,...,$owner,
  ..."`` then `` `ssh $user\\@$hcp "$sudo sed --in-place -e $expression
  ..."` `` and the ``echo \\"...,$owner,...\\" >> pool.conf`` insert), and
  the pool file is CSV;
- item 4: replies are parsed as sent, whatever the password;
- item 5: no password in exception chains or tracebacks, nor in lower-case
  percent-encoded or HTML-escaped echoes;
- item 6: replies are read up to a cap.
"""

import html
import logging
import re
import traceback
import urllib.parse

import fixtures
import yaml

from tests.common.functional import simbase
from zvm_sim.core import topology as topo
from zvm_xcat import client as xclient
from zvm_xcat import exception as exc
from zvm_xcat import redact
from zvm_xcat import zfcp

VOLUME_ID = '0e1a5a6b-1c2d-4e3f-8a9b-0c1d2e3f4a5b'


def topology_with(password=None, big_pool_rows=0):
    """The default topology, with another admin password or an extra pool."""
    with open(topo.DEFAULT_TOPOLOGY) as f:
        raw = yaml.safe_load(f)
    if password is not None:
        raw['users'] = {'admin': password}
    if big_pool_rows:
        raw['systems'][0]['pools']['big'] = [
            {'status': 'free', 'wwpn': '500507680b21bac6',
             'lun': '40%014x' % i, 'size': '1G', 'range': '1f00-1f0f'}
            for i in range(big_pool_rows)]
    return raw


class ForgetPasswords(fixtures.Fixture):
    """Registered passwords are process-wide: forget this test's afterwards.

    A password like ``4001`` or ``volume`` would otherwise mask text in the
    assertions of every later test of the process.
    """

    STATE = ('_secrets', '_pattern')

    def _setUp(self):
        saved = {name: getattr(redact, name) for name in self.STATE
                 if hasattr(redact, name)}
        self.addCleanup(self._restore, saved)

    @staticmethod
    def _restore(saved):
        with redact._lock:
            for name, value in saved.items():
                setattr(redact, name, value)


class ClientCase(simbase.SimTestCase):

    def setUp(self):
        self.useFixture(ForgetPasswords())
        super().setUp()

    def client(self, **kwargs):
        kwargs.setdefault('retries', 0)
        c = xclient.XCATClient(self.sim.url, self.sim.username,
                               self.sim.password, ca_file=self.sim.ca_file,
                               **kwargs)
        self.addCleanup(c.close)
        return c


class TestOwnerNeverReachesTheShell(ClientCase):
    """Item 3."""

    HOSTILE = ('volume-0e1a-$(touch${IFS}pwn)',   # command substitution
               'volume-0e1a-1,evil',              # a CSV column more
               'volume-`id`', 'volume-a"b', "volume-a'b", 'volume-a#b',
               'volume-a\\b', 'volume-a;b', 'volume-a&b', 'volume-a|b',
               'x' * 129)

    def test_reserve_refuses_hostile_owners_before_sending(self):
        c = self.client()
        before = self.rows('gold')
        self.sim.admin.clear_calls()
        for owner in self.HOSTILE:
            self.assertRaises(exc.XCATInvalidArgument, zfcp.reserve, c,
                              'zvm1', 'gold', 'reserved', owner, 'auto',
                              size='1G')
            self.assertRaises(exc.XCATInvalidArgument, zfcp.add_to_pool, c,
                              'zvm1', 'gold', 'used', '500507680b21bac6',
                              '4001400b00000000', '1G', range_='1f00-1f0f',
                              owner=owner)
        self.assertEqual([], self.sim.admin.calls())
        self.assertEqual(before, self.rows('gold'))

    def test_owners_the_driver_writes_are_accepted(self):
        c = self.client()
        got = zfcp.reserve(c, 'zvm1', 'gold', 'reserved',
                           'volume-' + VOLUME_ID, 'auto', size='1G')
        self.assertEqual('volume-' + VOLUME_ID,
                         self.row('gold', got.lun)['owner'])
        zfcp.reserve(c, 'zvm1', 'gold', 'used', 'vm1', '1f00',
                     wwpns=got.wwpns, lun=got.lun)
        self.assertEqual(('used', 'vm1'),
                         (self.row('gold', got.lun)['status'],
                          self.row('gold', got.lun)['owner']))


class TestShortNumericPassword(ClientCase):
    """Item 4: the password ``4001`` is the start of every gold LUN."""

    topology = topology_with(password='4001')

    def test_pool_reads_as_xcat_sent_it(self):
        c = self.client()
        entries = zfcp.list_pool(c, 'zvm1', 'gold')
        self.assertEqual([r['lun'] for r in self.rows('gold')],
                         [e.lun for e in entries])
        self.assertEqual('4001400500000000', entries[0].lun)
        got = zfcp.reserve(c, 'zvm1', 'gold', 'reserved',
                           'volume-' + VOLUME_ID, 'auto', size='3G')
        self.assertEqual('4001400700000000', got.lun)

    def test_short_password_warned_at_setup(self):
        log = self.useFixture(fixtures.FakeLogger(name='zvm_xcat.client',
                                                  level=logging.WARNING))
        self.client()
        self.assertIn('shorter than 8 characters', log.output)

    def test_errors_still_masked(self):
        self.sim.admin.add_fault(option='--zfcppool',
                                 text='Error: password 4001 refused')
        error = self.assertRaises(exc.XCATCommandError, zfcp.list_pool,
                                  self.client(), 'zvm1', 'gold')
        self.assertNotIn('4001', str(error))
        self.assertNotIn('4001', ' '.join(error.result.errors))


class TestPasswordThatIsAnOwnerPrefix(ClientCase):
    """Item 4: the password ``volume`` is in every cinder owner."""

    topology = topology_with(password='volume')

    def test_owner_reads_back_whole(self):
        c = self.client()
        got = zfcp.reserve(c, 'zvm1', 'gold', 'reserved',
                           'volume-' + VOLUME_ID, 'auto', size='1G')
        owners = {e.lun: e.owner for e in zfcp.list_pool(c, 'zvm1', 'gold')}
        self.assertEqual('volume-' + VOLUME_ID, owners[got.lun])


PASSWORD = "Pa55&w<rd/x'y"


def lower_escapes(text):
    """``%2F`` -> ``%2f``: how some servers echo a percent-encoded value."""
    return re.sub(r'%[0-9A-F]{2}', lambda m: m.group(0).lower(), text)


class TestPasswordOutOfExceptionChains(ClientCase):
    """Item 5."""

    topology = topology_with(password=PASSWORD)

    FORMS = (PASSWORD, urllib.parse.quote(PASSWORD, safe=''),
             lower_escapes(urllib.parse.quote(PASSWORD, safe='')),
             urllib.parse.quote_plus(PASSWORD),
             lower_escapes(urllib.parse.quote_plus(PASSWORD)),
             html.escape(PASSWORD), html.escape(PASSWORD, quote=False))

    def assert_clean(self, error):
        chain, seen = [], error
        while seen is not None and len(chain) < 20:
            chain.append(seen)
            seen = seen.__cause__ or seen.__context__
        texts = [str(e) for e in chain] + [repr(e) for e in chain]
        texts += traceback.format_exception(type(error), error,
                                            error.__traceback__)
        texts.append(''.join(traceback.TracebackException.from_exception(
            error, capture_locals=False).format(chain=True)))
        for text in texts:
            for form in self.FORMS:
                self.assertNotIn(form, text)
        return chain

    def test_dropped_read_keeps_no_requests_exception(self):
        # retries=0: urllib3 raises MaxRetryError, whose text (and that of
        # requests' ConnectionError around it) is the URL with the password.
        self.sim.admin.add_fault(method='GET', action='drop')
        try:
            zfcp.list_pool(self.client(), 'zvm1', 'gold')
        except exc.XCATConnectionError as error:
            chain = self.assert_clean(error)
        else:
            self.fail('a dropped connection did not raise')
        self.assertEqual([exc.XCATConnectionError],
                         [type(e) for e in chain])

    def test_dropped_write_keeps_no_requests_exception(self):
        self.sim.admin.add_fault(method='PUT', action='drop')
        try:
            zfcp.release(self.client(), 'zvm1', 'gold', '500507680b21bac6',
                         '4001400500000000')
        except exc.XCATConnectionError as error:
            self.assertEqual([error], self.assert_clean(error))
        else:
            self.fail('a dropped connection did not raise')

    def test_echoes_in_other_encodings_are_masked(self):
        for form in self.FORMS:
            self.sim.admin.add_fault(option='--zfcppool',
                                     text='Error: ssh said %s' % form)
            error = self.assertRaises(exc.XCATCommandError, zfcp.list_pool,
                                      self.client(), 'zvm1', 'gold')
            self.assert_clean(error)
            self.assertIn('ssh said ***', str(error))
            self.sim.admin.add_fault(option='--zfcppool', action='status',
                                     status=400, text='bad %s' % form)
            self.assert_clean(self.assertRaises(
                exc.XCATBadRequest, zfcp.list_pool, self.client(), 'zvm1',
                'gold'))


class TestReplySizeCap(ClientCase):
    """Item 6: a reply beyond the cap is refused, not read whole."""

    topology = topology_with(big_pool_rows=400)

    def test_reply_beyond_cap_refused(self):
        small = self.client(max_reply_bytes=16 * 1024)
        error = self.assertRaises(exc.XCATResponseError, zfcp.list_pool,
                                  small, 'zvm1', 'big')
        self.assertIn('16384 bytes', str(error))
        # The same listing under the default cap reads whole.
        self.assertEqual(400, len(zfcp.list_pool(self.client(), 'zvm1',
                                                 'big')))

    def test_cap_must_be_a_positive_count(self):
        for bad in (0, -1, '1', True):
            self.assertRaises(exc.XCATConfigError, self.client,
                              max_reply_bytes=bad)
