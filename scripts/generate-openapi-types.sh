#!/usr/bin/env bash
# Generates the CLI's API types (Sources/QonduitAPITypes/Generated) from the OpenAPI document with
# swift-openapi-generator, which is built apart (scripts/openapi-generator) so that no build of the
# controller pays for it. `--check` only compares: it fails when the committed code is not what the
# document generates (CI runs it).
set -euo pipefail
cd "$(dirname "$0")/.."
tool=scripts/openapi-generator
swift build --package-path "$tool" --product swift-openapi-generator >&2
generator="$(swift build --package-path "$tool" --show-bin-path)/swift-openapi-generator"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$generator" generate --config "$tool/openapi-generator-config.yaml" --output-directory "$out" \
    Sources/QonduitAPI/openapi.json >/dev/null 2>"$out.log" || { cat "$out.log" >&2; exit 1; }
if grep -q "warning" "$out.log"; then
    echo "the generator warns about the document (it then leaves parts out):" >&2; grep "warning" "$out.log" >&2; exit 1
fi
rm -f "$out.log"
target=Sources/QonduitAPITypes/Generated
if [ "${1:-}" = "--check" ]; then
    if ! diff -r "$out" "$target" >/dev/null; then
        echo "$target is not what Sources/QonduitAPI/openapi.json generates: run scripts/generate-openapi-types.sh" >&2
        diff -r "$out" "$target" | head -40 >&2
        exit 1
    fi
    echo "the generated API types match the OpenAPI document"
else
    rm -rf "$target" && mkdir -p "$target" && cp "$out"/*.swift "$target"/
    echo "generated $(ls "$target" | wc -l) files in $target"
fi
