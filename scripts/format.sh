#!/usr/bin/env bash
# Formats the Swift code with `swift format` (it ships with the toolchain) and the configuration in
# .swift-format; `--check` changes nothing and fails on any difference or rule broken (CI runs it).
# Generated code (Sources/*/Generated) is left as the generator writes it.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.swift' | grep -v '/Generated/')
if [ "${1:-}" = "--check" ]; then
    swift format lint --strict --configuration .swift-format "${files[@]}"
    echo "swift format: ${#files[@]} files as configured"
else
    swift format format --in-place --configuration .swift-format "${files[@]}"
fi
