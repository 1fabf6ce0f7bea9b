#!/usr/bin/env bash
# Generates both clients from the served document with tools nobody here wrote, and fails on
# any warning, type error or lint problem: Redocly's recommended rules, openapi-typescript +
# `tsc --noEmit` over usage.ts, openapi-python-client (--fail-on-warning).
# Usage: clients/check.sh <openapi.json> <out dir> <python>
set -euo pipefail
doc=$1 out=$2 py=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
here=$(cd "$(dirname "$0")" && pwd)
bin=$here/node_modules/.bin
mkdir -p "$out"
fail_on_warning() {  # run "$@", show its output, fail if it failed or printed a warning
  local log; log=$("$@" 2>&1) || { echo "$log"; return 1; }
  echo "$log" | grep -v '^$' | tail -3
  if grep -qiE 'warn' <<<"$log"; then echo "$log"; echo "FAILED: warnings from $1"; return 1; fi
}
# Redocly's own count of problems (its text output also carries a Node deprecation banner)
"$bin/redocly" lint --config "$here/redocly.yaml" --format=json "$doc" 2>/dev/null >"$out/redocly.json" || true
node -e '
  const t = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).totals;
  console.log(`redocly lint: ${t.errors} errors, ${t.warnings} warnings`);
  if (t.errors || t.warnings) { console.log(JSON.stringify(t)); process.exit(1); }
' "$out/redocly.json"
fail_on_warning "$bin/openapi-typescript" "$doc" -o "$out/api.d.ts"
"$bin/tsc" -p "$here" && echo "tsc --noEmit: no type error"
PATH="$(dirname "$py"):$PATH" fail_on_warning "$py" -m openapi_python_client generate \
  --path "$doc" --output-path "$out/leadharvest_client" --meta none --overwrite --fail-on-warning
