# shellcheck shell=bash
# Sourced by tools/fullstack.sh --openstack: the rest of the OpenStack stack,
# each service from PyPI (the test venv), started as an operator starts it:
#   keystone (bootstrapped, fernet tokens), glance-api (file store),
#   placement, nova-api (all three WSGI applications under gunicorn),
#   nova-conductor, nova-scheduler, nova-compute-zvm (ZVMVolumeDriver on
#   the simulator's Cloud Connector and xCAT) and a neutron stub that
#   answers "no ports" (servers are created with --nic none).
# Uses start/py/say and the variables of tools/fullstack.sh.

OS_ADMIN_PASSWORD=fullstack-admin
OS_DB_USER=openstack
OS_DB_PASSWORD=openstack

os_ports() {
    read -r KEYSTONE_PORT GLANCE_PORT PLACEMENT_PORT NOVA_PORT NEUTRON_PORT \
        <<<"$(py -m tools.fullstack.waitfor ports 5)"
    OS_PORTS=$(printf '{"keystone": %s, "glance": %s, "placement": %s, "nova": %s, "neutron": %s, "cinder": %s}' \
        "$KEYSTONE_PORT" "$GLANCE_PORT" "$PLACEMENT_PORT" "$NOVA_PORT" "$NEUTRON_PORT" "$API_PORT")
    OS_AUTH_URL=http://127.0.0.1:$KEYSTONE_PORT/v3
}

# The environment of the openstack CLI (and of the scenario): admin of admin.
os_cli_env() {
    export OS_AUTH_URL OS_USERNAME=admin OS_PASSWORD=$OS_ADMIN_PASSWORD \
        OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default \
        OS_REGION_NAME=RegionOne OS_IDENTITY_API_VERSION=3 OS_INTERFACE=public
}

create_openstack_dbs() {
    local sql="CREATE USER '$OS_DB_USER'@'127.0.0.1' IDENTIFIED BY '$OS_DB_PASSWORD';" d
    for d in keystone glance placement nova_api nova nova_cell0; do
        sql+="CREATE DATABASE $d CHARACTER SET utf8mb4;"
        sql+="GRANT ALL PRIVILEGES ON $d.* TO '$OS_DB_USER'@'127.0.0.1';"
    done
    mariadb --no-defaults --socket="$WORK/mariadb/mysqld.sock" -u root <<<"$sql"
}

write_openstack_configs() {
    py -m tools.fullstack.render_openstack --workdir "$WORK" --venv "$VENV" \
        --ports "$OS_PORTS" --transport-url "$TRANSPORT_URL" \
        --db-base "mysql+pymysql://$OS_DB_USER:$OS_DB_PASSWORD@127.0.0.1:$DB_PORT" \
        --cloud-connector-url "$SIM_CC_URL" "$WORK/etc"
}

# quiet LOGNAME COMMAND...: a one-off command, its output in a log, shown on failure.
quiet() {
    local log=$LOGS/$1.log; shift
    "$@" >>"$log" 2>&1 || { tail -30 "$log"; return 1; }
}

# wsgi NAME PORT MODULE:APP [ENV=VALUE...]: a WSGI application under gunicorn.
# gunicorn's settings come from ./gunicorn.conf.py, not its command line:
# keystone's and nova's applications parse sys.argv with oslo.config and
# refuse gunicorn's arguments.
wsgi() {
    local name=$1 port=$2 app=$3 dir=$WORK/gunicorn/$1; shift 3
    mkdir -p "$dir"
    cat >"$dir/gunicorn.conf.py" <<EOF
bind = '127.0.0.1:$port'
wsgi_app = '$app'
workers = 1
threads = 4
timeout = 300
graceful_timeout = 5
proc_name = '$name'
chdir = '$TOP'
EOF
    start "$name" env -C "$dir" PYTHONPATH="$TOP" "$@" "$VENV/bin/gunicorn"
}

start_keystone() {
    local conf=$WORK/etc/keystone/keystone.conf me group
    me=$(id -un); group=$(id -gn)
    quiet keystone-manage "$VENV/bin/keystone-manage" --config-file "$conf" db_sync || return 1
    quiet keystone-manage "$VENV/bin/keystone-manage" --config-file "$conf" fernet_setup \
        --keystone-user "$me" --keystone-group "$group" || return 1
    quiet keystone-manage "$VENV/bin/keystone-manage" --config-file "$conf" credential_setup \
        --keystone-user "$me" --keystone-group "$group" || return 1
    quiet keystone-manage "$VENV/bin/keystone-manage" --config-file "$conf" bootstrap \
        --bootstrap-password "$OS_ADMIN_PASSWORD" --bootstrap-region-id RegionOne \
        --bootstrap-admin-url "$OS_AUTH_URL" --bootstrap-internal-url "$OS_AUTH_URL" \
        --bootstrap-public-url "$OS_AUTH_URL" || return 1
    wsgi keystone "$KEYSTONE_PORT" keystone.wsgi.api:application \
        OS_KEYSTONE_CONFIG_FILES="$conf"
    py -m tools.fullstack.waitfor http "$OS_AUTH_URL" 120 || return 1
    quiet identity py -m tools.fullstack.identity --auth-url "$OS_AUTH_URL" \
        --password "$OS_ADMIN_PASSWORD" --ports "$OS_PORTS" && tail -1 "$LOGS/identity.log"
}

