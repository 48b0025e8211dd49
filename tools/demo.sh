#!/usr/bin/env bash
# cinder-zvm demo: a volume created, attached to a guest, detached and
# deleted on a simulated z/VM, with a real cinder-volume process.
# Uses the test virtualenv (.venv-test, created on first use like
# tools/run-tests.sh; CINDER_ZVM_TEST_VENV overrides the path).
set -u
cd "$(dirname "$0")/.."
TOP=$PWD

. "$TOP/tools/ensure-venv.sh"
VENV=$TEST_VENV
ensure_test_venv || exit 2

# The nova side runs in its own process (cinder and nova never share one).
# cinder 29 imports eventlet, whose import warns (from module cinder) that
# eventlet is deprecated: not ours to fix, and noise in a demo.
export PYTHONWARNINGS=ignore::Warning:cinder
exec "$VENV/bin/python" "$TOP/tools/demo.py" "$@" \
    2> >(grep -v -e '^Deprecated: Default quota' >&2)
