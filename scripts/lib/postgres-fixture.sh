# A private PostgreSQL 15 for the storage tests, sourced by scripts/test: Debian's server, installed
# when missing, run from a data directory of its own on a loopback port, never as root and without a
# system service; stopped and removed when the sourcing shell exits. Exports QONDUIT_TEST_POSTGRES_URL.
# Set QONDUIT_TEST_POSTGRES_URL beforehand to use a server of your own instead.

postgres_fixture_start() {
    if [ -n "${QONDUIT_TEST_POSTGRES_URL:-}" ]; then return 0; fi
    local bin=/usr/lib/postgresql/15/bin
    if [ ! -x "$bin/pg_ctl" ]; then
        echo "installing postgresql-15"
        apt-get update -qq
        # The package's own cluster and service are not wanted: only its programs.
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
    "${run_as[@]}" "$bin/initdb" -D "$postgres_dir/data" -U qonduit --auth=trust --encoding=UTF8 --no-locale >"$postgres_dir/initdb.log" 2>&1 \
        || { cat "$postgres_dir/initdb.log"; return 1; }
    "${run_as[@]}" "$bin/pg_ctl" -D "$postgres_dir/data" -l "$postgres_dir/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $postgres_dir -c fsync=off" start >/dev/null \
        || { cat "$postgres_dir/server.log"; return 1; }
    postgres_pg_ctl=("${run_as[@]}" "$bin/pg_ctl" -D "$postgres_dir/data")
    trap postgres_fixture_stop EXIT
    export QONDUIT_TEST_POSTGRES_URL="postgres://qonduit@127.0.0.1:$port/postgres"
    echo "PostgreSQL 15 for the tests at $QONDUIT_TEST_POSTGRES_URL"
}

postgres_fixture_stop() {
    [ -n "${postgres_dir:-}" ] || return 0
    "${postgres_pg_ctl[@]}" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$postgres_dir"
}
