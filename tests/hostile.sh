#!/usr/bin/env bash
# Hostile inputs against the real server, one line each: what was sent and what came back.
# Prints a Markdown table (docs/RELIABILITY.md holds the last one). Fails if any answer is a 5xx
# or not a problem document where an error is expected, or if the server logged a panic.
#   bash tests/hostile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p api --bin commune-api
BIN=$PWD/target/debug/commune-api
WORK=$(mktemp -d)
PID=""
trap '[[ -n "$PID" ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
B="http://127.0.0.1:$PORT"
DATABASE_URL=sqlite://$WORK/h.db BIND_ADDR=127.0.0.1:$PORT DEMO_PASSWORD='mật khẩu thử tấn công' \
  FEEDBACK_RATE_LIMIT=1000 RUST_LOG=warn "$BIN" serve --demo >"$WORK/server.log" 2>&1 &
PID=$!
until curl -sf "$B/readyz" >/dev/null; do sleep 0.05; done
FAILED=0
echo "| input | request | status | code |"
echo "|---|---|---|---|"
try() {
  local label=$1 shown=$2; shift 2
  local out status code
  out=$(curl -s -o "$WORK/body" -w '%{http_code} %{content_type}' "$@" || true)
  status=${out%% *}
  code=$(sed -n 's/.*"code":"\([a-z_]*\)".*/\1/p' "$WORK/body" | head -1)
  echo "| $label | \`$shown\` | $status | ${code:-—} |"
  if [[ $status == 5* || $status == 000 ]]; then FAILED=1; fi
  if [[ $status == 4* && $out != *problem+json* ]]; then FAILED=1; fi
}
J=(-H 'content-type: application/json')
FB="$B/api/v1/feedback"
head -c 2000000 /dev/zero | tr '\0' 'a' >"$WORK/big"
try "body over the 1 MiB limit" "POST /feedback (2 MB)" "${J[@]}" --data-binary "@$WORK/big" "$FB"
printf '{"commune":"truong-xuan","subject":"\xff\xfe"}' >"$WORK/badutf8"
try "invalid UTF-8" "POST /feedback" "${J[@]}" --data-binary "@$WORK/badutf8" "$FB"
python3 -c 'print("[" * 100000 + "]" * 100000)' >"$WORK/deep"
try "JSON nested 100,000 deep" "POST /feedback" "${J[@]}" --data-binary "@$WORK/deep" "$FB"
try "huge number" "POST /feedback resolution_id 1e400" "${J[@]}" -d '{"commune":"truong-xuan","resolution_id":1e400}' "$FB"
try "number past i64" "GET /resolutions/99999999999999999999" "$B/api/v1/resolutions/99999999999999999999"
try "negative page" "GET /resolutions?page=-1" "$B/api/v1/resolutions?page=-1"
try "per_page 10⁹" "GET /resolutions?per_page=1000000000" "$B/api/v1/resolutions?per_page=1000000000"
try "SQL in a search" "GET /resolutions?q=' OR 1=1;--" "$B/api/v1/resolutions?q=%27%20OR%201%3D1%3B--"
try "LIKE wildcards in a search" "GET /resolutions?q=%_%" "$B/api/v1/resolutions?q=%25_%25"
try "SQL and HTML in a submission" "POST /feedback content '<script>…'; DROP TABLE…" "${J[@]}" \
  -d '{"commune":"truong-xuan","kind":"phan_anh","subject":"<b>x</b>","content":"<script>alert(1)</script>'"'"'; DROP TABLE feedback;--","submitter":{"name":"A","address":"B","phone":"0912345678"}}' "$FB"
try "path traversal in a slug" "GET /communes/..%2F..%2Fetc%2Fpasswd" "$B/api/v1/communes/..%2F..%2Fetc%2Fpasswd"
try "traversal, unencoded" "GET /communes/../../etc/passwd" --path-as-is "$B/api/v1/communes/../../etc/passwd"
try "NUL in a slug" "GET /communes/truong%00xuan" "$B/api/v1/communes/truong%00xuan"
try "NUL in JSON" "POST /feedback subject \\u0000" "${J[@]}" -d '{"commune":"truong-xuan","subject":"a\u0000b"}' "$FB"
try "unknown field (mass assignment)" "POST /feedback status: published" "${J[@]}" -d '{"commune":"truong-xuan","status":"published"}' "$FB"
try "wrong content type" "POST /feedback text/plain" -H 'content-type: text/plain' -d '{}' "$FB"
try "no body" "POST /feedback" "${J[@]}" -X POST "$FB"
try "forged token (alg none)" "GET /auth/me" -H 'authorization: Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.' "$B/api/v1/auth/me"
try "garbage Authorization" "GET /feedback" -H 'authorization: Basic Zm9vOmJhcg==' "$FB"
try "tracking code guess" "GET /feedback/track/PAKN.20261128.0000000000" "$FB/track/PAKN.20261128.0000000000"
try "huge tracking code" "GET /feedback/track/(10 kB)" "$FB/track/$(head -c 10000 /dev/zero | tr '\0' 'A')"
try "request id injection" "X-Request-Id: a\\r\\nSet-Cookie" -H $'X-Request-Id: abcdefgh\tinjected' "$B/healthz"
try "wrong method" "DELETE /communes" -X DELETE "$B/api/v1/communes"
if grep -q panicked "$WORK/server.log"; then echo "hostile: the server panicked" >&2; FAILED=1; fi
exit $FAILED
