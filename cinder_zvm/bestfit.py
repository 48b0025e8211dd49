"""Best fit of a LUN by size, pure.

xCAT does this server-side in ``--reservezfcp`` without WWPN/LUN
(zvmUtils.pm findAndUpdatezFcpPool): among the ``free`` entries that have a
size, the smallest whose size is at least the request; on equal sizes the
first in file order; entries without a size are never chosen.  The driver
relies on that (one xCAT call per create).  This module is the same rule on
the client side, used for the capacity report (what is the largest volume a
pool can still take), for the benchmark of the client-side alternative,
and in tests that check xCAT's choice.
"""


def is_candidate(entry):
    return (entry.status or '').lower() == 'free' and entry.size_bytes


def best_fit(entries, size_bytes):
    """The entry xCAT would reserve for ``size_bytes``, or None."""
    best = None
    for entry in entries:
        if not is_candidate(entry) or entry.size_bytes < size_bytes:
            continue
        if best is None or entry.size_bytes < best.size_bytes:
            best = entry
    return best


def largest_free(entries):
    """The largest free sized entry, or None: bounds what a pool can take."""
    best = None
    for entry in entries:
        if is_candidate(entry) and (best is None or
                                    entry.size_bytes > best.size_bytes):
            best = entry
    return best
