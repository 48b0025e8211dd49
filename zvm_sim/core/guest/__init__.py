"""The Linux-in-a-z/VM-guest model of the simulator (zfcp state).

See doc/source/contributor/internals.rst, "The simulator's host interface
for guests" and "The guest shell language".
"""

from zvm_sim.core.guest.linux import GuestLinux  # noqa: F401
from zvm_sim.core.guest.tree import TreeReactor  # noqa: F401
