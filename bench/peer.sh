#!/usr/bin/env bash
# Our public target list against Datasette serving the same targets from the same SQLite file as
# JSON, each with wrk for a bounded time on loopback.
#   bash bench/peer.sh      (needs wrk, and datasette: pip install datasette; DATASETTE may name it)
# Datasette answers the bare `targets` rows (no measures, no join); ours carries each target's
# measures, so the comparison favours Datasette.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18096}
PEER_PORT=${PEER_PORT:-18099}
DURATION=${DURATION:-10s}
DATASETTE=${DATASETTE:-datasette}
cargo build --release -q -p api --bin commune-api
BIN=$PWD/target/release/commune-api
WORK=$(mktemp -d)
trap 'kill "$PID" "$PEER" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
cd "$WORK"
DATABASE_URL=sqlite://$WORK/commune.db DEMO_PASSWORD='mật khẩu đo hiệu năng' \
  BIND_ADDR=127.0.0.1:$PORT RUST_LOG=warn "$BIN" serve --demo >server.log 2>&1 &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do sleep 0.05; done
BASE="http://127.0.0.1:$PORT"
ID=$(curl -s "$BASE/api/v1/resolutions?commune=truong-xuan" | sed 's/.*"items":\[{"id":\([0-9]*\).*/\1/')
OURS="$BASE/api/v1/resolutions/$ID/targets?per_page=100"
"$DATASETTE" serve "$WORK/commune.db" --port "$PEER_PORT" >peer.log 2>&1 &
PEER=$!
THEIRS="http://127.0.0.1:$PEER_PORT/commune/targets.json?resolution_id=$ID&_shape=array&_size=100"
until curl -sf "$THEIRS" >/dev/null; do sleep 0.1; done
echo "ours:   $(curl -s "$OURS" | wc -c) bytes, $(curl -s "$OURS" | grep -o '"number"' | wc -l) targets with measures"
echo "theirs: $(curl -s "$THEIRS" | wc -c) bytes, $(curl -s "$THEIRS" | grep -o '"number"' | wc -l) target rows"
run() { wrk -t2 -c64 -d"$DURATION" --latency "$1" | awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$5} END {print rps, p99, (bad ? bad : 0)}'; }
read -r OURS_RPS OURS_P99 OURS_BAD < <(run "$OURS")
read -r PEER_RPS PEER_P99 PEER_BAD < <(run "$THEIRS")
echo "commune-api:  $OURS_RPS req/s, p99 $OURS_P99, non-2xx $OURS_BAD"
echo "datasette:    $PEER_RPS req/s, p99 $PEER_P99, non-2xx $PEER_BAD ($("$DATASETTE" --version))"
awk -v a="$OURS_RPS" -v b="$PEER_RPS" 'BEGIN {printf "ours over datasette: %.0fx\n", a / b}'
