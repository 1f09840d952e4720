#!/usr/bin/env bash
# Prints the floor's pgbench script: bench/server/sql/transfer_floor.pgbench (the wallets' locks
# and the booking's parameters, as pgbench variables p1..p24), then the server's own booking
# statement, server/db/queries/transfers_book.sql, reading them ($N becomes :pN, which pgbench
# sends as the statement's parameter N), and the COMMIT. The statement's comments are left out:
# pgbench would read a variable in them too. Used by scripts/bench-server and
# tests/bench/floor_script_test.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
cat bench/server/sql/transfer_floor.pgbench
sed -e 's/--.*$//' -e '/^[[:space:]]*$/d' -e 's/\$\([0-9][0-9]*\)/:p\1/g' server/db/queries/transfers_book.sql
echo ';'
echo 'END;'
