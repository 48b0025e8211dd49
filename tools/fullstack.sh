#!/usr/bin/env bash
# Full-stack scenario of cinder-zvm on one machine, all on 127.0.0.1: the
# stack as users run it (tools/fullstack/openstack.sh):
#   RabbitMQ (Debian's rabbitmq-server, private node, dirs and ports),
#   MariaDB (Debian's mariadb-server, private data dir, socket and port),
#   the xCAT + z/VM simulator (zvm-sim, HTTPS, with the Cloud Connector of
#   zvm1), keystone, glance-api, placement, nova-api, -conductor,
#   -scheduler and nova-compute (ZVMVolumeDriver on the simulator's Cloud
#   Connector and xCAT), cinder-api (keystone auth), cinder-scheduler and
#   cinder-volume with one backend per simulated z/VM system,
# then the scenario of tools/fullstack/os_scenario.py, driven through the
# openstack CLI only, every outcome read back from the simulator.
#
# Options:
#   --openstack        the whole OpenStack stack: the default, and with
#                      FULLSTACK_SCENARIO=aa too (then aa.py drives it);
#                      after os_scenario.py, cinder-backup (POSIX driver on a
#                      local folder): tools/fullstack/backup_scenario.py
#   --tempest          the OpenStack stack, then tempest's volume API tests and
#                      cinder-tempest-plugin's instead of the scenario
#                      (tools/fullstack/tempest.sh, tox -e tempest); the last
#                      line is then tempest's counts
#
# Environment:
#   FULLSTACK_SCENARIO default (tools/fullstack/os_scenario.py) or aa: two
#                      cinder-volume services of one cluster with tooz on a
#                      private etcd, churn and faults (tools/fullstack/aa.py);
#                      aa runs cinder's services alone (auth_strategy
#                      noauth, no keystone, no nova services)
#   FULLSTACK_DRIVER   zvm (default: cinder_zvm.driver.ZVMFCPDriver); aa
#                      only: fake (cinder's fake driver: proves the stack alone)
#   FULLSTACK_AA_ARGS  arguments of aa.py (e.g. "--ops 40 --phases aa")
#   FULLSTACK_TIMEOUT  seconds after which the whole run is stopped as
#                      failed (default 1800; 10800 with --tempest)
#   FULLSTACK_WORKDIR  where configs, state and logs go
#                      (default: _work/fullstack, emptied at start)
#   CINDER_ZVM_TEST_VENV  the virtualenv (default: .venv-test, shared with
#                      tools/run-tests.sh)
#   ZVM_SIM_REAL_XCAT  1: the simulator runs xCAT's own zvm.pm for the pool,
#                      FCP and dedicate commands (zvm-sim --real-xcat, needs
#                      ../shared/xcat-core and perl with XML::Simple)
#
# Every step prints its elapsed time; the last line is
#   fullstack: N passed, M failed[, K skipped]
# and the exit status is non-zero when any step failed. Everything this
# script started is stopped on exit, also on failure or interrupt (each
# server runs in its own process group, which is killed as a whole).
set -u
cd "$(dirname "$0")/.." || exit 2
TOP=$PWD
OPENSTACK=
OPENSTACK_ARG=
TEMPEST=
for arg in "$@"; do
    case $arg in
        --openstack) OPENSTACK_ARG=1 ;;
        --tempest) OPENSTACK_ARG=1; TEMPEST=1 ;;
        *) echo "usage: $0 [--openstack|--tempest]" >&2; exit 2 ;;
    esac
done
. "$TOP/tools/ensure-venv.sh"
VENV=$TEST_VENV
WORK=${FULLSTACK_WORKDIR:-$TOP/_work/fullstack}
DRIVER=${FULLSTACK_DRIVER:-zvm}
SCENARIO=${FULLSTACK_SCENARIO:-default}
# The whole OpenStack stack, except for aa (cinder's services alone, noauth).
[ "$SCENARIO" != aa ] || [ -n "$OPENSTACK_ARG" ] && OPENSTACK=1
LOGS=$WORK/logs
T0=$(date +%s%N)
PASSED=0; FAILED=0; SKIPPED=0
declare -A PGID=()
ORDER=()

