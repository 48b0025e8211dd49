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
"""OpenStack's translation convention, read from the source (AST only).

cinder and nova mark the messages of the exceptions users see for
translation (``cinder.i18n._`` / ``nova.i18n._``) and never translate log
messages (cinder's and nova's hacking checks: "Log messages should not be
translated"). Checked here for cinder_zvm and nova_volumeops: every
exception of cinder's or nova's ``exception`` module (and of
cinder_zvm.hostattach.errors, which are cinder exceptions), and every
``backend_error`` of cinder_zvm.pool_access (``_backend_error`` in
cinder_zvm.common), given a message literal gets it
through ``_()``, with named placeholders when there are several; no LOG
call gets a ``_()``.
"""

import ast
import glob
import os
import re

import testtools

TOP = os.path.join(os.path.dirname(__file__), '..', '..', '..')
PACKAGES = ('cinder_zvm', 'nova_volumeops')
MESSAGE_KEYWORDS = ('message', 'data', 'reason', 'error')
EXCEPTION_MODULES = ('exception', 'errors')
LOG_LEVELS = ('debug', 'info', 'warning', 'error', 'exception', 'critical')
BACKEND_ERROR_NAMES = ('backend_error', '_backend_error')
POSITIONAL = re.compile(r'%[-#0 +]*\d*(?:\.\d+)?[sdrif]')


def _sources():
    for package in PACKAGES:
        pattern = os.path.join(TOP, package, '**', '*.py')
        for path in sorted(glob.glob(pattern, recursive=True)):
            with open(path) as f:
                yield os.path.relpath(path, TOP), ast.parse(f.read())


def _is_translated(node):
    return (isinstance(node, ast.Call) and
            isinstance(node.func, ast.Name) and node.func.id == '_')


def _literal(node):
    """The message literal of ``'text'`` or ``'text' % args``, else None."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        node = node.left
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node
    return None


def _message_args(call):
    """The arguments of ``call`` that are a user-facing exception message."""
    func = call.func
    if isinstance(func, ast.Name) and func.id in BACKEND_ERROR_NAMES:
        return call.args[:1]
    if (isinstance(func, ast.Attribute) and
            isinstance(func.value, ast.Name) and
            func.value.id in EXCEPTION_MODULES):
        return [k.value for k in call.keywords
                if k.arg in MESSAGE_KEYWORDS]
    return []


def _is_log_call(call):
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr in LOG_LEVELS and
            isinstance(func.value, ast.Name) and func.value.id == 'LOG')


def untranslated_messages(trees):
    found = []
    for path, tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for arg in _message_args(node):
                literal = _literal(arg)
                if literal is not None:
                    found.append('%s:%d %r' % (path, literal.lineno,
                                               literal.value[:60]))
    return found


def translated_logs(trees):
    return ['%s:%d' % (path, node.lineno)
            for path, tree in trees for node in ast.walk(tree)
            if isinstance(node, ast.Call) and _is_log_call(node) and
            any(_is_translated(a) for a in node.args)]


def positional_translations(trees):
    """``_()`` texts with two or more positional placeholders."""
    found = []
    for path, tree in trees:
        for node in ast.walk(tree):
            if (_is_translated(node) and node.args and
                    isinstance(node.args[0], ast.Constant)):
                text = node.args[0].value
                if len(POSITIONAL.findall(text)) > 1:
                    found.append('%s:%d %r' % (path, node.lineno, text[:60]))
    return found


class TranslationConventionTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.trees = list(_sources())

    def test_the_check_sees_the_packages(self):
        paths = [p for p, _t in self.trees]
        self.assertIn(os.path.join('cinder_zvm', 'driver.py'), paths)
        self.assertIn(os.path.join('nova_volumeops', 'driver.py'), paths)

    def test_exception_messages_are_translatable(self):
        self.assertEqual([], untranslated_messages(self.trees))

    def test_log_messages_are_not_translated(self):
        self.assertEqual([], translated_logs(self.trees))

    def test_translated_texts_name_their_placeholders(self):
        """Translators may reorder words: several values need names."""
        self.assertEqual([], positional_translations(self.trees))

    def test_the_check_finds_what_it_looks_for(self):
        tree = ast.parse(
            "raise exception.VolumeDriverException(message='a %s' % x)\n"
            "raise _backend_error('b %(x)s', x=1)\n"
            "raise exception.VolumeDriverException(message=_('c %s') % x)\n"
            "LOG.error(_('d'))\n"
            "LOG.error('e %s', x)\n"
            "x = _('f %s %s')\n")
        trees = [('t.py', tree)]
        self.assertEqual(["t.py:1 'a %s'", "t.py:2 'b %(x)s'"],
                         untranslated_messages(trees))
        self.assertEqual(['t.py:4'], translated_logs(trees))
        self.assertEqual(["t.py:6 'f %s %s'"],
                         positional_translations(trees))
