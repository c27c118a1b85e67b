#!/usr/bin/env bash
# Standard devices at scale: DEVICES simulated standard GS QKD 015 devices (one process, one RESTCONF
# server each), onboarded by address and polled every POLL_MS, for SECONDS. Prints the controller's
# CPU (per cent of one core, over the run) and memory (start, peak, end), and whether every device
# stayed reachable: none went unreachable, none has a poll error, each polled in the last 3 intervals.
# Usage: scripts/bench-devices.sh [SECONDS] [DEVICES] [POLL_MS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
device_count=${2:-1000}
poll_ms=${3:-5000}
swift build -c release --product qonduit >/dev/null

generated=$(mktemp -d)
.build/release/qonduit bench paths --generate "$device_count" --pairs 1 --save-graphml "$generated/devices.graphml" >/dev/null
topology="$generated/devices.graphml"
port=18186
serve_options="--missed-heartbeats 3"
agent_options="--standard --onboard --poll-interval-ms $poll_ms"
agent_wait_s=300
source scripts/lib/controller-with-agents.sh
trap 'kill $server $agents ${sampler:-} 2>/dev/null; rm -rf "$work" "$generated"' EXIT

# CPU ticks (user + system) of the controller, and its resident memory, sampled every second.
ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
hz=$(getconf CLK_TCK)
(while kill -0 $server 2>/dev/null; do ps -o rss= -p $server; sleep 1; done) >"$work/rss.log" &
sampler=$!
rss_start=$(ps -o rss= -p $server | tr -d ' ')
ticks_start=$(ticks)
started=$(date +%s.%N)
echo "devices: $nodes onboarded, polled every ${poll_ms} ms, for ${seconds}s"
sleep "$seconds"
ticks_end=$(ticks)
ended=$(date +%s.%N)
python3 -c "import sys; t0, t1, s0, s1, hz = map(float, sys.argv[1:]); print('controller cpu_percent_of_one_core=%.1f' % ((t1 - t0) / hz / (s1 - s0) * 100))" \
    "$ticks_start" "$ticks_end" "$started" "$ended" "$hz"
sort -n "$work/rss.log" | tail -1 | awk -v start="$rss_start" '{ printf "controller rss_mib start=%.0f peak=%.0f", start / 1024, $1 / 1024 }'
ps -o rss= -p $server | awk '{ printf " end=%.0f\n", $1 / 1024 }'
api "/api/v1/agents?limit=10000" | python3 -c '
import json, sys, datetime
poll_s = float(sys.argv[1]) / 1000
items = json.load(sys.stdin)["items"]
now = datetime.datetime.now(datetime.timezone.utc)
def age(a):
    return (now - datetime.datetime.fromisoformat(a["polled_at"].replace("Z", "+00:00"))).total_seconds() if a["polled_at"] else 1e9
print("devices onboarded=%d reachable=%d polled_in_last_3_intervals=%d poll_errors=%d streams_open=%d" % (
    len(items), sum(a["state"] == "reachable" for a in items), sum(age(a) < 3 * poll_s for a in items),
    sum(a["poll_error"] is not None for a in items), sum(a["stream_state"] == "open" for a in items)))
' "$poll_ms"
unreachable=$(api "/api/v1/events?after=0&kind=node.status" --max-time 2 2>/dev/null | grep -c '"to":"unreachable"' || true)
echo "devices went_unreachable_during_run=$unreachable"
errors=$(grep -ciE " (error|critical) " "$work/serve.log" || true)
echo "controller log errors=$errors"
[ "$errors" = 0 ] || grep -iE " (error|critical) " "$work/serve.log" | head -5
