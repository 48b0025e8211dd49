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
"""Errors of the host-side attach. All are cinder VolumeDriverExceptions,
so the volume manager records them like any driver failure."""

from cinder import exception
from cinder.i18n import _


class HostAttachError(exception.VolumeDriverException):
    message = _('Host-side attach on the Cinder node failed: %(reason)s')


class HostAttachConfigError(HostAttachError):
    message = _('Host-side attach is not configured: %(reason)s')


class DeviceWaitTimeout(HostAttachError):
    message = _('%(what)s did not happen within %(timeout)s s on the Cinder '
                'node')


class NoUsablePath(HostAttachError):
    message = _('No FCP device of the Cinder node (%(fcp)s) reaches LUN '
                '%(lun)s on target port(s) %(wwpns)s: %(reason)s')


class TooFewPaths(HostAttachError):
    message = _('Too few working FC paths from the Cinder node to LUN '
                '%(lun)s: %(why)s (%(paths)s)')


class HostDetachError(HostAttachError):
    message = _('Removing LUN %(lun)s from the Cinder node failed; it may '
                'still be attached: %(reason)s')
