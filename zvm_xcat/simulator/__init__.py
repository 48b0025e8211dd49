"""xCAT (REST v1, /xcatws) + z/VM simulator, served over real HTTP(S).

Modules, one concern each:

- topology.py, topologies/default.yaml, bigpool.py: what exists (users,
  systems, FCP devices, pools, guests); generated big pools for benchmarks.
- core.py: the model root and its persistence in a state directory;
  storage.py: pool CSV files and sparse LUN backing files.
- zvm.py: z/VM (directory vs active configuration, logon, reader, FCP
  status); guestlink.py: the bridge to the Linux-in-a-guest model (guest/).
- pools.py: xCAT's zFCP pool rules (pure); xcatd.py, chvm.py,
  chvm_zfcp.py: the xcatd commands; reply.py: reply shaping.
- webapi.py: the zvmxcatws.cgi request rules; server.py: the HTTP(S)
  server; tls.py: generated CA and server certificate.
- controls.py, admin.py, admin_client.py: faults, latency, call log and
  read-back on /_sim; fixture.py: SimulatorFixture for tests; cli.py: the
  ``zvm-xcat-sim`` console script.

See doc/source/contributor/internals.rst, "The simulator".
"""
