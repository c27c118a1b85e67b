# Sourced by benchmark scripts: builds the release binary and gives `serve_controller TOPOLOGY
# [SERVE OPTION...]`, which (re)starts `qonduit serve` on 127.0.0.1:$port over a fresh SQLite file
# in a temporary directory and waits until it answers. Sets $work (removed on exit, with the
# controller and any $agents stopped), $server, $server_url and $token (the admin token the
# controller wrote beside its database).
swift build -c release --product qonduit >/dev/null
work=$(mktemp -d)
server=""
server_url="http://127.0.0.1:$port"
trap 'kill $server ${agents:-} 2>/dev/null; rm -rf "$work"' EXIT
serve_controller() {
    local topology=$1
    shift
    if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; fi
    rm -f "$work"/bench.sqlite* "$work"/bench-*
    .build/release/qonduit serve --db "$work/bench.sqlite" --listen "127.0.0.1:$port" --topology "$topology" \
        --log-level error "$@" >"$work/serve.log" 2>&1 &
    server=$!
    for _ in $(seq 100); do curl -sf "$server_url/healthz" >/dev/null && break; sleep 0.2; done
    token=$(cat "$work/bench-admin.token")
}
