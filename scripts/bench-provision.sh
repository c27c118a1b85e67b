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
port=18182
serve_options="--reconcile-interval-ms 5000"
source scripts/lib/controller-with-agents.sh
.build/release/qonduit bench provision --server "$server_url" --paths "$paths" --concurrency "$concurrency" --rate "$rate"
