#!/usr/bin/env bash
# Public reads against the ceiling of this stack, on loopback, each run bounded in time.
#   bash bench/reads.sh            (needs wrk: apt-get install wrk)
# Serves the demo (SQLite, release build), then with 64 connections: GET /healthz, and the seed
# resolution's public target list (29 targets with measures). Prints requests/s, p99 and the
# ratio. Also times importing the seed page through the API (HTTP, parse, 29 targets written).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18095}
DURATION=${DURATION:-10s}
PASSWORD='mật khẩu đo hiệu năng'

cargo build --release -q -p api --bin commune-api
BIN=$PWD/target/release/commune-api
WORK=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
cd "$WORK"
DEMO_PASSWORD=$PASSWORD BIND_ADDR=127.0.0.1:$PORT RUST_LOG=warn "$BIN" serve --demo >server.log 2>&1 &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do sleep 0.05; done
BASE="http://127.0.0.1:$PORT"
ID=$(curl -s "$BASE/api/v1/resolutions?commune=truong-xuan" | sed 's/.*"items":\[{"id":\([0-9]*\).*/\1/')
TARGETS="$BASE/api/v1/resolutions/$ID/targets?per_page=100"
echo "target list: $(curl -s "$TARGETS" | wc -c) bytes, $(curl -s "$TARGETS" | grep -o '"number"' | wc -l) targets"

run() { wrk -t2 -c64 -d"$DURATION" --latency "$1" | awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} END {print rps, p99}'; }
read -r HEALTH_RPS HEALTH_P99 < <(run "$BASE/healthz")
read -r TARGETS_RPS TARGETS_P99 < <(run "$TARGETS")
echo "GET /healthz:               $HEALTH_RPS req/s, p99 $HEALTH_P99"
echo "GET .../targets?per_page=100: $TARGETS_RPS req/s, p99 $TARGETS_P99"
awk -v a="$TARGETS_RPS" -v b="$HEALTH_RPS" 'BEGIN {printf "ratio targets/healthz: %.2f\n", a / b}'

TOKEN=$(curl -s "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"username\":\"editor\",\"password\":\"$PASSWORD\"}" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
SEED="$OLDPWD/fixtures/truong-xuan-2023.txt"
for _ in $(seq 30); do
  curl -s -o /dev/null -w '%{time_total}\n' -X POST "$BASE/api/v1/resolutions/import?commune=truong-xuan" \
    -H "authorization: Bearer $TOKEN" -H 'content-type: text/plain; charset=utf-8' --data-binary "@$SEED"
done | sort -n | awk '{a[NR]=$1} END {printf "import of the seed page over HTTP (30 runs): median %.1f ms, max %.1f ms\n", a[int((NR+1)/2)]*1000, a[NR]*1000}'
