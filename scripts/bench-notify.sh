#!/usr/bin/env bash
# Notification latency: FAULTS link faults raised at simulated standard devices (onboarded, their
# notification streams followed, polled only every minute), each timed from the POST that raises it at
# the device to the link.status event on GET /api/v1/events. Prints p50, p90, p99 and max in ms.
# Usage: scripts/bench-notify.sh [FAULTS] [DEVICES]
set -euo pipefail
cd "$(dirname "$0")/.."
faults=${1:-1000}
device_count=${2:-50}
swift build -c release --product qonduit >/dev/null
generated=$(mktemp -d)
.build/release/qonduit bench paths --generate "$device_count" --pairs 1 --save-graphml "$generated/devices.graphml" >/dev/null
topology="$generated/devices.graphml"
port=18187
serve_options=""
agent_options="--standard --onboard --poll-interval-ms 60000"
agent_wait_s=60
source scripts/lib/controller-with-agents.sh
trap 'kill $server $agents 2>/dev/null; rm -rf "$work" "$generated"' EXIT
for _ in $(seq 100); do
    open=$(api "/api/v1/agents?limit=10000" | python3 -c "import sys, json; print(sum(a['stream_state'] == 'open' for a in json.load(sys.stdin)['items']))")
    [ "$open" = "$nodes" ] && break
    sleep 0.2
done
echo "streams_open=$open of $nodes"
python3 scripts/bench-notify.py "$server_url" "$work/agents.log" "$faults"
