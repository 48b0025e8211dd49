"""The z/VM Cloud Connector front: Feilong's sdkserver REST API over the core.

nova's in-tree z/VM driver (nova.virt.zvm) manages guests through the z/VM
Cloud Connector (openmainframeproject/feilong, package zVMCloudConnector,
client ``zvmconnector``), not through xCAT.  This front serves the part of
that API the driver calls, over the same z/VM systems as the xCAT front: a
guest created here is an xCAT node too, a guest deleted here is gone from
both.

- api.py: the sdk API functions (zvmsdk/api.py), each returning the sdk
  results dict ``{overallRC, modID, rc, rs, errmsg, output}``;
- images.py: the Cloud Connector's image repository (its own state);
- rest.py: the routes of zvmsdk/sdkwsgi/handler.py, token auth
  (handlers/tokens.py) and the HTTP status of each reply (sdkwsgi/util.py).

zvm_sim/server.py serves it on its own port (``zvmconnector`` builds its
URLs from host and port only, so it cannot live under a path prefix).
"""