start_glance() {
    local dir=$WORK/etc/glance
    quiet glance-manage "$VENV/bin/glance-manage" --config-file "$dir/glance-api.conf" \
        db_sync || return 1
    wsgi glance "$GLANCE_PORT" glance.wsgi.api:application OS_GLANCE_CONFIG_DIR="$dir"
    py -m tools.fullstack.waitfor http "http://127.0.0.1:$GLANCE_PORT/" 120
}

start_placement() {
    local dir=$WORK/etc/placement
    quiet placement-manage "$VENV/bin/placement-manage" --config-file "$dir/placement.conf" \
        db sync || return 1
    wsgi placement "$PLACEMENT_PORT" placement.wsgi.api:application \
        OS_PLACEMENT_CONFIG_DIR="$dir"
    py -m tools.fullstack.waitfor http "http://127.0.0.1:$PLACEMENT_PORT/" 120
}

start_neutron_stub() {
    wsgi neutron-stub "$NEUTRON_PORT" tools.fullstack.neutron_stub:application
    py -m tools.fullstack.waitfor http "http://127.0.0.1:$NEUTRON_PORT/" 60
}

nova_manage() {
    quiet nova-manage "$VENV/bin/nova-manage" --config-file "$WORK/etc/nova/nova.conf" "$@"
}

# The cells v2 set-up of an operator's install guide, then the services.
start_nova() {
    local conf=$WORK/etc/nova/nova.conf
    local base="mysql+pymysql://$OS_DB_USER:$OS_DB_PASSWORD@127.0.0.1:$DB_PORT"
    nova_manage api_db sync || return 1
    nova_manage cell_v2 map_cell0 --database_connection "$base/nova_cell0?charset=utf8mb4" \
        || return 1
    nova_manage cell_v2 create_cell --name cell1 || return 1
    nova_manage db sync || return 1
    start nova-conductor "$VENV/bin/nova-conductor" --config-file "$conf"
    start nova-scheduler "$VENV/bin/nova-scheduler" --config-file "$conf"
    PYTHONPATH=$TOP start nova-compute "$VENV/bin/nova-compute-zvm" --config-file "$conf"
    wsgi nova-api "$NOVA_PORT" nova.wsgi.osapi_compute:application \
        OS_NOVA_CONFIG_DIR="$WORK/etc/nova"
    py -m tools.fullstack.waitfor http "http://127.0.0.1:$NOVA_PORT/" 180 || return 1
    # The compute node appears in the cell when nova-compute has reported;
    # the scheduler's periodic discovery maps it (discover_hosts_in_cells_interval).
    os_cli_env

    for _ in $(seq 1 90); do
        if "$VENV/bin/openstack" compute service list -f value -c Binary -c State 2>/dev/null \
                | grep -q '^nova-compute up$'; then
            nova_manage cell_v2 discover_hosts --verbose && return 0
        fi
        sleep 2
    done
    echo "nova-compute did not report up in 180 s" >&2
    tail -30 "$LOGS/nova-compute.log"
    return 1
}

# RSS of every service started, in MiB (process group sums), for the report.
services_rss() {
    local name pg total=0 kb
    for name in "${ORDER[@]}"; do
        pg=${PGID[$name]}
        kb=$(ps -o rss= -g "$pg" 2>/dev/null | awk '{s += $1} END {print s + 0}')
        total=$((total + kb))
        printf '%s=%dMiB ' "$name" $((kb / 1024))
    done
    printf 'total=%dMiB\n' $((total / 1024))
}

# cinder-backup with cinder's POSIX backup driver on a local folder, on this
# host (the simulated Cinder node's): its options in an extra config file, as
# on an operator's backup host. os-brick's privsep daemon is started directly
# (the stack runs as root, no sudo/rootwrap), as cinder's own in render_openstack.
start_cinder_backup() {
    mkdir -p "$WORK/backups"
    cat >"$WORK/etc/backup.conf" <<EOF2
[DEFAULT]
backup_driver = cinder.backup.drivers.posix.PosixBackupDriver
backup_posix_path = $WORK/backups

[privsep_osbrick]
helper_command = $VENV/bin/privsep-helper
EOF2
    PYTHONPATH=$TOP start cinder-backup "$VENV/bin/cinder-backup" \
        --config-file "$WORK/etc/cinder.conf" --config-file "$WORK/etc/backup.conf"
    py -m tools.fullstack.waitfor service "$DB_URL" cinder-backup 1 120
}

# tools/fullstack/backup_scenario.py after the openstack scenario: backup and
# restore through cinder-backup, data compared byte for byte.
run_backup_scenario() { run_cli_scenario backup_scenario backup.json; }
