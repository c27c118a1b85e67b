#!/usr/bin/env bash
# Notification ingest rate of a real `qonduit serve` (SQLite file, WAL) measured with wrk from
# outside the process: link performance notifications with changing values, from one agent,
# BATCH notifications per request (1: plain RFC 5277 documents; more: a qonduit-qkd-agent batch,
# as the simulated agents send one request per heartbeat).
# Usage: scripts/bench-ingest.sh [SECONDS] [CONNECTIONS] [BATCH]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-64}
batch=${3:-1}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
port=18181
source scripts/lib/controller.sh
serve_controller Topologies/metro-madrid.xml --heartbeat-interval-ms 600000
field() { python3 -c "import sys, json; print(json.load(sys.stdin)['$1'])"; }
api() { curl -sf -H "Authorization: Bearer $token" -H "Content-Type: application/json" "$@"; }
node=$(api "http://127.0.0.1:$port/api/v1/nodes/mad-norte" | field qkdn_id)
link=$(api "http://127.0.0.1:$port/api/v1/links/mad-L1" | field qkdl_id)
# The agent's credential, as an operator would issue it (qonduit agents credential mad-norte).
credential=$(api -X POST "http://127.0.0.1:$port/api/v1/agents/credentials" --data '{"node":"mad-norte"}' | field credential)
curl -sf -o /dev/null -X POST -H "Authorization: Bearer $credential" "http://127.0.0.1:$port/southbound/v1/agents?restconf_url=http://127.0.0.1:1/restconf" \
    --data-binary "<qkd_node xmlns=\"urn:etsi:qkd:yang:etsi-qkd-node\"><qkdn_id>$node</qkdn_id></qkd_node>"
cat >"$work/notify.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/yang-data+xml"
wrk.headers["Authorization"] = "Bearer $credential"
local n = 0
local function one()
  n = n + 1
  return '<notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"><eventTime>2026-11-25T12:00:00Z</eventTime>'
    .. '<sdqkdn_link_perf_update xmlns="urn:etsi:qkd:yang:etsi-qkd-node" xmlns:t="urn:etsi:qkd:yang:etsi-qkd-node-types"><qkd_link>'
    .. '<qkdl_id>$link</qkdl_id><performance><skr>' .. (10000 + n % 5000) .. '</skr><phys_perf><perf_type>t:QBER</perf_type>'
    .. '<value>0.0' .. (10 + n % 80) .. '</value></phys_perf></performance></qkd_link></sdqkdn_link_perf_update></notification>'
end
request = function()
  if $batch == 1 then return wrk.format(nil, nil, nil, one()) end
  local parts = {}
  for i = 1, $batch do parts[i] = one() end
  return wrk.format(nil, nil, nil, '<notifications xmlns="urn:qonduit:params:xml:ns:yang:qonduit-qkd-agent">' .. table.concat(parts) .. '</notifications>')
end
LUA
wrk -t1 -c"$connections" -d"${seconds}s" --latency -s "$work/notify.lua" "http://127.0.0.1:$port/southbound/v1/notifications?qkdn_id=$node" | tee "$work/wrk.txt"
requests=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
echo "ingest notifications_per_s=$(python3 -c "print(round($requests * $batch))") requests_per_s=$requests batch=$batch"
