#!/usr/bin/env bash
# Start-up time to ready, idle RSS, and RSS under load (reads, submissions and visits together).
#   bash bench/footprint.sh      (needs wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18093}
cargo build --release -q -p api --bin commune-api
BIN=$PWD/target/release/commune-api
WORK=$(mktemp -d)
PID=""
trap '[[ -n "$PID" ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
hwm() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }
start() {
  local began
  began=$(date +%s%N)
  DATABASE_URL=sqlite://$WORK/commune.db DEMO_PASSWORD='mật khẩu đo hiệu năng' FEEDBACK_RATE_LIMIT=100000000 \
    JWT_SECRET=0123456789abcdef0123456789abcdef BIND_ADDR=127.0.0.1:$PORT RUST_LOG=warn "$BIN" serve "$@" >>"$WORK/server.log" 2>&1 &
  PID=$!
  until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do sleep 0.005; done
  ELAPSED_MS=$(( ($(date +%s%N) - began) / 1000000 ))
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""; }
start --demo
echo "start to ready, new database with the demo (migrations, seed import, 3 password hashes): $ELAPSED_MS ms"
stop
start
echo "start to ready, existing database: $ELAPSED_MS ms"
sleep 2
echo "idle RSS: $(rss "$PID") kB"
BASE="http://127.0.0.1:$PORT"
ID=$(curl -s "$BASE/api/v1/resolutions?commune=truong-xuan" | sed 's/.*"items":\[{"id":\([0-9]*\).*/\1/')
cat >"$WORK/submit.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.body = '{"commune":"truong-xuan","kind":"phan_anh","subject":"Phản ánh","content":"Hồ sơ quá hạn.","submitter":{"name":"Nguyễn Văn An","address":"Thôn 3","phone":"0912345678"}}'
LUA
cat >"$WORK/visit.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.body = '{"commune":"truong-xuan","path":"/nghi-quyet/1"}'
LUA
wrk -t1 -c32 -d10s "$BASE/api/v1/resolutions/$ID/targets?per_page=100" >/dev/null &
wrk -t1 -c16 -d10s -s "$WORK/submit.lua" "$BASE/api/v1/feedback" >/dev/null &
wrk -t1 -c16 -d10s -s "$WORK/visit.lua" "$BASE/api/v1/visits" >/dev/null &
sleep 9
echo "RSS under load (reads, submissions, visits at once): $(rss "$PID") kB"
wait %1 %2 %3 2>/dev/null || true
echo "peak RSS (VmHWM): $(hwm "$PID") kB"
