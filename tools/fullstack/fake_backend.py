"""cinder's fake driver, reporting its own backend name (harness only).

``cinder.tests.fake_driver.FakeLoggingVolumeDriver`` reports the backend
name ``fake`` for every backend, so volume types could not tell two backends
apart through ``volume_backend_name``.  This subclass reports the section's
``volume_backend_name`` (and names its pool after it), which is all the
full-stack harness needs to prove the stack (API, scheduler, volume, RPC,
database, CLI) before or without our driver.  Loaded by cinder-volume with
PYTHONPATH at the top of the tree; never part of the product.
"""

from cinder.tests import fake_driver


class NamedFakeDriver(fake_driver.FakeLoggingVolumeDriver):

    def _update_volume_stats(self):
        super()._update_volume_stats()
        name = self.configuration.safe_get('volume_backend_name') or 'fake'
        self._stats['volume_backend_name'] = name
        for pool in self._stats['pools']:
            pool['pool_name'] = name
