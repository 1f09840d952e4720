-- Wallets whose balance differs from their last entry's balance after: 0 on a sound ledger.
-- Counted by scripts/bench-server after its runs and by tests/bench/floor_script_test.sh.
SELECT count(*)
  FROM wallets w
  JOIN wallet_entries e ON e.wallet_id = w.id AND e.seq = w.entry_count
 WHERE e.balance_after_cents <> w.balance_cents;
