#!/usr/bin/env bash
# Run every test suite of cinder-zvm in its own virtualenv.
#
# cinder and nova cannot be imported in one Python process (their options
# collide in oslo.config), so the tests are separate stestr runs, each in
# its own processes:
#   tests/common     the xCAT client and the simulator (neither cinder nor nova)
#   tests/cinder     the cinder driver, on cinder 29.x
#   tests/nova       the nova volume module, on nova 34.x
#   tests/fullstack  RabbitMQ + cinder-api/-scheduler/-volume + the simulator,
#                    driven by the cinder CLI and nova_volumeops (one test per
#                    scenario step; needs root for apt-get the first time);
#                    then the whole OpenStack stack (tools/fullstack.sh
#                    --openstack: keystone, glance, placement, nova) driven
#                    by the openstack CLI (FULLSTACK_OPENSTACK=0 leaves it out)
# The last line printed is "N passed, M failed", summed over the runs.
# Exit status is non-zero when any test failed or a run could not start.
set -u
cd "$(dirname "$0")/.."
TOP=$PWD

. "$TOP/tools/ensure-venv.sh"
VENV=$TEST_VENV
ensure_test_venv || exit 2

# Tools some tests need from Debian: qemu-img (qcow2 image round trips) and
# shellcheck (the nova guest scripts). Without them those tests skip, so
# install them when we can (root with apt-get); never fail for them.
missing=()
command -v qemu-img >/dev/null || missing+=(qemu-utils)
command -v shellcheck >/dev/null || missing+=(shellcheck)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${missing[*]} (Debian packages) for the tests that use them"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } \
        >/dev/null 2>&1 || echo "could not install ${missing[*]}: those tests will skip"
fi

export PYTHONHASHSEED=0 OS_LOG_CAPTURE=1 OS_STDOUT_CAPTURE=1 OS_STDERR_CAPTURE=1
# hypothesis keeps its example database out of the source tree
export HYPOTHESIS_STORAGE_DIRECTORY=$TOP/.stestr/hypothesis

passed=0; failed=0; status=0
for suite in ${CINDER_ZVM_SUITES:-common cinder nova fullstack}; do
    echo "=== tests/$suite"
    log=$(mktemp)
    concurrency=${CINDER_ZVM_CONCURRENCY:-2}
    # The full stack is started once, by one test class: one worker.
    [ "$suite" = fullstack ] && concurrency=1
    start=$SECONDS
    "$VENV/bin/stestr" --test-path "./tests/$suite" --top-dir ./ run \
        --concurrency "$concurrency" ${CINDER_ZVM_TEST_FILTER:-} 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    if [ "$suite" = fullstack ] && [ -f _work/fullstack.log ]; then
        echo "--- full stack steps and timings (log: _work/fullstack.log)"
        grep -E '^\[ *[0-9.]+s\] (PASS|FAIL|SKIP|bring-up|stop)|^fullstack:|scenario done' \
            _work/fullstack.log || tail -20 _work/fullstack.log
    fi
    if [ "$suite" = fullstack ] && [ "${FULLSTACK_OPENSTACK:-1}" != 0 ] &&
            [ -f _work/fullstack-openstack.log ]; then
        echo "--- OpenStack stack steps and timings (log: _work/fullstack-openstack.log)"
        grep -E '^\[ *[0-9.]+s\] (PASS|FAIL|SKIP|bring-up|after|stop)|^fullstack:|scenario done' \
            _work/fullstack-openstack.log || tail -20 _work/fullstack-openstack.log
    fi
    echo "=== tests/$suite took $((SECONDS - start)) s"
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
