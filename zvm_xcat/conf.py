# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.
"""oslo.config options of the xCAT client.

The same options serve both sides:

- cinder: the driver appends ``xcat_opts`` to its backend section
  (``configuration.append_config_values(conf.xcat_opts)``), so each
  backend (one per z/VM system) can have its own xCAT;
- nova: the volume module registers them into a group (``[zvm_xcat]`` by
  default, see :func:`register_opts`).

:meth:`zvm_xcat.client.XCATClient.from_config` reads the attributes from
either object. The names carry the ``zvm_xcat_`` prefix so they cannot
collide with other options of a cinder backend section.

Timeout defaults: z/VM SMAPI is slow for writes. One chvm --addzfcp runs
DirMaint directory updates and ssh steps inside the guest; the zHCP
serialises SMAPI work, so a call can queue behind others for many
minutes. The xCAT-era nova driver used a 3600 s socket timeout. 1200 s
(20 min) covers a queued directory update while still ending a hung
request; a read timeout on a write is reported as "may have reached
xCAT", never retried. The connect timeout is short (30 s): a live
management node accepts a TCP connection at once, even when busy.
"""

from oslo_config import cfg

GROUP = 'zvm_xcat'

DEFAULT_CONNECT_TIMEOUT = 30.0
DEFAULT_READ_TIMEOUT = 1200.0
DEFAULT_RETRIES = 3

xcat_opts = [
    cfg.StrOpt('zvm_xcat_server',
               help='Address of the xCAT management node: host, host:port '
                    'or https://host[:port][/path] (IPv6 in brackets). '
                    'HTTPS on port 443 and the path /xcatws are the '
                    'defaults. Plain HTTP is used only when written as '
                    'http://... and logs a warning, since the password '
                    'travels in every request.'),
    cfg.StrOpt('zvm_xcat_username',
               help='xCAT user name for the REST API (v1, /xcatws).'),
    cfg.StrOpt('zvm_xcat_password',
               secret=True,
               help='Password of zvm_xcat_username.'),
    cfg.StrOpt('zvm_xcat_ca_file',
               help='CA bundle (PEM) used to verify the xCAT server '
                    'certificate. When unset the system trust store is '
                    'used. The certificate and its host name are always '
                    'verified.'),
    cfg.FloatOpt('zvm_xcat_connect_timeout',
                 default=DEFAULT_CONNECT_TIMEOUT,
                 min=0.1,
                 help='Seconds to wait for the TCP/TLS connection to the '
                      'xCAT server.'),
    cfg.FloatOpt('zvm_xcat_read_timeout',
                 default=DEFAULT_READ_TIMEOUT,
                 min=1.0,
                 help='Seconds to wait for xCAT to answer a request. z/VM '
                      'SMAPI directory changes can take many minutes. A '
                      'write whose answer does not arrive in time is '
                      'reported as possibly done and is never repeated '
                      'automatically.'),
    cfg.IntOpt('zvm_xcat_retries',
               default=DEFAULT_RETRIES,
               min=0,
               max=10,
               help='How often a request is retried when it cannot have '
                    'reached xCAT (connection refused or failed). Reads '
                    'are also retried on HTTP 503 and dropped '
                    'connections, with exponential back-off.'),
]


def register_opts(conf, group=GROUP):
    """Register the options into ``group`` of ``conf`` (nova side)."""
    conf.register_opts(xcat_opts, group=group)


def list_opts():
    """Entry point for oslo-config-generator (``zvm_xcat``)."""
    return [(GROUP, xcat_opts)]
