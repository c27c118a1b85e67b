#!/usr/bin/env bash
# Load: the northbound API driven by wrk while AGENTS simulated agents (one process, one RESTCONF
# server each) send a heartbeat and their link reports every second, all at once for SECONDS.
# Prints API throughput, latency percentiles and errors by status, the controller's memory (peak
# and at the end), whether every agent stayed reachable, and any error the controller logged.
# Usage: scripts/load.sh [SECONDS] [AGENTS] [CONNECTIONS]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
agent_count=${2:-1000}
connections=${3:-32}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
swift build -c release --product qonduit >/dev/null

# A random geometric network of AGENTS trusted nodes (average degree about 6).
generated=$(mktemp -d)
.build/release/qonduit bench paths --generate "$agent_count" --pairs 1 --save-graphml "$generated/load.graphml" >/dev/null
topology="$generated/load.graphml"
port=18184
serve_options="--heartbeat-interval-ms 1000 --missed-heartbeats 5"
agent_options="--report-every 1"
agent_wait_s=120
source scripts/lib/controller-with-agents.sh
trap 'kill $server $agents ${sampler:-} 2>/dev/null; rm -rf "$work" "$generated"' EXIT

# Requests: pages of nodes, single links, the key-path list, path computations and key-path
# provisioning (1 bit/s each, through the agents), over nodes and links of the network.
api "/api/v1/topology" | python3 -c '
import json, random, sys
topology = json.load(sys.stdin)
random.seed(7)
nodes = [n["id"] for n in topology["nodes"]]
links = [l["id"] for l in topology["links"]]
pairs = [random.sample(nodes, 2) for _ in range(200)]
print("nodes = {" + ",".join(json.dumps(n) for n in random.sample(nodes, min(200, len(nodes)))) + "}")
print("links = {" + ",".join(json.dumps(l) for l in random.sample(links, min(200, len(links)))) + "}")
print("node_pairs = {" + ",".join("{%s,%s}" % (json.dumps(a), json.dumps(b)) for a, b in pairs) + "}")
' >"$work/data.lua"
cat "$work/data.lua" - >"$work/load.lua" <<LUA
local counter = 0
statuses = {}
local threads = {}
local token = "$QONDUIT_TOKEN"
setup = function(thread)
    table.insert(threads, thread)
end
request = function()
    counter = counter + 1
    local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
    local kind = counter % 10
    local pair = node_pairs[counter % #node_pairs + 1]
    if kind < 4 then
        return wrk.format("GET", "/api/v1/nodes?limit=100&offset=" .. (counter % 9) * 100, headers)
    elseif kind < 6 then
        return wrk.format("GET", "/api/v1/links/" .. links[counter % #links + 1], headers)
    elseif kind < 8 then
        return wrk.format("POST", "/api/v1/paths/compute", headers,
            '{"source":"' .. pair[1] .. '","destination":"' .. pair[2] .. '","k":3}')
    elseif kind < 9 then
        return wrk.format("GET", "/api/v1/key-paths?limit=20", headers)
    else
        return wrk.format("POST", "/api/v1/key-paths", headers,
            '{"source":"' .. pair[1] .. '","destination":"' .. pair[2] .. '","rate_bps":1}')
    end
end
response = function(status, headers, body)
    statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
end
done = function(summary, latency, requests)
    -- Each thread counts its own statuses; wrk's summary counts non-2xx/3xx answers and socket errors.
    io.write(string.format("api requests=%d seconds=%.1f requests_per_s=%.0f\n", summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6)))
    io.write(string.format("api latency_ms p50=%.2f p90=%.2f p99=%.2f p999=%.2f max=%.2f\n",
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))
    io.write(string.format("api errors non_2xx_3xx=%d connect=%d read=%d write=%d timeout=%d\n",
        summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
    local total = {}
    for _, thread in ipairs(threads) do
        for status, count in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + count end
    end
    local line = "api statuses"
    for status, count in pairs(total) do line = line .. " " .. status .. "=" .. count end
    io.write(line .. "\n")
end
LUA

# The controller's resident memory, sampled every second.
(while kill -0 $server 2>/dev/null; do ps -o rss= -p $server; sleep 1; done) >"$work/rss.log" &
sampler=$!
rss_start=$(ps -o rss= -p $server | tr -d ' ')
agents_rss_start=$(ps -o rss= -p $agents | tr -d ' ')
echo "load: ${seconds}s, $connections API connections, $nodes agents reporting every second"
wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s -s "$work/load.lua" "$server_url" >"$work/wrk.log" 2>&1 || true
grep -E "^api " "$work/wrk.log" || { cat "$work/wrk.log"; exit 1; }
grep -E "Non-2xx|Socket errors" "$work/wrk.log" || true

# Every agent still reachable and heard from in the last 3 s; what was provisioned; memory; errors.
api "/api/v1/agents" | python3 -c '
import json, sys, datetime
items = json.load(sys.stdin)["items"]
now = datetime.datetime.now(datetime.timezone.utc)
def age(a):
    return (now - datetime.datetime.fromisoformat(a["last_heartbeat_at"].replace("Z", "+00:00"))).total_seconds()
fresh = sum(1 for a in items if age(a) < 3)
print("agents reachable=%d of %d heard_from_in_last_3s=%d" % (sum(a["state"] == "reachable" for a in items), len(items), fresh))
'
unreachable=$(api "/api/v1/events?after=0&kind=node.status" --max-time 2 2>/dev/null | grep -c '"to":"unreachable"' || true)
echo "agents went_unreachable_during_run=$unreachable"
api "/api/v1/key-paths?limit=1&state=active" | python3 -c 'import json, sys; print("key_paths active=%d" % json.load(sys.stdin)["total"])'
sort -n "$work/rss.log" | tail -1 | awk -v start="$rss_start" '{ printf "controller rss_mib start=%.0f peak=%.0f", start / 1024, $1 / 1024 }'
ps -o rss= -p $server | awk '{ printf " end=%.0f\n", $1 / 1024 }'
ps -o rss= -p $agents | awk -v start="$agents_rss_start" '{ printf "agents_process rss_mib start=%.0f end=%.0f\n", start / 1024, $1 / 1024 }'
errors=$(grep -ciE " (error|critical) " "$work/serve.log" || true)
echo "controller log errors=$errors"
[ "$errors" = 0 ] || grep -iE " (error|critical) " "$work/serve.log" | head -5

# Shutdown with every agent gone at once: SIGTERM must stop the controller promptly.
kill $agents 2>/dev/null || true
started=$(date +%s.%N)
kill -TERM $server
for _ in $(seq 600); do kill -0 $server 2>/dev/null || break; sleep 0.1; done
if kill -0 $server 2>/dev/null; then echo "controller still running 60 s after SIGTERM"; exit 1; fi
python3 -c "import sys; print('controller stopped_in_s=%.1f after SIGTERM' % (float(sys.argv[2]) - float(sys.argv[1])))" "$started" "$(date +%s.%N)"
