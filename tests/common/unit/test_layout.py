"""The package layout rules: the simulator stands apart from the product.

- No product module (cinder_zvm, nova_volumeops, zvm_xcat) imports the
  simulator (zvm_sim): the product reaches it only over HTTP.
- zvm_sim's core (the z/VM systems) imports none of its fronts (xcat, ...).
- No two modules of zvm_sim import each other in a circle.

Imports are read from the source (ast), including function-level ones.
"""

import ast
import os

import testtools

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
PRODUCT = ('cinder_zvm', 'nova_volumeops', 'zvm_xcat')


def _modules(package):
    """{dotted module name: path} for every .py file below a package."""
    found = {}
    for root, _dirs, files in os.walk(os.path.join(TOP, package)):
        for name in files:
            if not name.endswith('.py'):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, TOP)[:-3].replace(os.sep, '.')
            if rel.endswith('.__init__'):
                rel = rel[:-len('.__init__')]
            found[rel] = path
    return found


def _imports(module, path):
    """The absolute module names a file imports (relative ones resolved)."""
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    is_package = path.endswith('__init__.py')
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                parts = module.split('.')
                if not is_package:
                    parts = parts[:-1]
                parts = parts[:len(parts) - (node.level - 1)]
                base = '.'.join(parts + ([base] if base else []))
            names.add(base)
            # "from pkg import mod" imports the module pkg.mod
            names.update('%s.%s' % (base, alias.name) for alias in node.names)
    return names


class ProductDoesNotImportSimulatorTest(testtools.TestCase):

    def test_no_product_module_imports_zvm_sim(self):
        offenders = []
        for package in PRODUCT:
            for module, path in _modules(package).items():
                for name in _imports(module, path):
                    if name == 'zvm_sim' or name.startswith('zvm_sim.'):
                        offenders.append('%s imports %s' % (module, name))
        self.assertEqual([], offenders)

    def test_the_check_sees_an_import(self):
        # guard against a check that cannot fail: a simulator module is found
        # importing its own package
        names = _imports('zvm_sim.fixture', os.path.join(TOP, 'zvm_sim', 'fixture.py'))
        self.assertTrue(any(n.startswith('zvm_sim.') for n in names), names)


class SimulatorLayoutTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        mods = _modules('zvm_sim')
        self.graph = {m: {n for n in _imports(m, p) if n in mods and n != m}
                      for m, p in mods.items()}

    def test_core_imports_no_front(self):
        offenders = ['%s imports %s' % (m, n)
                     for m, deps in self.graph.items() if m.startswith('zvm_sim.core')
                     for n in deps if not n.startswith('zvm_sim.core')]
        self.assertEqual([], offenders)

    def test_no_import_cycle(self):
        # Package __init__ modules are skipped as nodes: "from zvm_sim.core
        # import model" names the package, not a dependency on its __init__.
        graph = {m: {n for n in deps if not self._is_package(n)}
                 for m, deps in self.graph.items() if not self._is_package(m)}
        cycles = []
        state = {}

        def visit(node, stack):
            state[node] = 'open'
            stack.append(node)
            for nxt in sorted(graph.get(node, ())):
                if state.get(nxt) == 'open':
                    cycles.append(stack[stack.index(nxt):] + [nxt])
                elif nxt not in state:
                    visit(nxt, stack)
            stack.pop()
            state[node] = 'done'

        for node in sorted(graph):
            if node not in state:
                visit(node, [])
        self.assertEqual([], cycles)

    def _is_package(self, module):
        return os.path.isdir(os.path.join(TOP, *module.split('.')))
