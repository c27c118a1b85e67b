#!/usr/bin/env bash
# Key-path provisioning over the API of a real `qonduit serve` (SQLite file) whose nodes all have
# simulated agents (`qonduit agents simulate`, one RESTCONF server per node): each admitted path is
# reserved and configured on every node of its route before the API answers.
# Usage: scripts/bench-provision.sh [TOPOLOGY] [PATHS] [CONCURRENCY] [RATE_BPS]
set -euo pipefail
cd "$(dirname "$0")/.."
topology=${1:-Topologies/benelux-multicity.xml}
paths=${2:-4000}
concurrency=${3:-32}
rate=${4:-10}
swift build -c release --product qonduit >/dev/null
work=$(mktemp -d)
port=18182
.build/release/qonduit serve --db "$work/bench.sqlite" --listen 127.0.0.1:$port --topology "$topology" \
    --reconcile-interval-ms 5000 --log-level error >"$work/serve.log" 2>&1 &
server=$!
agents=""
trap 'kill $server $agents 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
.build/release/qonduit agents simulate --controller "http://127.0.0.1:$port" --log-level error >"$work/agents.log" 2>&1 &
agents=$!
nodes=$(curl -sf "http://127.0.0.1:$port/api/v1/nodes?limit=10000" | python3 -c "import sys, json; print(json.load(sys.stdin)['total'])")
for _ in $(seq 100); do
    reachable=$(curl -sf "http://127.0.0.1:$port/api/v1/agents" | python3 -c "import sys, json; print(sum(a['state'] == 'reachable' for a in json.load(sys.stdin)['items']))")
    [ "$reachable" = "$nodes" ] && break
    sleep 0.2
done
echo "topology=$topology nodes=$nodes agents_reachable=$reachable"
.build/release/qonduit bench provision --server "http://127.0.0.1:$port" --paths "$paths" --concurrency "$concurrency" --rate "$rate"
