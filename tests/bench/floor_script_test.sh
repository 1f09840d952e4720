#!/usr/bin/env bash
# The benchmark's floor script (bench/server/transfer_floor.sh) against the current schema: on a
# fresh database of the shared test cluster, migrated by the server and seeded as
# scripts/bench-server seeds its ledger, pgbench books transactions of 1 and of 4 transfers on
# two connections at once, and the ledger must hold exactly what they booked, by the same
# checks scripts/bench-server makes after its runs. A migration that the script no longer
# fits fails here, not in a benchmark run.
# Usage: floor_script_test.sh SOURCE_DIR NNW_SERVER_BINARY (NNW_TEST_PG_DIR set, as by ctest).
set -euo pipefail
readonly source_dir=$1 server_bin=$2
readonly members=300 hot_members=4 balance_cents=1000000 clients=2 transactions=10
cd "$source_dir"

fail() {
  echo "floor_script_test: $*" >&2
  exit 1
}

cluster_url=$(scripts/pg start "$NNW_TEST_PG_DIR" --fast --db nnwallet_test | tail -n 1)
database=nnwt_floor_script_$$_$RANDOM
script=$(mktemp)
trap 'rm -f "$script"; psql -X -q -d "$cluster_url" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" || true' EXIT
psql -X -q -v ON_ERROR_STOP=1 -d "$cluster_url" -c "CREATE DATABASE $database TEMPLATE template0"
url=${cluster_url%/*}/$database
value() { psql -X -q -tA -v ON_ERROR_STOP=1 -d "$url" -c "$1"; }

DATABASE_URL=$url "$server_bin" --migrate-only >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$url" -v members=$members -v hot_members=$hot_members \
  -v balance_cents=$balance_cents -v hot_balance_cents=$balance_cents -f bench/server/sql/seed_wallets.sql
money_before=$(value "SELECT sum(balance_cents) FROM wallets")

bench/server/transfer_floor.sh >"$script"
booked=0
for batch in 1 4; do
  # pgbench exits non-zero when a client aborts: any statement's error, the script's own
  # assertion included.
  pgbench -n -c $clients -j $clients -t $transactions -M prepared -D batch=$batch \
    -D members_first=$((hot_members + 1)) -D members_last=$members \
    -f "$script" "$url" >/dev/null ||
    fail "pgbench with batch=$batch failed"
  booked=$((booked + clients * transactions * batch))
done

# check NAME EXPECTED SQL, or check NAME EXPECTED -f FILE
check() {
  local name=$1 expected=$2 actual
  shift 2
  if [ "$1" = -f ]; then actual=$(psql -X -q -tA -v ON_ERROR_STOP=1 -d "$url" -f "$2"); else actual=$(value "$1"); fi
  [ "$actual" = "$expected" ] || fail "$name: expected $expected, got $actual"
  echo "ok: $name = $actual"
}
check "transfers" "$booked" "SELECT count(*) FROM transfers"
check "TRANSFER_OUT entries" "$booked" "SELECT count(*) FROM wallet_entries WHERE type = 'TRANSFER_OUT'"
check "TRANSFER_IN entries" "$booked" "SELECT count(*) FROM wallet_entries WHERE type = 'TRANSFER_IN'"
check "stored keys" "$booked" "SELECT count(*) FROM idempotency_keys WHERE key LIKE 'floor-%'"
check "audit rows" "$booked" "SELECT count(*) FROM audit_log WHERE action = 'transfer.create'"
check "money" "$money_before" "SELECT sum(balance_cents) FROM wallets"
check "hot wallets untouched" 0 "SELECT count(*) FROM wallets w JOIN members m ON m.id = w.member_id
                                  WHERE w.entry_count <> 1 AND substr(m.member_number, 4)::int <= $hot_members"
check "wallets whose balance differs from their last entry" 0 -f bench/server/sql/wallets_off_chain.sql
check "senders whose running count skips or repeats" 0 \
  "SELECT count(*) FROM (SELECT from_member_id FROM transfers GROUP BY from_member_id
                          HAVING max(sender_seq) <> count(*) OR count(DISTINCT sender_seq) <> count(*)) s"
check "senders whose running total differs from their transfers" 0 \
  "SELECT count(*) FROM (SELECT from_member_id FROM transfers GROUP BY from_member_id
                          HAVING max(sender_total_cents) <> sum(amount_cents)) s"
