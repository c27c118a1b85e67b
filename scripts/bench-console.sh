#!/usr/bin/env bash
# Console figures in headless Chromium: time to first render of the map for the Benelux network and
# for a generated network of NODES nodes (1000), then the page's memory while SECONDS (3600) of
# link.status events arrive at 10 a second. Usage: scripts/bench-console.sh [NODES] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-1000}
seconds=${2:-3600}
swift build -c release --product qonduit >/dev/null
work=$(mktemp -d)
trap 'kill ${server:-} 2>/dev/null; rm -rf "$work"' EXIT
.build/release/qonduit bench paths --generate "$nodes" --pairs 1 --save-graphml "$work/generated.graphml" >/dev/null
serve() {
    kill ${server:-} 2>/dev/null || true
    rm -f "$work"/db*
    .build/release/qonduit serve --db "$work/db.sqlite" --listen 127.0.0.1:18480 --topology "$1" --log-level error >"$work/serve.log" 2>&1 &
    server=$!
    for _ in $(seq 100); do curl -sf http://127.0.0.1:18480/healthz >/dev/null && break; sleep 0.2; done
}
serve Topologies/benelux-multicity.xml
echo "benelux: $(python3 scripts/bench-console.py http://127.0.0.1:18480 "$work/db-admin.token" render)"
serve "$work/generated.graphml"
echo "generated $nodes nodes: $(python3 scripts/bench-console.py http://127.0.0.1:18480 "$work/db-admin.token" render)"
serve Topologies/benelux-multicity.xml
python3 scripts/bench-console.py http://127.0.0.1:18480 "$work/db-admin.token" events --seconds "$seconds" --rate 10
