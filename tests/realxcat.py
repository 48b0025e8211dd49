"""Real-xCAT mode in the test suites (ZVM_SIM_REAL_XCAT=1, zvm_sim/realxcat).

Every simulator a test starts then runs xCAT's own zvm.pm for the pool, FCP
and dedicate commands. A test that relies on behaviour real xCAT does not have
is marked with :func:`not_on_real_xcat` and the issue item that fixes the
product, so the mode stays green until that fix is merged and the mark is
removed; it never weakens the test.
"""

import unittest

from zvm_sim.fixture import real_xcat_requested


def not_on_real_xcat(item, why):
    """Skip in real-xCAT mode: real xCAT differs here (issue 10 item ``item``)."""
    return unittest.skipIf(real_xcat_requested(),
                           'real xCAT differs (issue 10 item %s): %s' % (item, why))


MULTIPATH_BY_WWPN = (
    'a write naming a multi-WWPN row by WWPN/LUN fails in findzFcpDeviceAttr '
    '(zvmUtils.pm 4214: the ";" is unquoted, rc 127)')
