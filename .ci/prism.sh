#!/usr/bin/env bash
# Starts Prism (npm @stoplight/prism-cli 5.14.2) as a mock server of spec/storefront.yaml in
# dynamic mode (random answers drawn from the spec; invalid requests refused), in the
# background, and prints its URL once it listens. The generated client's conformance test
# (generated/storefront-client/tests/conformance.rs) calls every operation against it.
#
# Usage: url="$(.ci/prism.sh PIDFILE)"   (the caller kills the PID in PIDFILE when done)
set -euo pipefail
cd "$(dirname "$0")/.."

pidfile="$1"
port="${PRISM_PORT:-4010}"
dir="${PRISM_DIR:-${TMPDIR:-/tmp}/prism-5.14.2}"
if [ ! -x "$dir/node_modules/.bin/prism" ]; then
  npm install --silent --no-audit --no-fund --prefix "$dir" @stoplight/prism-cli@5.14.2 >&2
fi
"$dir/node_modules/.bin/prism" mock -d -h 127.0.0.1 -p "$port" spec/storefront.yaml >"$dir/mock.log" 2>&1 &
echo $! >"$pidfile"
for _ in $(seq 1 120); do
  # any HTTP answer (Prism answers 404 at the root) means it listens
  if curl -s -o /dev/null "http://127.0.0.1:${port}/"; then
    echo "http://127.0.0.1:${port}"
    exit 0
  fi
  sleep 0.5
done
echo "prism did not start; its log:" >&2
cat "$dir/mock.log" >&2
exit 1
