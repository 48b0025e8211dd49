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
"""Benchmarks of cinder-zvm (``python -m bench``); not tests.

A benchmark is a module ``bench/<name>.py`` that defines::

    DESCRIPTION = 'one line'
    def main(argv) -> int      # exit status; 0 when within target

``python -m bench`` lists them, ``python -m bench <name> [args]`` runs one,
``python -m bench all`` runs every one. Modules are found by name, so
adding a benchmark never means editing a shared file.
"""

import importlib
import pkgutil


def discover():
    """{name: module} of every benchmark module in this package."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith('_'):
            continue
        module = importlib.import_module('%s.%s' % (__name__, info.name))
        if callable(getattr(module, 'main', None)):
            found[info.name] = module
    return found
