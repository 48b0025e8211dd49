"""One cinder-volume service of an active/active cluster, for the A/A test.

Run as ``python -m tests.cinder.functional.aa_worker CONFIG N [--no-lock]``.
It does what cinder-volume does before serving a backend -- eventlet
monkey patching, CONF from the config file, the coordination (tooz)
backend started, the driver loaded by name with its backend
Configuration, ``cluster_name`` set, do_setup and check_for_setup_error --
then runs N create_volume calls concurrently in green threads, as the
manager's RPC workers would, and prints one JSON line per volume:
``{"id": ..., "lun": "<wwpn>:<lun>", "start": t, "end": t}`` or
``{"id": ..., "error": ...}`` (``start``/``end``: time.time() around the
create, for bench/cinder_aa.py).

``--no-lock`` replaces the pool lock with a no-op: the control run that
shows the simulator's unlocked xCAT really double-allocates without it.
"""

from cinder import monkey_patch  # noqa: I  (must come first, as in cinder-volume)
monkey_patch.patch()

import contextlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import eventlet  # noqa: E402
from oslo_utils import importutils  # noqa: E402


def main(argv):
    config_file, count = argv[0], int(argv[1])
    from cinder import objects
    objects.register_all()      # before the manager module is imported

    from cinder.cmd import volume as volume_cmd  # noqa: F401  ([DEFAULT] cluster)
    from cinder import context
    from cinder import coordination
    from cinder.volume import configuration
    from cinder.volume import manager
    from oslo_config import cfg

    from cinder_zvm import locking

    conf = cfg.CONF
    conf([], project='cinder', default_config_files=[config_file])
    coordination.COORDINATOR.start()
    if '--no-lock' in argv:
        locking.pool_lock = lambda *args, **kwargs: contextlib.nullcontext()

    backend = conf.enabled_backends[0]
    config = configuration.Configuration(
        manager.volume_backend_opts, config_group=backend)
    driver = importutils.import_object(
        config.volume_driver, configuration=config, db=None,
        host='%s@%s' % (conf.host, backend), cluster_name=conf.cluster,
        is_vol_db_empty=False, active_backend_id=None)
    ctxt = context.get_admin_context()
    driver.do_setup(ctxt)
    # These workers save no volume in cinder's database (there is none
    # here), so the guard that checks pool reads against cinder's live
    # volumes (pool_guard, covered by test_xcat_rmvm) would only query a
    # missing database at every read: off in this harness.
    driver.backend.live_objects = None
    driver.check_for_setup_error()

    def create(_):
        vol = objects.Volume(id=str(uuid.uuid4()), size=1,
                             host='%s@%s#gold' % (conf.host, backend),
                             provider_location=None)
        start = time.time()
        try:
            model = driver.create_volume(vol)
            return {'id': vol.id, 'lun': model['provider_id'],
                    'start': start, 'end': time.time()}
        except Exception as exc:
            return {'id': vol.id, 'error': str(exc)}

    pool = eventlet.GreenPool(count)
    for result in pool.imap(create, range(count)):
        print(json.dumps(result), flush=True)
    coordination.COORDINATOR.stop()


if __name__ == '__main__':
    main(sys.argv[1:])