elapsed() { echo $(( ($(date +%s%N) - T0) / 1000000 )); }
say() { local ms; ms=$(elapsed); printf '[%4d.%ds] %s\n' $((ms / 1000)) $((ms % 1000 / 100)) "$*"; }

# step NAME COMMAND...: run one bring-up step, print its result and time.
step() {
    local name=$1; shift
    local t=$(date +%s%N)
    say "step $name ..."
    if "$@"; then
        PASSED=$((PASSED + 1))
        say "PASS $name ($(( ($(date +%s%N) - t) / 1000000 )) ms)"
        return 0
    fi
    FAILED=$((FAILED + 1))
    say "FAIL $name ($(( ($(date +%s%N) - t) / 1000000 )) ms)"
    return 1
}

finish() {
    FINISHED=1
    local extra=""
    [ "$SKIPPED" -gt 0 ] && extra=", $SKIPPED skipped"
    if { [ "$FAILED" -eq 0 ] || [ -n "$TEMPEST" ]; } && [ -d "$WORK/sim/luns" ]; then
        # Wiped LUNs are no longer sparse files (GBs of zeros): drop them
        # after a good run; a failed run keeps them for inspection (not
        # tempest's: tens of GiB of copies, and its logs tell more).
        say "removing the simulator's LUN files ($(du -sh "$WORK/sim/luns" | cut -f1))"
        rm -rf "$WORK/sim/luns"
    fi
    say "logs and state: $WORK"
    echo "fullstack: $PASSED passed, $FAILED failed$extra"
    [ -n "${TEMPEST_LINE:-}" ] && echo "$TEMPEST_LINE"
    [ "$FAILED" -eq 0 ]
    exit $?
}

# start NAME COMMAND...: run a server in its own process group, output to a log.
# Its command, environment and process group go to $WORK/services/NAME.*,
# where the aa scenario kills and restarts it (and records the new group).
start() {
    local name=$1; shift
    setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
    PGID[$name]=$!
    ORDER+=("$name")
    export FULLSTACK_WATCH_PID=$!
    (umask 077; printf '%s\0' "$@" >"$WORK/services/$name.cmd"
     env -0 >"$WORK/services/$name.env"; echo "$!" >"$WORK/services/$name.pgid")
}

# The process group of a server now (the aa scenario may have restarted it).
pgid_of() { cat "$WORK/services/$1.pgid" 2>/dev/null || echo "${PGID[$1]:-}"; }

group_alive() { kill -0 -- "-$1" 2>/dev/null; }

# stop NAME: TERM its process group, KILL what is left after 20 s.
stop() {
    local name=$1 pg
    [ -n "${PGID[$1]:-}" ] || return 0
    pg=$(pgid_of "$name")
    kill -TERM -- "-$pg" 2>/dev/null
    local i
    for i in $(seq 1 100); do
        group_alive "$pg" || break
        sleep 0.2
    done
    if group_alive "$pg"; then
        say "$name did not stop in 20 s: killing its process group"
        kill -KILL -- "-$pg" 2>/dev/null
        sleep 0.5
    fi
    wait "$pg" 2>/dev/null
    unset "PGID[$name]"
    ! group_alive "$pg"
}

