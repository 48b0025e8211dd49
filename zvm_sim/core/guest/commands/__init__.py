"""The guest's commands, one module per tool family.

Each command is ``func(inv) -> (rc, stdout, stderr)`` where inv is a
shell.Invocation (inv.argv, inv.stdin, inv.system is the GuestLinux).
A command can be limited to the distros that ship it: on the others the
shell reports ``command not found`` (rc 127), as bash would.
"""

_REGISTRY = {}


def command(*names, available=None):
    """Register func under names; available(guest) -> bool limits distros."""
    def register(func):
        for name in names:
            _REGISTRY[name] = (func, available)
        return func
    return register


def lookup(name, guest):
    entry = _REGISTRY.get(name)
    if entry is None:
        return None
    func, available = entry
    if available is not None and not available(guest):
        return None
    return func


# Import the tool families so that they register themselves.
from zvm_sim.core.guest.commands import coreutils  # noqa: E402,F401
from zvm_sim.core.guest.commands import storage  # noqa: E402,F401
from zvm_sim.core.guest.commands import zfcp  # noqa: E402,F401
