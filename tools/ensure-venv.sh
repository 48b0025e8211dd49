# Sourced by the tools: create (or reuse) a virtualenv and install into it
# the given requirement files plus this project (editable).
# Usage: ensure_venv VENV REQUIREMENTS_FILE...
# Works on a fresh Debian with only python3.11: if the venv module lacks
# ensurepip (Debian splits it into python3-venv), install that package when
# running as root, else say exactly what is missing.
ensure_venv() {
    local venv=$1; shift
    local py=${PYTHON:-python3}
    if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "cinder-zvm needs Python >= 3.11 as '$py' (set PYTHON=...)" >&2
        return 1
    fi
    if [ ! -x "$venv/bin/python" ]; then
        if ! "$py" -c 'import ensurepip, venv' 2>/dev/null; then
            if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
                pyver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
                apt-get update -qq && apt-get install -y -qq "python${pyver}-venv" \
                    || apt-get install -y -qq python3-venv || return 1
            else
                echo "python venv support is missing: apt-get install python3-venv" >&2
                return 1
            fi
        fi
        "$py" -m venv "$venv" || return 1
        "$venv/bin/pip" install -q --upgrade pip || return 1
    fi
    # Install (or bring up to date) the requirements and the project itself.
    # The stamp skips pip when nothing changed since the last install.
    local stamp="$venv/.cinder-zvm-installed"
    local want
    local reqs=() f
    for f in "$@"; do reqs+=(-r "$f"); done
    want=$(cat "$@" setup.cfg | sha256sum | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        "$venv/bin/pip" install -q "${reqs[@]}" -e . || return 1
        echo "$want" > "$stamp"
    fi
}

# The one virtualenv the demo, the tests and the full stack share, and what
# goes into it. Run from the top of the tree.
TEST_VENV=${CINDER_ZVM_TEST_VENV:-$PWD/.venv-test}
ensure_test_venv() {
    ensure_venv "$TEST_VENV" requirements.txt test-requirements.txt
}
