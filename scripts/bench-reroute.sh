#!/usr/bin/env bash
# Re-routing at scale: a real `qonduit serve` whose nodes all have simulated agents carries PATHS key
# paths over one link; the link's agent reports it down, and the time until every path is active
# again on other routes is printed (qonduit bench reroute).
# Usage: scripts/bench-reroute.sh [TOPOLOGY] [PATHS] [LINK] [VIA: agent|api]
set -euo pipefail
cd "$(dirname "$0")/.."
topology=${1:-Topologies/benelux-multicity.xml}
paths=${2:-10000}
link=${3:-}
via=${4:-agent}
port=18183
# Agents report every second; the reconciler stays out of the way of the measurement.
serve_options="--reconcile-interval-ms 60000"
source scripts/lib/controller-with-agents.sh
.build/release/qonduit bench reroute --server "$server_url" --paths "$paths" --via "$via" ${link:+--link "$link"}
