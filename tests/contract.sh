#!/usr/bin/env bash
# The OpenAPI contract, tested by schemathesis against the real server: no 5xx, every response
# matches its documented schema, status code and content type, and the server logs no panic.
#   bash tests/contract.sh                                   (SQLite in a temporary folder)
#   DATABASE_URL=postgres://.../empty_db bash tests/contract.sh
#   EXAMPLES=200 SEED=7 bash tests/contract.sh               (default 25 examples, seed 1)
# Needs schemathesis (pip install schemathesis); SCHEMATHESIS may name its executable.
set -euo pipefail
cd "$(dirname "$0")/.."
ST=${SCHEMATHESIS:-schemathesis}
cargo build -q -p api --bin commune-api
BIN=$PWD/target/debug/commune-api
WORK=$(mktemp -d)
PID=""
trap '[[ -n "$PID" ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
PASSWORD='mật khẩu kiểm thử hợp đồng'
DATABASE_URL=${DATABASE_URL:-sqlite://$WORK/contract.db} BIND_ADDR=127.0.0.1:$PORT \
  DEMO_PASSWORD=$PASSWORD FEEDBACK_RATE_LIMIT=100000000 LOGIN_RATE_LIMIT=100000 RUST_LOG=warn \
  "$BIN" serve --demo >"$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 200); do
  curl -sf "$BASE/readyz" >/dev/null && break
  sleep 0.1
done
TOKEN=$(curl -sf "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
[[ -n "$TOKEN" ]] || { echo "contract: cannot sign in as the demo admin" >&2; cat "$WORK/server.log" >&2; exit 1; }
"$ST" run "$BASE/api-docs/openapi.json" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
  --max-examples "${EXAMPLES:-25}" --seed "${SEED:-1}" \
  --header "Authorization: Bearer $TOKEN" --no-color
if grep -q panicked "$WORK/server.log"; then
  echo "contract: the server panicked:" >&2
  grep -A3 panicked "$WORK/server.log" >&2
  exit 1
fi
echo "contract: no failures, no panic"
