# shellcheck shell=bash
# Sourced by tools/fullstack.sh --tempest: tempest and cinder-tempest-plugin
# (tempest-requirements.txt, in their own venv) against the --openstack stack.
# Uses start/py/say/quiet/os_cli_env/wait_scenario and the variables of
# tools/fullstack.sh and tools/fullstack/openstack.sh.
#
# Environment:
#   FULLSTACK_TEMPEST_REGEX  the tests to run (default: tempest.api.volume
#                            and cinder-tempest-plugin's API tests)
#   FULLSTACK_TEMPEST_CONCURRENCY  tempest's workers (default 2)
#   CINDER_ZVM_TEMPEST_VENV  tempest's virtualenv (default: .venv-tempest)

TEMPEST_VENV=${CINDER_ZVM_TEMPEST_VENV:-$TOP/.venv-tempest}
TEMPEST_DIR=$WORK/tempest
TEMPEST_REGEX=${FULLSTACK_TEMPEST_REGEX:-'^(tempest\.api\.volume|cinder_tempest_plugin\.api)\.'}
# The simulator topology of the run (tools/fullstack/tempest-topology.yaml
# says why it is shaped so), and 1 MiB wiped per deleted LUN instead of the
# whole LUN: tempest deletes a few hundred volumes and snapshots, and whole
# wipes of their LUNs would take long and turn the sparse LUN files into
# real ones (the disk fills). Tempest's volumes hold no one's data; the
# wipe path (quarantine, wipe, free) still runs for every delete.
# shellcheck disable=SC2034  # used by tools/fullstack.sh
TEMPEST_TOPOLOGY=$TOP/tools/fullstack/tempest-topology.yaml
# shellcheck disable=SC2034  # used by tools/fullstack.sh
TEMPEST_RENDER="--volume-clear-size 1"

# tempest's own venv: its requirements would otherwise move the test venv's pins.
make_tempest_venv() {
    local stamp=$TEMPEST_VENV/.cinder-zvm-installed want
    want=$(sha256sum "$TOP/tempest-requirements.txt" | cut -d' ' -f1)
    [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return 0
    if { [ -x "$TEMPEST_VENV/bin/python" ] || python3 -m venv "$TEMPEST_VENV"; } &&
            "$TEMPEST_VENV/bin/pip" install -q -r "$TOP/tempest-requirements.txt" \
            >"$LOGS/tempest-venv.log" 2>&1; then
        echo "$want" >"$stamp"
    else
        tail -20 "$LOGS/tempest-venv.log"
        return 1
    fi
}

write_tempest_conf() {
    mkdir -p "$TEMPEST_DIR/etc" "$TEMPEST_DIR/locks"
    quiet tempest-conf py -m tools.fullstack.tempest_conf prepare --auth-url "$OS_AUTH_URL" \
        --password "$OS_ADMIN_PASSWORD" --backend zvm1 --workdir "$WORK" \
        "$TEMPEST_DIR/etc/tempest.conf" && tail -1 "$LOGS/tempest-conf.log"
}

# The machine is shared: stop tempest (process group $1) when the work
# dir's file system gets below FULLSTACK_TEMPEST_MIN_FREE_GB (default 10)
# free, rather than fill it with LUN copies. Ends with tempest.
disk_guard() {
    local min_kb=$(( ${FULLSTACK_TEMPEST_MIN_FREE_GB:-10} * 1024 * 1024 )) free
    while kill -0 -- "-$1" 2>/dev/null; do
        free=$(df --output=avail -k "$WORK" | tail -1)
        if [ "$free" -lt "$min_kb" ]; then
            say "only $((free / 1024)) MiB free on $WORK's file system: stopping tempest"
            kill -TERM -- "-$1"
            return
        fi
        sleep 10
    done
}

# tempest run in the background, in its own process group like the
# scenarios (the EXIT trap stops it); its counts join the run's totals.
run_tempest() {
    local out=$LOGS/tempest-run.log p f s
    say "tempest run --concurrency ${FULLSTACK_TEMPEST_CONCURRENCY:-2} --regex '$TEMPEST_REGEX' (output: $out)"
    (cd "$TEMPEST_DIR" && exec setsid "$TEMPEST_VENV/bin/tempest" run \
        --config-file "$TEMPEST_DIR/etc/tempest.conf" \
        --concurrency "${FULLSTACK_TEMPEST_CONCURRENCY:-2}" --regex "$TEMPEST_REGEX") \
        >"$out" 2>&1 </dev/null &
    SCENARIO_PID=$!
    disk_guard "$SCENARIO_PID" &
    local guard=$!
    wait "$SCENARIO_PID"
    SCENARIO_PID=
    kill "$guard" 2>/dev/null
    grep -E '\.\.\. FAILED' "$out" | head -50
    TEMPEST_LINE=$(py -m tools.fullstack.tempest_conf counts "$out" "$WORK/scenario.counts")
    local rc=$?
    read -r p f s <"$WORK/scenario.counts"
    PASSED=$((PASSED + p)); FAILED=$((FAILED + f)); SKIPPED=$((SKIPPED + s))
    say "$TEMPEST_LINE"
    return $rc
}
