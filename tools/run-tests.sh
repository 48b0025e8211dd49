#!/usr/bin/env bash
# Run every test suite of cinder-zvm in its own virtualenv.
#
# cinder and nova cannot be imported in one Python process (their options
# collide in oslo.config), so the tests are separate stestr runs, each in
# its own processes:
#   tests/common     the xCAT client and the simulator (neither cinder nor nova)
#   tests/cinder     the cinder driver, on cinder 29.x
#   tests/nova       the nova volume module, on nova 34.x
#   tests/fullstack  the whole OpenStack stack (tools/fullstack.sh: RabbitMQ,
#                    MariaDB, keystone, glance, placement, nova's services
#                    with ZVMVolumeDriver, cinder's services, the simulator)
#                    driven by the openstack CLI, one test per scenario step
#                    (needs root; FULLSTACK_OPENSTACK=0 leaves it out)
#   tests/oracle     differential tests: the simulator against xCAT's own
#                    zvm.pm (../shared/xcat-core, run by zvm_sim/realxcat)
#   <suite>+realxcat the same suite with ZVM_SIM_REAL_XCAT=1: every simulator
#                    runs xCAT's zvm.pm for the pool, FCP and dedicate commands
#                    (CINDER_ZVM_REALXCAT_FILTER_<suite> narrows it, see below)
# Without ../shared/xcat-core (a user's clone) or perl, the oracle and
# +realxcat runs are skipped with one line saying why.
# The last line printed is "N passed, M failed", summed over the runs.
# Exit status is non-zero when any test failed or a run could not start.
set -u
cd "$(dirname "$0")/.."
TOP=$PWD

. "$TOP/tools/ensure-venv.sh"
VENV=$TEST_VENV
ensure_test_venv || exit 2

# Tools some tests need from Debian: qemu-img (qcow2 image round trips; the
# data-path tests fail without it) and the shellcheck tool (the nova guest
# scripts; those tests skip without it). Install them when we can (root
# with apt-get); the install itself never fails the run.
missing=()
command -v qemu-img >/dev/null || missing+=(qemu-utils)
command -v shellcheck >/dev/null || missing+=(shellcheck)
# etcd: the pool lock restarted under a holder (tests/common/functional/test_lock_etcd.py).
[ -x /usr/bin/etcd ] || missing+=(etcd-server)
# perl with XML::Simple runs xCAT's own zvm.pm (tests/oracle, +realxcat runs).
perl -MXML::Simple -MJSON::PP -e 1 2>/dev/null || missing+=(perl libxml-simple-perl)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${missing[*]} (Debian packages) for the tests that use them"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } \
        >/dev/null 2>&1 || echo "could not install ${missing[*]}: those tests will skip"
fi

# The simulator's Cinder-node LUNs are loop devices (zvm_sim/core/blockdev.py),
# so that they keep their size as real LUNs do; load the driver when it is
# a module that is not loaded yet (root only; never fail for it).
if [ ! -e /dev/loop-control ] && [ "$(id -u)" = 0 ]; then
    modprobe loop >/dev/null 2>&1 || echo "no loop devices: the data-path size tests will fail"
fi

export PYTHONHASHSEED=0 OS_LOG_CAPTURE=1 OS_STDOUT_CAPTURE=1 OS_STDERR_CAPTURE=1
# hypothesis keeps its example database out of the source tree
export HYPOTHESIS_STORAGE_DIRECTORY=$TOP/.stestr/hypothesis

# The real-xCAT runs: the functional tests (the unit tests never start a
# simulator, so a second run of them would prove nothing). Costs in
# doc/source/contributor/realxcat.rst. Empty = the whole suite.
: "${CINDER_ZVM_REALXCAT_FILTER_nova=functional}"
: "${CINDER_ZVM_REALXCAT_FILTER_cinder=functional}"
# The full stack runs twice: on the simulator's xCAT and on xCAT's zvm.pm.
: "${CINDER_ZVM_REALXCAT_FILTER_fullstack=}"
realxcat_skip=$("$VENV/bin/python" -c \
    'from zvm_sim import realxcat; print(realxcat.unavailable_reason() or "")' 2>&1)

passed=0; failed=0; status=0
for run in ${CINDER_ZVM_SUITES:-common cinder nova fullstack oracle nova+realxcat cinder+realxcat fullstack+realxcat}; do
    suite=${run%+realxcat}
    filter=${CINDER_ZVM_TEST_FILTER:-}
    real=0
    if [ "$run" != "$suite" ]; then
        real=1
        filter_var=CINDER_ZVM_REALXCAT_FILTER_$suite
        filter=${filter:-${!filter_var:-}}
    fi
    echo "=== tests/$suite${filter:+ ($filter)}$([ $real = 1 ] && echo ' with real xCAT (zvm.pm)')"
    if { [ $real = 1 ] || [ "$suite" = oracle ]; } && [ -n "$realxcat_skip" ]; then
        echo "tests/$suite: skipped, xCAT's own code cannot run here: $realxcat_skip"
        continue
    fi
    log=$(mktemp)
    concurrency=${CINDER_ZVM_CONCURRENCY:-2}
    # The full stack is started once, by one test class: one worker.
    [ "$suite" = fullstack ] && concurrency=1
    start=$SECONDS
    # shellcheck disable=SC2086  # the filter is a list of regexes
    ZVM_SIM_REAL_XCAT=$real "$VENV/bin/stestr" --test-path "./tests/$suite" --top-dir ./ run \
        --concurrency "$concurrency" $filter 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    stack_log=_work/fullstack-openstack$([ $real = 1 ] && echo -realxcat).log
    if [ "$suite" = fullstack ] && [ "${FULLSTACK_OPENSTACK:-1}" != 0 ] && [ -f "$stack_log" ]; then
        echo "--- OpenStack stack steps and timings (log: $stack_log)"
        grep -E '^\[ *[0-9.]+s\] (PASS|FAIL|SKIP|bring-up|after|stop)|^fullstack:|scenario done' \
            "$stack_log" || tail -20 "$stack_log"
    fi
    echo "=== tests/$run took $((SECONDS - start)) s"
    p=$(sed -n 's/^ - Passed: \([0-9]*\).*/\1/p' "$log" | tail -1)
    f=$(sed -n 's/^ - Failed: \([0-9]*\).*/\1/p' "$log" | tail -1)
    rm -f "$log"
    if [ -z "$p" ] && [ -z "$f" ]; then
        echo "tests/$suite: stestr produced no totals (rc=$rc)"
        status=1; failed=$((failed + 1)); continue
    fi
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
    [ "$rc" -ne 0 ] && status=1
done
[ "$failed" -ne 0 ] && status=1
echo "$passed passed, $failed failed"
exit $status
