#!/usr/bin/env bash
# Visits per second against /healthz in the same run, on loopback, each run bounded in time.
#   bash bench/visits.sh           (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18097}
DURATION=${DURATION:-10s}
cargo build --release -q -p api --bin commune-api
BIN=$PWD/target/release/commune-api
WORK=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
cd "$WORK"
DEMO_PASSWORD='mật khẩu đo hiệu năng' BIND_ADDR=127.0.0.1:$PORT RUST_LOG=warn "$BIN" serve --demo >server.log 2>&1 &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do sleep 0.05; done
BASE="http://127.0.0.1:$PORT"
cat >visit.lua <<'LUA'
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, '{"commune":"truong-xuan","path":"/trang/' .. (n % 50) .. '"}')
end
LUA
run() { wrk -t2 -c64 -d"$DURATION" --latency "$@" | awk '/requests in/ {n=$1} /Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$5} END {print rps, p99, (bad ? bad : 0), n}'; }
read -r HEALTH_RPS HEALTH_P99 _ _ < <(run "$BASE/healthz")
read -r VISIT_RPS VISIT_P99 BAD SENT < <(run -s visit.lua "$BASE/api/v1/visits")
sleep 1.5
echo "GET /healthz:       $HEALTH_RPS req/s, p99 $HEALTH_P99"
echo "POST /api/v1/visits: $VISIT_RPS req/s, p99 $VISIT_P99, non-2xx $BAD"
awk -v a="$VISIT_RPS" -v b="$HEALTH_RPS" 'BEGIN {printf "ratio visits/healthz: %.2f\n", a / b}'
echo "sent (answered by wrk's end): $SENT; counted: $(curl -s "$BASE/api/v1/communes/truong-xuan/visits")"
echo "RSS after the run: $(grep VmRSS /proc/$PID/status | awk '{print $2}') kB"