stop_all() {
    local i ok=0
    for ((i = ${#ORDER[@]} - 1; i >= 0; i--)); do
        stop "${ORDER[$i]}" || ok=1
    done
    ORDER=()
    return $ok
}

on_exit() {
    local rc=$?
    if [ -n "${SCENARIO_PID:-}" ]; then
        kill -TERM -- "-$SCENARIO_PID" 2>/dev/null
        wait "$SCENARIO_PID" 2>/dev/null
    fi
    if [ "${#ORDER[@]}" -gt 0 ]; then
        say "stopping everything started (exit status $rc)"
        stop_all
    fi
    [ -n "${WATCHDOG:-}" ] && kill -- "-$WATCHDOG" 2>/dev/null
    # tempest's LUN copies are tens of GiB, also after an interruption.
    [ -n "$TEMPEST" ] && [ -z "${FINISHED:-}" ] && rm -rf "$WORK/sim/luns"
    if [ -z "${FINISHED:-}" ]; then
        # Interrupted or died early: still end with the counts, the
        # interruption counted as one failure.
        echo "fullstack: $PASSED passed, $((FAILED + 1)) failed"
    fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM HUP

py() { "$VENV/bin/python" "$@"; }

# -- bring-up steps ------------------------------------------------------------

make_venv() {
    if ! ensure_test_venv >"$LOGS/venv.log" 2>&1; then
        tail -20 "$LOGS/venv.log"
        return 1
    fi
}

# The Debian packages of the stack's servers, those not yet installed.
SERVER_PACKAGES="rabbitmq-server:/usr/lib/rabbitmq/bin/rabbitmq-server mariadb-server:/usr/sbin/mariadbd"
[ "$SCENARIO" = aa ] && SERVER_PACKAGES="$SERVER_PACKAGES etcd-server:/usr/bin/etcd"

install_servers() {
    local entry missing=()
    for entry in $SERVER_PACKAGES; do
        [ -x "${entry#*:}" ] || missing+=("${entry%%:*}")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        echo "not installed: ${missing[*]} (apt-get install ${missing[*]})" >&2
        return 1
    fi
    say "installing ${missing[*]} (Debian packages)"
    # Keep the packages' own services (all interfaces, standard ports) from
    # being started by the install: we run private servers. Debian's
    # policy-rc.d mechanism, only where the machine has none of its own.
    local policy=/usr/sbin/policy-rc.d ours=0 rc
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && ours=1
    fi
    apt-get update -qq >"$LOGS/apt.log" 2>&1 && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq "${missing[@]}" >>"$LOGS/apt.log" 2>&1
    rc=$?
    [ "$ours" = 1 ] && rm -f "$policy"
    [ "$rc" = 0 ] || tail -20 "$LOGS/apt.log"
    return $rc
}

start_rabbitmq() {
    local r=$WORK/rabbitmq epmd
    mkdir -p "$r/home" "$r/mnesia" "$r/log"
    : >"$r/enabled_plugins"; : >"$r/rabbitmq-env.conf"
    epmd=$(ls /usr/lib/erlang/erts-*/bin/epmd | head -1)
    # A private epmd in our process group: rabbitmq-server would otherwise
    # start a daemonised one that outlives us.
    export ERL_EPMD_PORT=$EPMD_PORT ERL_EPMD_ADDRESS=127.0.0.1
    start epmd "$epmd" -port "$EPMD_PORT" -address 127.0.0.1
    HOME=$r/home \
    RABBITMQ_NODENAME=cinderzvm-fullstack-$$@localhost \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$AMQP_PORT \
    RABBITMQ_DIST_PORT=$DIST_PORT \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    RABBITMQ_MNESIA_BASE=$r/mnesia RABBITMQ_LOG_BASE=$r/log \
    RABBITMQ_CONFIG_FILE=$r/rabbitmq RABBITMQ_ADVANCED_CONFIG_FILE=$r/advanced.config \
    RABBITMQ_ENABLED_PLUGINS_FILE=$r/enabled_plugins \
    RABBITMQ_CONF_ENV_FILE=$r/rabbitmq-env.conf \
        start rabbitmq /usr/lib/rabbitmq/bin/rabbitmq-server
    py -m tools.fullstack.waitfor amqp "amqp://guest:guest@127.0.0.1:$AMQP_PORT//" 120
}

# cinder's database. Not sqlite: cinder-api, -scheduler and -volume write
# concurrently, and sqlite fails such writers at once ("database is
# locked") when a transaction that began reading must turn into a write.
start_mariadb() {
    local m=$WORK/mariadb user
    user=$(id -un)
    mkdir -p "$m"
    if ! mariadb-install-db --no-defaults --user="$user" --datadir="$m/data" \
            --auth-root-authentication-method=socket --skip-test-db \
            >"$LOGS/mariadb-install.log" 2>&1; then
        tail -20 "$LOGS/mariadb-install.log"
        return 1
    fi
    # Durability is traded for speed (a test database): no binary log, the
    # redo log flushed once a second.
    start mariadb /usr/sbin/mariadbd --no-defaults --user="$user" --datadir="$m/data" \
        --socket="$m/mysqld.sock" --pid-file="$m/mysqld.pid" \
        --port="$DB_PORT" --bind-address=127.0.0.1 --skip-name-resolve \
        --skip-log-bin --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=2 \
        --character-set-server=utf8mb4
    py -m tools.fullstack.waitfor tcp "$DB_PORT" 60 || return 1
    mariadb --no-defaults --socket="$m/mysqld.sock" -u root <<SQL || return 1
CREATE DATABASE cinder CHARACTER SET utf8mb4;
CREATE USER 'cinder'@'127.0.0.1' IDENTIFIED BY 'cinder';
GRANT ALL PRIVILEGES ON cinder.* TO 'cinder'@'127.0.0.1';
SQL
    py -m tools.fullstack.waitfor db "$DB_URL" 30
}

# tooz's coordination backend of the aa scenario: one etcd member, private
# data dir and ports (tooz's etcd3+http driver talks to its gateway API).
start_etcd() {
    start etcd /usr/bin/etcd --name aa --data-dir "$WORK/etcd" \
        --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
        --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
        --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-cluster "aa=http://127.0.0.1:$ETCD_PEER_PORT"
    py -m tools.fullstack.waitfor http "http://127.0.0.1:$ETCD_PORT/health" 60
}

start_simulator() {
    mkdir -p "$WORK/sim"
    local real=() cc=()
    case "${ZVM_SIM_REAL_XCAT:-0}" in 0|'') ;; *) real=(--real-xcat);; esac
    # nova's z/VM driver manages zvm1's guests through the Cloud Connector.
    [ -n "$OPENSTACK" ] && cc=(--cloud-connector zvm1)
    start simulator "$VENV/bin/zvm-sim" --state-dir "$WORK/sim" --host 127.0.0.1 \
        --port "$SIM_PORT" --tls ${TOPOLOGY:+--topology "$TOPOLOGY"} --reset "${real[@]}" "${cc[@]}" || return 1
    SIM_JSON=$(py -m tools.fullstack.waitfor jsonline "$LOGS/simulator.log" 60) || return 1
    SIM_URL=$(py -c 'import json,sys; print(json.loads(sys.argv[1])["url"])' "$SIM_JSON")
    SIM_CA=$(py -c 'import json,sys; print(json.loads(sys.argv[1])["ca_file"] or "")' "$SIM_JSON")
    # shellcheck disable=SC2034  # used by tools/fullstack/openstack.sh
    SIM_CC_URL=$(py -c 'import json,sys; print(json.loads(sys.argv[1]).get("cloud_connector_url") or "")' "$SIM_JSON")
    say "simulator at $SIM_URL${real:+ (real xCAT: zvm.pm from ../shared/xcat-core)}"
}

write_configs() {
    py -m tools.fullstack.render --driver "$DRIVER" --workdir "$WORK" \
        --api-port "$API_PORT" --transport-url "$TRANSPORT_URL" \
        --api-paste-config "$VENV/etc/cinder/api-paste.ini" \
        --db-url "$DB_URL" --sim-url "$SIM_URL" --sim-ca "$SIM_CA" \
        ${TOPOLOGY:+--topology "$TOPOLOGY"} ${AA_RENDER:+$AA_RENDER} "$WORK/etc"
}

db_sync() {
    "$VENV/bin/cinder-manage" --config-file "$WORK/etc/cinder.conf" db sync \
        >"$LOGS/db-sync.log" 2>&1 || { tail -20 "$LOGS/db-sync.log"; return 1; }
}

cinder_service() {
    PYTHONPATH=$TOP start "cinder-$1" "$VENV/bin/cinder-$1" --config-file "$WORK/etc/cinder.conf"
}

# aa: cinder-volume NAME as its own host (config file host-NAME.conf), in
# the cluster of cinder.conf.
cinder_volume_as() {
    printf '[DEFAULT]\nhost = %s\n' "$1" >"$WORK/etc/host-$1.conf"
    PYTHONPATH=$TOP start "cinder-volume-$1" "$VENV/bin/cinder-volume" \
        --config-file "$WORK/etc/cinder.conf" --config-file "$WORK/etc/host-$1.conf"
}

# One after the other, each waited for until it has registered itself in
# the database: a failure then names the service that did not come up.
start_cinder() {
    local backends
    backends=$(grep -c '^volume_driver' "$WORK/etc/cinder.conf")
    cinder_service scheduler
    py -m tools.fullstack.waitfor service "$DB_URL" cinder-scheduler 1 120 || return 1
    if [ "$SCENARIO" = aa ]; then
        cinder_volume_as aa-a
        cinder_volume_as aa-b
        backends=$((backends * 2))
    else
        cinder_service volume
    fi
    py -m tools.fullstack.waitfor service "$DB_URL" cinder-volume "$backends" 180 \
        || return 1
    cinder_service api
    py -m tools.fullstack.waitfor http "http://127.0.0.1:$API_PORT/" 120
}

# Wait for the scenario started in the background (pid $1) and add its
# step counts to the totals; returns its exit status.
wait_scenario() {
    SCENARIO_PID=$1
    wait "$SCENARIO_PID"
    local rc=$? p f s
    SCENARIO_PID=
    read -r p f s <"$WORK/scenario.counts" 2>/dev/null || { p=0; f=1; s=0; }
    PASSED=$((PASSED + p)); FAILED=$((FAILED + f)); SKIPPED=$((SKIPPED + s))
    return $rc
}

# run_cli_scenario MODULE RESULTS: a scenario of tools/fullstack driven by the
# openstack CLI as the admin of keystone, its step results in $WORK/RESULTS.
run_cli_scenario() {
    os_cli_env
    PATH=$VENV/bin:$PATH setsid "$VENV/bin/python" -m "tools.fullstack.$1" \
        --sim-url "$SIM_URL" --sim-ca "$SIM_CA" --workdir "$WORK" \
        --counts "$WORK/scenario.counts" --results "$WORK/$2" \
        --t0-ns "$T0" &
    wait_scenario $!
}

run_os_scenario() { run_cli_scenario os_scenario scenario.json; }

run_scenario() {
    if [ -n "$TEMPEST" ]; then
        step tempest-conf write_tempest_conf && run_tempest
        return
    fi
    # In the background + wait, so that a signal reaches our trap at once.
    # Its own process group too, so that its children (the CLI, the nova
    # side of aa) are stopped with it.
    if [ "$SCENARIO" != aa ]; then
        run_os_scenario
        return
    fi
    # shellcheck disable=SC2086  # FULLSTACK_AA_ARGS: words on purpose
    PATH=$VENV/bin:$PATH setsid "$VENV/bin/python" -m tools.fullstack.aa run \
        --api "http://127.0.0.1:$API_PORT/v3" --db-url "$DB_URL" \
        --sim-url "$SIM_URL" --sim-ca "$SIM_CA" --workdir "$WORK" \
        --counts "$WORK/scenario.counts" --results "$WORK/scenario.json" \
        ${FULLSTACK_AA_ARGS:-} &
    wait_scenario $!
}

# -- main ----------------------------------------------------------------------

case $DRIVER in zvm|fake) ;; *) echo "FULLSTACK_DRIVER must be zvm or fake" >&2; exit 2;; esac
case $SCENARIO in default|aa) ;; *) echo "FULLSTACK_SCENARIO must be default or aa" >&2; exit 2;; esac
# The work dir is emptied: a directory given in FULLSTACK_WORKDIR only when
# it is empty or made by an earlier run (marker file).
MARK=.cinder-zvm-fullstack
if [ -n "${FULLSTACK_WORKDIR:-}" ] && [ -e "$WORK" ] && [ ! -e "$WORK/$MARK" ] &&
        [ -n "$(ls -A "$WORK" 2>/dev/null)" ]; then
    echo "$WORK exists and was not made by tools/fullstack.sh: not emptying it" >&2
    exit 2
