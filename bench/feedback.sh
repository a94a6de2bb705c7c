#!/usr/bin/env bash
# Durable feedback submissions per second, then a check that every 201 is stored.
#   bash bench/feedback.sh                                   (SQLite, synchronous=FULL)
#   BENCH_DATABASE_URL=postgres://... bash bench/feedback.sh (PostgreSQL; use an empty database)
# Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18098}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
cargo build --release -q -p api --bin commune-api
BIN=$PWD/target/release/commune-api
WORK=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
cd "$WORK"
PASSWORD='mật khẩu đo hiệu năng'
DATABASE_URL=${BENCH_DATABASE_URL:-sqlite://$WORK/bench.db} DEMO_PASSWORD=$PASSWORD \
  FEEDBACK_RATE_LIMIT=100000000 BIND_ADDR=127.0.0.1:$PORT RUST_LOG=warn \
  "$BIN" serve --demo >server.log 2>&1 &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do sleep 0.05; done
BASE="http://127.0.0.1:$PORT"
officer_total() {
  local token
  token=$(curl -s "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"officer\",\"password\":\"$PASSWORD\"}" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
  curl -s "$BASE/api/v1/feedback?per_page=1" -H "authorization: Bearer $token" | sed 's/.*"total":\([0-9]*\).*/\1/'
}
BEFORE=$(officer_total)
cat >submit.lua <<'LUA'
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
local n = 0
local id = tostring(math.random(1, 1e9))
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil,
    '{"commune":"truong-xuan","kind":"phan_anh","subject":"Phản ánh số ' .. id .. '-' .. n ..
    '","content":"Hồ sơ chứng thực nộp ngày 06/3/2023, hẹn trả 08/3/2023,\\nđến nay chưa có kết quả.",' ..
    '"submitter":{"name":"Nguyễn Văn An","address":"Thôn 3, xã Trường Xuân","phone":"0912345678"},' ..
    '"allow_publication":false}')
end
LUA
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s submit.lua "$BASE/api/v1/feedback" >wrk.out
awk '/requests in/ {n=$1} /Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$5}
     END {printf "POST /api/v1/feedback: %s req/s, p50 %s, p99 %s, non-2xx %d, answered %d\n", rps, p50, p99, bad, n}' wrk.out
sleep 1
AFTER=$(officer_total)
echo "items stored during the run: $((AFTER - BEFORE)) (every 201 wrk saw must be among them; requests cut off by wrk's end may add a few)"
echo "RSS after the run: $(grep VmRSS /proc/$PID/status | awk '{print $2}') kB"
if [[ ${BENCH_DATABASE_URL:-} != postgres* ]]; then
  echo "database files: $(du -sh "$WORK"/bench.db* | tr '\n' ' ')"
fi
