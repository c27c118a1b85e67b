#!/usr/bin/env bash
# Provisioning while many key paths are degraded: DEGRADED paths are provisioned to the best-connected
# node, whose links are then all set down (every one of those paths becomes degraded, with no route
# left), and then PATHS more are provisioned over the API, CONCURRENCY at a time (qonduit bench
# provision; requests to the cut-off node are refused). Repair looks at every change: this shows what
# degraded paths cost provisioning.
# Usage: scripts/bench-provision-degraded.sh [DEGRADED] [PATHS] [CONCURRENCY] [TOPOLOGY]
set -euo pipefail
cd "$(dirname "$0")/.."
degraded=${1:-3000}
paths=${2:-4000}
concurrency=${3:-32}
topology=${4:-Topologies/benelux-multicity.xml}
# Checked before anything starts: setting up the degraded paths takes a while.
for argument in "DEGRADED=$degraded" "PATHS=$paths" "CONCURRENCY=$concurrency"; do
    [[ "${argument#*=}" =~ ^[1-9][0-9]*$ ]] || { echo "${argument%%=*} must be a whole number, 1 or more; got '${argument#*=}'" >&2; exit 2; }
done
[ -f "$topology" ] || { echo "TOPOLOGY: no file at '$topology'" >&2; exit 2; }
port=18184
serve_options="--reconcile-interval-ms 5000"
source scripts/lib/controller-with-agents.sh
python3 - "$server_url" "$QONDUIT_TOKEN" "$degraded" <<'PY'
import concurrent.futures, json, random, sys, urllib.request
url, token, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
def call(method, path, body=None):
    request = urllib.request.Request(url + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")
nodes = [node["id"] for node in call("GET", "/api/v1/nodes?limit=10000")["items"]]
links = call("GET", "/api/v1/links?limit=10000")["items"]
degree = {}
for link in links:
    for end in (link["node_a"], link["node_b"]):
        degree[end] = degree.get(end, 0) + 1
hub = max(nodes, key=lambda node: degree.get(node, 0))
others = [node for node in nodes if node != hub]
random.seed(1)
sources = [random.choice(others) for _ in range(count)]
with concurrent.futures.ThreadPoolExecutor(16) as pool:
    states = list(pool.map(lambda source: call("POST", "/api/v1/key-paths", {"source": source, "destination": hub, "rate_bps": 0.01})["state"], sources))
for link in links:
    if hub in (link["node_a"], link["node_b"]):
        call("PATCH", "/api/v1/links/" + link["id"], {"status": "down"})
print(f"degraded={call('GET', '/api/v1/key-paths?state=degraded&limit=1')['total']} of {states.count('active')} provisioned to {hub}")
PY
.build/release/qonduit bench provision --server "$server_url" --paths "$paths" --concurrency "$concurrency" --rate 10
