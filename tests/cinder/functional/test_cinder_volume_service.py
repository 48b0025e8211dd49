"""A real ``cinder-volume`` process with two z/VM backends in one cinder.conf.

``cinder-manage db sync`` on sqlite (WAL journal), then ``cinder-volume``: each backend
(one per simulated z/VM system) must pass do_setup and
check_for_setup_error (one ``--zfcppoolnames`` each), register its service
and report its pools (one ``--zfcppool`` per pool).  A third backend whose
pool does not exist must fail setup with a message naming the pool.
"""

import os
import sqlite3

import fixtures
import testtools

from tools import cinder_volume
from zvm_sim.fixture import SimulatorFixture

CONF = """[DEFAULT]
host = cvhost
enabled_backends = zvm1,zvm2,broken
transport_url = fake://
state_path = %(tmp)s
lock_path = %(tmp)s
log_file = %(tmp)s/cinder-volume.log
debug = false
reinit_driver_count = 0
backend_stats_polling_interval = 3600

[database]
connection = sqlite:///%(tmp)s/cinder.db

[coordination]
backend_url = file://%(tmp)s/locks

[backend_defaults]
zvm_xcat_server = %(url)s
zvm_xcat_username = %(user)s
zvm_xcat_password = %(password)s
zvm_xcat_read_timeout = 30

[zvm1]
volume_driver = cinder_zvm.driver.ZVMFCPDriver
volume_backend_name = zvm1
zvm_host = zvm1
zvm_scsi_pool = gold,silver

[zvm2]
volume_driver = cinder_zvm.driver.ZVMFCPDriver
volume_backend_name = zvm2
zvm_host = zvm2
zvm_scsi_pool = fast,slow

[broken]
volume_driver = cinder_zvm.driver.ZVMFCPDriver
volume_backend_name = broken
zvm_host = zvm2
zvm_scsi_pool = fast,platinum
"""


class _CinderVolumeProcess(object):
    """cinder-volume on self.conf (tools/cinder_volume.py), log in self.tmp.

    sqlite, as this test is asked to use: WAL, and one restart when sqlite
    refused a starting backend's write (see tools/cinder_volume.py). Any
    other failure fails the test.
    """

    def db_sync(self):
        self.assertEqual('wal', cinder_volume.db_sync(
            self.conf, os.path.join(self.tmp, 'cinder.db')))

    def start_cinder_volume(self):
        self.service = cinder_volume.CinderVolume(
            self.conf, os.path.join(self.tmp, 'cinder-volume.log'))
        self.addCleanup(lambda: self.service.stop())

    def wait_for(self, predicate, timeout=120):
        if not self.service.wait(predicate, timeout,
                                 on_restart=self.sim.admin.clear_calls):
            self.fail('timed out; log:\n' + self.log()[-4000:])

    def log(self):
        return self.service.log()


class CinderVolumeServiceTest(_CinderVolumeProcess, testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.sim = self.useFixture(SimulatorFixture(subprocess=True))
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.conf = os.path.join(self.tmp, 'cinder.conf')
        with open(self.conf, 'w') as f:
            f.write(CONF % {'tmp': self.tmp, 'url': self.sim.url,
                            'user': self.sim.username,
                            'password': self.sim.password})
        self.db_sync()

    def stats_reads(self):
        return sorted((c['node'], c['args'][1]) for c in self.sim.admin.calls()
                      if c['option'] == '--zfcppool')

    def test_two_backends_start_and_report(self):
        self.start_cinder_volume()
        expected = [('zvm1', 'gold'), ('zvm1', 'silver'),
                    ('zvm2', 'fast'), ('zvm2', 'slow')]
        self.wait_for(lambda: set(expected) <= set(self.stats_reads()))
        self.wait_for(lambda: 'platinum' in self.log())
        setup = sorted(c['node'] for c in self.sim.admin.calls()
                       if c['option'] == '--zfcppoolnames')
        self.assertEqual(['zvm1', 'zvm2', 'zvm2'], setup)
        log = self.log()
        self.assertIn('zvm_scsi_pool names pool(s) platinum that zvm2 does '
                      'not have', log)
        self.assertNotIn(self.sim.password, log)

        def service_hosts():
            db = sqlite3.connect(os.path.join(self.tmp, 'cinder.db'))
            try:
                return sorted(r[0] for r in db.execute(
                    "select host from services where binary='cinder-volume'"))
            finally:
                db.close()
        # Each backend's service row and "initialization completed" line
        # come in their own time after its stats were read: wait for them
        # rather than sample once.
        done = 'Driver initialization completed successfully'
        self.wait_for(lambda: len(service_hosts()) == 3 and self.log().count(done) >= 2)
        self.assertEqual(['cvhost@broken', 'cvhost@zvm1', 'cvhost@zvm2'],
                         service_hosts())
        # The broken backend (a missing pool) never completes its setup.
        self.assertEqual(2, self.log().count(done))


TLS_CONF = """[DEFAULT]
host = tlshost
enabled_backends = trusted,untrusted
transport_url = fake://
state_path = %(tmp)s
lock_path = %(tmp)s
log_file = %(tmp)s/cinder-volume.log
reinit_driver_count = 0
backend_stats_polling_interval = 3600

[database]
connection = sqlite:///%(tmp)s/cinder.db

[coordination]
backend_url = file://%(tmp)s/locks

[backend_defaults]
volume_driver = cinder_zvm.driver.ZVMFCPDriver
zvm_xcat_server = %(url)s
zvm_xcat_username = %(user)s
zvm_xcat_password = %(password)s
zvm_xcat_retries = 0
zvm_host = zvm1
zvm_scsi_pool = gold

[trusted]
volume_backend_name = trusted
zvm_xcat_ca_file = %(ca_file)s

[untrusted]
volume_backend_name = untrusted
zvm_xcat_ca_file = %(other_ca)s
"""


class CinderVolumeTLSTest(_CinderVolumeProcess, testtools.TestCase):
    """xCAT over HTTPS, verified against zvm_xcat_ca_file.

    Judged from cinder-volume's log and database only: this test process
    makes no HTTPS request itself (in a test worker that has imported
    cinder's unit-test package, eventlet patches ssl after requests
    loaded it, which breaks TLS in *this* process -- cinder-volume patches
    first, as in production).
    """

    def setUp(self):
        super().setUp()
        from zvm_sim import tls as tlsgen
        self.sim = self.useFixture(SimulatorFixture(subprocess=True,
                                                    tls=True))
        self.tmp = self.useFixture(fixtures.TempDir()).path
        # A CA that did not sign the simulator's certificate.
        other_ca = tlsgen.generate(os.path.join(self.tmp, 'other'),
                                   '127.0.0.1')['ca_file']
        self.conf = os.path.join(self.tmp, 'cinder.conf')
        with open(self.conf, 'w') as f:
            f.write(TLS_CONF % {'tmp': self.tmp, 'url': self.sim.url,
                                'user': self.sim.username,
                                'password': self.sim.password,
                                'ca_file': self.sim.ca_file,
                                'other_ca': other_ca})
        self.db_sync()

    def test_ca_file_verified(self):
        self.assertTrue(self.sim.url.startswith('https://'))
        self.start_cinder_volume()
        self.wait_for(lambda: 'Driver initialization completed '
                              'successfully' in self.log())
        self.wait_for(lambda: 'is not reachable' in self.log())
        log = self.log()
        self.assertEqual(1, log.count('Driver initialization completed '
                                      'successfully'))
        self.assertGreater(log.count('is not reachable: TLS verification '
                                     'of xCAT server'), 0)
        self.assertEqual(0, log.count(self.sim.password))
