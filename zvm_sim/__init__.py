"""A simulated z/VM world for tests and the demo, served over real HTTP(S).

Test and demo only: no product module (cinder_zvm, nova_volumeops,
zvm_xcat) imports it; they reach it over HTTP exactly as they would reach
the real management APIs.

Layout: a core and the management APIs in front of it.

- core/: the z/VM systems themselves. topology.py (core/topologies/ holds the
  default), bigpool.py: what exists; model.py: the model root and its
  persistence; storage.py: pool files and LUN backing files; zvm.py: z/VM
  (directory vs active configuration, logon, reader, FCP devices);
  pools.py: the zHCP's zFCP pool file rules (pure); guestlink.py and
  guest/: the Linux inside each guest.
- xcat/: the xCAT REST v1 front (/xcatws): webapi.py (zvmxcatws.cgi),
  xcatd.py, chvm.py, chvm_devices.py, chvm_zfcp.py (the plugin's commands), reply.py.
- cloudconnector/: the z/VM Cloud Connector front (feilong's sdkserver REST
  API, on its own port): api.py, images.py, rest.py.
- server.py (HTTP(S) serving every front), tls.py, controls.py, admin.py,
  admin_client.py (/_sim test controls), fixture.py (SimulatorFixture),
  cli.py (the ``zvm-sim`` console script).

See doc/source/contributor/internals.rst, "The simulator".
"""
