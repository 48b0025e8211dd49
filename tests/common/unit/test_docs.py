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
"""The docs' option names against the options (the generated samples).

doc/source/reference/config.rst is generated from the options at build
time (oslo.config's show-options); the committed samples are kept equal
to the generator by tests/*/unit/test_opts-style checks
(tests/common/sample_config.py). Here: the generated page covers every
generator file, and every option name the hand-written pages use (in
configuration examples, definition lists and ``[group] option``
references) is an option the samples have.
"""

import glob
import os
import re

import testtools

TOP = os.path.join(os.path.dirname(__file__), '..', '..', '..')
DOC = os.path.join(TOP, 'doc', 'source')
CINDER_SAMPLE = os.path.join(TOP, 'etc', 'cinder', 'cinder-zvm.conf.sample')
NOVA_SAMPLE = os.path.join(TOP, 'etc', 'nova', 'nova-volumeops.conf.sample')
# Option families of this project: an inline ``zvm_cinder_node_x`` etc.
# in a page is an option name.
OPTION_PREFIXES = ('zvm_cinder_node', 'zvm_xcat_', 'zvm_wipe_', 'zvm_scsi_')
SAMPLE_OPTION = re.compile(r'^#(\w+) =')
SECTION = re.compile(r'^\s*\[(\w+)\]')
EXAMPLE_KEY = re.compile(r'^\s+#?(\w+)\s*=')
GROUP_REF = re.compile(r'``\[(\w+)\]\s+(\w+)``')
INLINE = re.compile(r'``(zvm_\w+)``')


def sample_options(path):
    """{section: {option, ...}} of an oslo-config-generator sample."""
    found, section = {}, None
    with open(path) as f:
        for line in f:
            match = SECTION.match(line)
            if match:
                section = match.group(1)
                continue
            match = SAMPLE_OPTION.match(line)
            if match:
                found.setdefault(section, set()).add(match.group(1))
    return found


def pages():
    for path in sorted(glob.glob(os.path.join(DOC, '**', '*.rst'),
                                 recursive=True)):
        with open(path) as f:
            yield os.path.relpath(path, DOC), f.read()


def example_keys(text):
    """(section, key, line) of the ini examples in literal blocks.

    A literal block is the indented text after a line ending in ``::``;
    within it a ``[section]`` line starts a section.
    """
    found = []
    in_block, section = False, None
    for number, line in enumerate(text.splitlines(), 1):
        if line.rstrip().endswith('::'):
            in_block, section = True, None
            continue
        if in_block and line.strip() and not line[:1].isspace():
            in_block = False
        if not in_block:
            continue
        match = SECTION.match(line)
        if match:
            section = match.group(1)
            continue
        match = EXAMPLE_KEY.match(line)
        if match and section:
            found.append((section, match.group(1), number))
    return found


class DocOptionsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.cinder = set().union(*sample_options(CINDER_SAMPLE).values())
        self.nova = sample_options(NOVA_SAMPLE)

    def test_samples_are_read(self):
        self.assertIn('zvm_cinder_node_fcp', self.cinder)
        self.assertIn('fcp_list', self.nova['zvm_volumeops'])
        self.assertIn('backend_url', self.nova['coordination'])

    def test_config_page_shows_every_generator(self):
        with open(os.path.join(DOC, 'reference', 'config.rst')) as f:
            shown = set(re.findall(r':config-file:\s*(\S+)', f.read()))
        generators = {os.path.relpath(p, TOP) for p in glob.glob(
            os.path.join(TOP, 'etc', '*', '*-config-generator.conf'))}
        self.assertEqual(sorted(generators), sorted(shown))

    def unknown(self, section, key):
        """Why ``key`` of ``section`` is not one of our options, or None."""
        if section == 'zvm_volumeops':
            ours = self.nova.get('zvm_volumeops', set())
        elif section == 'coordination':
            ours = self.nova.get('coordination', set())
        elif key.startswith('zvm_'):
            ours = self.cinder      # a backend section of cinder.conf
        else:
            return None             # cinder's or nova's own option
        return None if key in ours else '[%s] %s' % (section, key)

    def test_option_names_in_the_pages_exist(self):
        wrong = []
        for page, text in pages():
            if page == os.path.join('reference', 'config.rst'):
                continue
            for section, key, line in example_keys(text):
                why = self.unknown(section, key)
                if why:
                    wrong.append('%s:%d %s' % (page, line, why))
            for section, key in GROUP_REF.findall(text):
                why = self.unknown(section, key)
                if why:
                    wrong.append('%s %s' % (page, why))
            for name in INLINE.findall(text):
                if (name.startswith(OPTION_PREFIXES) and
                        name not in self.cinder):
                    wrong.append('%s ``%s``' % (page, name))
        self.assertEqual([], wrong)

    def test_the_check_finds_a_wrong_name(self):
        text = ('Example::\n\n  [zvm_volumeops]\n  fcp_lst = 1f00\n\n'
                '  [zvm1]\n  zvm_hots = zvm1\n  volume_driver = x\n\n'
                'Prose: ``[zvm_volumeops] min_paths`` and '
                '``zvm_cinder_node_fpc``.\n')
        keys = example_keys(text)
        self.assertEqual([('zvm_volumeops', 'fcp_lst', 4),
                          ('zvm1', 'zvm_hots', 7),
                          ('zvm1', 'volume_driver', 8)], keys)
        self.assertEqual(['[zvm_volumeops] fcp_lst', '[zvm1] zvm_hots'],
                         [w for w in (self.unknown(s, k) for s, k, _n in keys)
                          if w])
        self.assertEqual('[zvm_volumeops] min_paths',
                         self.unknown(*GROUP_REF.findall(text)[0]))
        self.assertEqual(['zvm_cinder_node_fpc'], INLINE.findall(text))