fi
rm -rf "$WORK"
mkdir -p "$LOGS" "$WORK/locks" "$WORK/coordination" "$WORK/nova" "$WORK/services" &&
    : >"$WORK/$MARK" || exit 2
say "full-stack scenario, driver $DRIVER, work dir $WORK"
# A bound on the whole run, whatever hangs: TERM to us runs the EXIT trap.
[ -n "$TEMPEST" ] && : "${FULLSTACK_TIMEOUT:=10800}"
setsid bash -c "sleep ${FULLSTACK_TIMEOUT:-1800}; echo 'fullstack: time limit reached' >&2; \
    kill -TERM $$" </dev/null &
WATCHDOG=$!

step venv make_venv || finish
step install-servers install_servers || finish
read -r AMQP_PORT DIST_PORT EPMD_PORT API_PORT SIM_PORT DB_PORT ETCD_PORT ETCD_PEER_PORT \
    <<<"$(py -m tools.fullstack.waitfor ports 8)"
TRANSPORT_URL=rabbit://guest:guest@127.0.0.1:$AMQP_PORT/
DB_URL="mysql+pymysql://cinder:cinder@127.0.0.1:$DB_PORT/cinder?charset=utf8mb4"
TOPOLOGY=
AA_RENDER=
if [ "$SCENARIO" = aa ]; then
    TOPOLOGY=$WORK/aa-topology.yaml
    py -m tools.fullstack.aa topology >"$TOPOLOGY" || finish
    AA_RENDER="--coordination-url etcd3+http://127.0.0.1:$ETCD_PORT --cluster aa --volume-clear-size 1"
