#!/usr/bin/env bash
# Runs schemathesis (PyPI) with spec/storefront.yaml against the reference server, over the
# operations the reference server implements (tags Auth, Catalog, Store, Helpers), bounded in
# examples and time. Fails on any 5xx, an undocumented status, or a response whose body,
# content type or headers the spec does not allow.
#
# Usage: .ci/schemathesis.sh [DATABASE_URL]   (default: sqlite::memory:)
set -euo pipefail
cd "$(dirname "$0")/.."

database_url="${1:-sqlite::memory:}"
port="${SCHEMATHESIS_PORT:-18181}"
root="http://127.0.0.1:${port}"
base="${root}/api/v1/demo/storefront"
log="$(mktemp)"

cargo build --quiet -p reference-server
./target/debug/reference-server --database-url "$database_url" --addr "127.0.0.1:${port}" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -f "$log"' EXIT

for _ in $(seq 1 100); do
  curl -fsS "${root}/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "${root}/healthz" >/dev/null
key="$(sed -n 's/^api key: //p' "$log")"
token="$(curl -fsS -X POST -H "x-api-key: ${key}" "${base}/auth/anonymous" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["content"]["access_token"])')"

schemathesis run spec/storefront.yaml \
  --url "$base" \
  -H "X-Api-Key: ${key}" \
  -H "Authorization: Bearer ${token}" \
  --include-tag Auth --include-tag Catalog --include-tag Store --include-tag Helpers \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
  --max-examples "${SCHEMATHESIS_EXAMPLES:-25}" \
  --max-time "${SCHEMATHESIS_SECONDS:-240}" \
  --generation-deterministic \
  --no-color
