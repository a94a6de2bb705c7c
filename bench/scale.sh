#!/usr/bin/env bash
# Latency of the main reads on a province-sized platform on PostgreSQL: 3,300 communes, 33,000
# resolutions with 330,000 targets, 1,000,000 feedback items (bench/scale.sql fills them).
#   BENCH_DATABASE_URL=postgres://user@host:port/empty_db bash bench/scale.sh
# Needs wrk and psql. Each endpoint gets CONNECTIONS (16) connections for DURATION (10 s) with random
# parameters, so the public response cache misses nearly always; then EXPLAIN shows the plans.
set -euo pipefail
cd "$(dirname "$0")/.."
URL=${BENCH_DATABASE_URL:?set BENCH_DATABASE_URL to an empty PostgreSQL database}
PORT=${PORT:-18094}
DURATION=${DURATION:-10s}
cargo build --release -q -p api --bin commune-api
BIN=$PWD/target/release/commune-api
WORK=$(mktemp -d)
PID=""
trap '[[ -n "$PID" ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
DATABASE_URL=$URL RUST_LOG=warn "$BIN" migrate >/dev/null
if [[ $(psql "$URL" -tAc "SELECT count(*) FROM communes") == 0 ]]; then
  echo "filling the database (bench/scale.sql)..."
  START=$(date +%s)
  psql "$URL" -q -f bench/scale.sql
  echo "filled in $(( $(date +%s) - START )) s"
fi
psql "$URL" -tAc "SELECT 'communes ' || (SELECT count(*) FROM communes) || ', resolutions ' || (SELECT count(*) FROM resolutions) || ', targets ' || (SELECT count(*) FROM targets) || ', feedback ' || (SELECT count(*) FROM feedback)"
PASSWORD='mật khẩu đo quy mô'
printf '%s\n' "$PASSWORD" | DATABASE_URL=$URL RUST_LOG=warn "$BIN" user add canbo-xa-0001 \
  --role officer --commune xa-0001 --password-stdin >/dev/null 2>&1 || true
DATABASE_URL=$URL JWT_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
  BIND_ADDR=127.0.0.1:$PORT RUST_LOG=warn "$BIN" serve >"$WORK/server.log" 2>&1 &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do sleep 0.05; done
BASE="http://127.0.0.1:$PORT"
TOKEN=$(curl -s "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"username\":\"canbo-xa-0001\",\"password\":\"$PASSWORD\"}" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
MAX_RESOLUTION=$(psql "$URL" -tAc "SELECT max(id) FROM resolutions")

cat >"$WORK/list.lua" <<'LUA'
request = function()
  return wrk.format("GET", string.format("/api/v1/resolutions?commune=xa-%04d&page=%d&per_page=5", math.random(1, 3300), math.random(1, 2)))
end
LUA
cat >"$WORK/search.lua" <<'LUA'
local words = {"nong%20thon%20moi", "chuyen%20doi%20so", "giao%20thong", "y%20te", "giao%20duc", "nam%202019", "xa%20so%2012"}
request = function()
  return wrk.format("GET", string.format("/api/v1/resolutions?q=%s&page=%d", words[math.random(#words)], math.random(1, 50)))
end
LUA
cat >"$WORK/scorecard.lua" <<LUA
request = function()
  return wrk.format("GET", string.format("/api/v1/resolutions/%d/scorecard?period=2023", math.random(1, $MAX_RESOLUTION)))
end
LUA
cat >"$WORK/officials.lua" <<LUA
wrk.headers["authorization"] = "Bearer $TOKEN"
local queries = {"", "&status=received", "&overdue=true", "&q=qua%20han", "&page=7"}
request = function()
  return wrk.format("GET", "/api/v1/feedback?per_page=20" .. queries[math.random(#queries)])
end
LUA
run() {
  wrk -t2 -c"${CONNECTIONS:-16}" -d"$DURATION" --latency -s "$WORK/$1.lua" "$BASE" |
    awk -v name="$1" '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$5}
      END {printf "%-10s %9s req/s  p50 %-8s p99 %-8s non-2xx %d\n", name, rps, p50, p99, bad}'
}
for endpoint in list search scorecard officials; do run "$endpoint"; done

echo
echo "query plans (EXPLAIN ANALYZE):"
explain() { echo "-- $1"; psql "$URL" -tAc "EXPLAIN (ANALYZE, COSTS OFF) $2" | sed 's/^/   /'; }
explain "resolutions of a commune" \
  "SELECT id FROM resolutions WHERE status <> 'draft' AND commune_id = 1650 ORDER BY adopted_on DESC, id DESC LIMIT 5"
explain "search" \
  "SELECT id FROM resolutions WHERE status <> 'draft' AND search_text LIKE '%chuyen doi so%' ORDER BY adopted_on DESC, id DESC LIMIT 20 OFFSET 200"
explain "scorecard: targets and measures of a resolution" \
  "SELECT m.id FROM targets t JOIN measures m ON m.target_id = t.id WHERE t.resolution_id = 16500"
explain "officials' list" \
  "SELECT id FROM feedback WHERE commune_id = 1 ORDER BY created_at DESC, id DESC LIMIT 20"
explain "officials' overdue list" \
  "SELECT id FROM feedback WHERE commune_id = 1 AND due_date < current_date ORDER BY created_at DESC, id DESC LIMIT 20"