fi
if [ -n "$TEMPEST" ]; then
    . "$TOP/tools/fullstack/tempest.sh"
    TOPOLOGY=$TEMPEST_TOPOLOGY
    AA_RENDER=$TEMPEST_RENDER
    step tempest-venv make_tempest_venv || finish
fi
step start-rabbitmq start_rabbitmq || finish
step start-mariadb start_mariadb || finish
if [ "$SCENARIO" = aa ]; then
    step start-etcd start_etcd || finish
fi
step start-simulator start_simulator || finish
step write-configs write_configs || finish
step db-sync db_sync || finish
if [ -n "$OPENSTACK" ]; then
    . "$TOP/tools/fullstack/openstack.sh"
    [ "$DRIVER" = zvm ] || { echo "FULLSTACK_DRIVER=$DRIVER: only with FULLSTACK_SCENARIO=aa" >&2; exit 2; }
    os_ports
    step openstack-dbs create_openstack_dbs || finish
    step openstack-configs write_openstack_configs || finish
    step start-keystone start_keystone || finish
fi
step start-cinder start_cinder || finish
if [ -n "$OPENSTACK" ]; then
    step start-cinder-backup start_cinder_backup || finish
    step start-glance start_glance || finish
    step start-placement start_placement || finish
    step start-neutron-stub start_neutron_stub || finish
    step start-nova start_nova || finish
    say "bring-up done; services' RSS: $(services_rss)"
fi
if [ -n "${FULLSTACK_HOLD:-}" ]; then
    # Debugging: keep the stack up for FULLSTACK_HOLD seconds before the scenario.
    say "holding the stack for $FULLSTACK_HOLD s: cinder API http://127.0.0.1:$API_PORT/v3"
    sleep "$FULLSTACK_HOLD" & wait $!
fi
unset FULLSTACK_WATCH_PID
run_scenario
[ -n "$OPENSTACK" ] && [ -z "$TEMPEST" ] && run_backup_scenario
[ -n "$OPENSTACK" ] && say "after the scenario, services' RSS: $(services_rss)"
step stop-services stop_all
finish
