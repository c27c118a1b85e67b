#!/usr/bin/env bash
# The codec's full decode (parse, check, typed values) against lxml parsing the same qkd_node
# document, in alternating one-second runs pinned to one CPU, so that the machine's drift hits both
# alike; prints each side's median and best in documents per CPU second, and their ratios.
# Usage: scripts/bench-codec.sh [LINKS] [ROUNDS] [CPU]   (LINKS 1: the 2.9 KB document; needs pip install lxml)
set -euo pipefail
cd "$(dirname "$0")/.."
links=${1:-1}
rounds=${2:-9}
cpu=${3:-1}
python3 -c "import lxml" 2>/dev/null || { echo "lxml is not installed: pip install lxml" >&2; exit 1; }
swift build -c release --product qonduit >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.build/release/qonduit bench codec --links "$links" --save-node "$work/node.xml" --only node_encode --count 1 >/dev/null
rate() { sed -n 's/.*docs_per_s=//p' | tail -1; }
for _ in $(seq "$rounds"); do
    taskset -c "$cpu" .build/release/qonduit bench codec --links "$links" --only node_decode --seconds 1 | rate >>"$work/decode"
    taskset -c "$cpu" python3 scripts/bench-lxml.py "$work/node.xml" --seconds 1 | rate >>"$work/lxml"
done
python3 - "$work/decode" "$work/lxml" "$(wc -c <"$work/node.xml")" <<'PY'
import statistics, sys
decode, lxml = ([int(line) for line in open(path)] for path in sys.argv[1:3])
print(f"document_bytes={sys.argv[3]} rounds={len(decode)}")
print(f"node_decode median={int(statistics.median(decode))} best={max(decode)}")
print(f"lxml_parse  median={int(statistics.median(lxml))} best={max(lxml)}")
print(f"ratio median={statistics.median(decode) / statistics.median(lxml):.2f} best={max(decode) / max(lxml):.2f}")
PY
