# Sourced by benchmark scripts: builds the release binary, starts `qonduit serve` (SQLite file in a
# temporary directory) on $port with $topology and extra serve options in $serve_options, then one
# simulated agent per node (`qonduit agents simulate`, extra options in $agent_options), and waits
# (up to $agent_wait_s seconds, 20 by default) until every agent is reachable.
# Sets $server_url and $nodes, and exports QONDUIT_TOKEN (the admin token the controller wrote beside
# its database), which the agents and the benchmark commands use; stops both and removes the directory on exit.
agents=""
source scripts/lib/controller.sh
# shellcheck disable=SC2086
serve_controller "$topology" ${serve_options:-}
QONDUIT_TOKEN=$token
export QONDUIT_TOKEN
api() { local path=$1; shift; curl -sf -H "Authorization: Bearer $QONDUIT_TOKEN" "$@" "$server_url$path"; }
# shellcheck disable=SC2086
.build/release/qonduit agents simulate --controller "$server_url" --log-level error ${agent_options:-} >"$work/agents.log" 2>&1 &
agents=$!
nodes=$(api "/api/v1/nodes?limit=10000" | python3 -c "import sys, json; print(json.load(sys.stdin)['total'])")
for _ in $(seq $(( ${agent_wait_s:-20} * 5 ))); do
    reachable=$(api "/api/v1/agents?limit=10000" | python3 -c "import sys, json; print(sum(a['state'] == 'reachable' for a in json.load(sys.stdin)['items']))")
    [ "$reachable" = "$nodes" ] && break
    sleep 0.2
done
echo "topology=$topology nodes=$nodes agents_reachable=$reachable"
