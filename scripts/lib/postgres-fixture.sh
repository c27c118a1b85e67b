# A private PostgreSQL 15 for the storage tests, sourced by scripts/test: Debian's server, installed
# when missing, run from a data directory of its own on a loopback port, never as root and without a
# system service; stopped and removed when the sourcing shell exits. Exports QONDUIT_TEST_POSTGRES_URL (a
# superuser on the maintenance database, trusted on loopback: the suite opens hundreds of connections,
# and a debug build's SCRAM handshake costs a tenth of a second of CPU each) and, for the tests of
# passwords, QONDUIT_TEST_POSTGRES_PASSWORD_USER and QONDUIT_TEST_POSTGRES_PASSWORD (a superuser that
# must authenticate with SCRAM, as in production). Set them beforehand to use a server of your own.

postgres_fixture_start() {
    if [ -n "${QONDUIT_TEST_POSTGRES_URL:-}" ]; then return 0; fi
    local bin=/usr/lib/postgresql/15/bin
    if [ ! -x "$bin/pg_ctl" ]; then
        echo "installing postgresql-15"
        # Only the programs are wanted: no cluster of the package's own, so no service to start.
        if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
            mkdir -p /etc/postgresql-common
            echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
        fi
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null
    fi
    postgres_dir=$(mktemp -d /tmp/qonduit-postgres.XXXXXX)
    local run_as=()
    # initdb and the server refuse root: run them as Debian's `postgres` user.
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$postgres_dir"
        run_as=(setpriv --reuid=postgres --regid=postgres --clear-groups --)
    fi
    local port
    port=$(python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
    local password
    password=$(python3 -c "import secrets; print(secrets.token_hex(16))")
    "${run_as[@]}" "$bin/initdb" -D "$postgres_dir/data" -U qonduit --auth=trust --encoding=UTF8 --no-locale \
        >"$postgres_dir/initdb.log" 2>&1 || { cat "$postgres_dir/initdb.log"; return 1; }
    printf '%s\n' "local all all trust" "host all qonduit_password 127.0.0.1/32 scram-sha-256" \
        "host all all 127.0.0.1/32 trust" >"$postgres_dir/data/pg_hba.conf"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$postgres_dir/data/pg_hba.conf"; fi
    "${run_as[@]}" "$bin/pg_ctl" -D "$postgres_dir/data" -l "$postgres_dir/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $postgres_dir -c fsync=off -c max_connections=400" start >/dev/null \
        || { cat "$postgres_dir/server.log"; return 1; }
    postgres_pg_ctl=("${run_as[@]}" "$bin/pg_ctl" -D "$postgres_dir/data")
    "${run_as[@]}" "$bin/psql" -q -h "$postgres_dir" -p "$port" -U qonduit -d postgres \
        -c "CREATE ROLE qonduit_password LOGIN SUPERUSER PASSWORD '$password'" >/dev/null
    trap postgres_fixture_stop EXIT
    export QONDUIT_TEST_POSTGRES_URL="postgres://qonduit@127.0.0.1:$port/postgres"
    export QONDUIT_TEST_POSTGRES_PASSWORD_USER=qonduit_password QONDUIT_TEST_POSTGRES_PASSWORD="$password"
    echo "PostgreSQL 15 for the tests at $QONDUIT_TEST_POSTGRES_URL"
}

postgres_fixture_stop() {
    [ -n "${postgres_dir:-}" ] || return 0
    "${postgres_pg_ctl[@]}" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$postgres_dir"
}
