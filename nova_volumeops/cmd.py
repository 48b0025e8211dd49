#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.
"""``nova-compute-zvm``: nova-compute that can load ZVMVolumeDriver.

nova 34's load_compute_driver imports ``'nova.virt.' + compute_driver``
(no fallback to a full dotted path, unlike older releases), so a driver
shipped outside the nova package cannot be named in nova.conf as is. This
wrapper registers our driver module under the name
``nova.virt.zvm_volumeops`` and then runs nova-compute unchanged, so that

    [DEFAULT]
    compute_driver = zvm_volumeops.ZVMVolumeDriver

loads ``nova_volumeops.driver.ZVMVolumeDriver``. Nothing is written into
nova's installed package.
"""

import sys

ALIAS = 'nova.virt.zvm_volumeops'


def install_alias():
    """Make ``nova.virt.zvm_volumeops`` resolve to nova_volumeops.driver."""
    import nova.virt
    from nova_volumeops import driver
    sys.modules.setdefault(ALIAS, driver)
    setattr(nova.virt, 'zvm_volumeops', sys.modules[ALIAS])
    return sys.modules[ALIAS]


def main():
    # nova.cmd.compute first: it sets up nova's process environment
    # (monkey patching where nova still uses it) before other imports.
    from nova.cmd import compute
    install_alias()
    return compute.main()


if __name__ == '__main__':
    sys.exit(main())
