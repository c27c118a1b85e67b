#!/usr/bin/env bash
# Console figures in headless Chromium: time to first render of the map for the Benelux network and
# for a generated network of NODES nodes (1000), then the page's memory while SECONDS (3600) of
# link.status events arrive at 10 a second. Usage: scripts/bench-console.sh [NODES] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-1000}
seconds=${2:-3600}
port=18480
source scripts/lib/controller.sh
.build/release/qonduit bench paths --generate "$nodes" --pairs 1 --save-graphml "$work/generated.graphml" >/dev/null
serve_controller Topologies/benelux-multicity.xml
echo "benelux: $(python3 scripts/bench-console.py "$server_url" "$work/bench-admin.token" render)"
serve_controller "$work/generated.graphml"
echo "generated $nodes nodes: $(python3 scripts/bench-console.py "$server_url" "$work/bench-admin.token" render)"
serve_controller Topologies/benelux-multicity.xml
python3 scripts/bench-console.py "$server_url" "$work/bench-admin.token" events --seconds "$seconds" --rate 10
