#!/usr/bin/env bash
# Measures the cost of signing in and of an authenticated request, on loopback, each run bounded.
#   bash bench/auth.sh            (needs wrk: apt-get install wrk)
# Prints: login latency (sequential), logins/s under 64 connections with the peak RSS, and
# GET /api/v1/auth/me against GET /healthz with 64 connections.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18090}
DURATION=${DURATION:-5s}
PASSWORD='mật khẩu đo hiệu năng'

cargo build --release -q -p api --bin commune-api
BIN=$PWD/target/release/commune-api
WORK=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

cd "$WORK"
DEMO_PASSWORD=$PASSWORD LOGIN_RATE_LIMIT=100000 BIND_ADDR=127.0.0.1:$PORT RUST_LOG=warn "$BIN" serve --demo >server.log 2>&1 &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do sleep 0.05; done
BODY="{\"username\":\"editor\",\"password\":\"$PASSWORD\"}"

echo "== login latency, 20 sequential logins (s)"
for _ in $(seq 20); do
  curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' -d "$BODY"
done | sort -n | awk '{a[NR]=$1} END {printf "min %s  median %s  max %s\n", a[1], a[int((NR+1)/2)], a[NR]}'

cat >login.lua <<LUA
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.body = '$BODY'
LUA
echo "== logins under 64 connections for $DURATION"
( while kill -0 "$PID" 2>/dev/null; do grep VmRSS "/proc/$PID/status" | awk '{print $2}'; sleep 0.2; done >rss.log ) &
SAMPLER=$!
wrk -t2 -c64 -d"$DURATION" --latency -s login.lua "http://127.0.0.1:$PORT/api/v1/auth/login" | grep -E "Requests/sec|99%|Non-2xx"
kill "$SAMPLER" 2>/dev/null || true
echo "peak RSS during the login flood: $(sort -n rss.log | tail -1) kB"

TOKEN=$(curl -s "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' -d "$BODY" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
echo "== GET /healthz, 64 connections, $DURATION"
wrk -t2 -c64 -d"$DURATION" --latency "http://127.0.0.1:$PORT/healthz" | grep -E "Requests/sec|99%"
echo "== GET /api/v1/auth/me with a token, 64 connections, $DURATION"
wrk -t2 -c64 -d"$DURATION" --latency -H "authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/auth/me" | grep -E "Requests/sec|99%|Non-2xx"
