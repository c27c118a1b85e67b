# Sourced by benchmark scripts: builds the release binary and gives `serve_controller TOPOLOGY
# [SERVE OPTION...]`, which (re)starts `qonduit serve` on 127.0.0.1:$port over a fresh SQLite file
# in a temporary directory and waits until it answers. Sets $work (removed on exit, with the
# controller and any $agents stopped), $server, $server_url and $token (the admin token the
# controller wrote beside its database).
# With QONDUIT_BENCH_POSTGRES_URL (postgres://USER@HOST:PORT/DB, a role that may create databases;
# its password, if any, in PGPASSWORD), each start serves a new PostgreSQL database instead, made
# with createdb and dropped on exit: the same benchmark on the shared store.
swift build -c release --product qonduit >/dev/null
work=$(mktemp -d)
server=""
server_url="http://127.0.0.1:$port"
bench_databases=()
drop_bench_databases() {
    for database in "${bench_databases[@]}"; do dropdb --if-exists --force --maintenance-db="$QONDUIT_BENCH_POSTGRES_URL" "$database" 2>/dev/null || true; done
}
trap 'kill $server ${agents:-} 2>/dev/null; wait $server 2>/dev/null; drop_bench_databases; rm -rf "$work"' EXIT
serve_controller() {
    local topology=$1
    shift
    if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; fi
    rm -f "$work"/bench.sqlite* "$work"/bench-*
    local db="$work/bench.sqlite"
    if [ -n "${QONDUIT_BENCH_POSTGRES_URL:-}" ]; then
        local database="qonduit_bench_$$_${#bench_databases[@]}"
        createdb --maintenance-db="$QONDUIT_BENCH_POSTGRES_URL" "$database"
        bench_databases+=("$database")
        db="${QONDUIT_BENCH_POSTGRES_URL%/*}/$database"
        set -- --admin-token-file "$work/bench-admin.token" --device-key-file "$work/bench-device.key" "$@"
    fi
    .build/release/qonduit serve --db "$db" --listen "127.0.0.1:$port" --topology "$topology" \
        --log-level error "$@" >"$work/serve.log" 2>&1 &
    server=$!
    for _ in $(seq 100); do curl -sf "$server_url/healthz" >/dev/null && break; sleep 0.2; done
    token=$(cat "$work/bench-admin.token")
}
