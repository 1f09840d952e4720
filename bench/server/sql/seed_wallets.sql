-- Benchmark members 1..:members, each with one funded MXN wallet, made set-based. Funding
-- respects the ledger's guarantees, which hold at the end of every statement
-- (0013_ledger_checks_per_statement.sql): the wallets start empty, one ADJUSTMENT_CREDIT entry
-- per wallet (seq 1, balance 0 → X), the wallet's move to balance_cents = X, entry_count = 1,
-- and the adjustment's audit row are one statement.
-- Member n has id b0000000-0000-4000-8000-<n, 12 digits> (bench/server/bench_members.hpp
-- builds the same ids) and number BN-<n>. Members 1..:hot_members are the hot wallets and
-- get :hot_balance_cents; the others get :balance_cents.
-- psql variables: members, hot_members, balance_cents, hot_balance_cents.
\set ON_ERROR_STOP on
BEGIN;

INSERT INTO members (id, member_number, display_name, email, market)
SELECT ('b0000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, 'BN-' || n, 'Socio de prueba ' || n,
       'bn' || n || '@bench.test', 'MX'
  FROM generate_series(1, :members) AS n;

INSERT INTO wallets (member_id, currency)
SELECT ('b0000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, 'MXN'
  FROM generate_series(1, :members) AS n;

WITH funding AS (
  INSERT INTO wallet_entries (wallet_id, seq, type, amount_cents, balance_before_cents, balance_after_cents,
                              currency, idempotency_key, description)
  SELECT w.id, 1, 'ADJUSTMENT_CREDIT', f.cents, 0, f.cents, w.currency, 'bench-funding:' || w.member_id,
         'benchmark funding'
    FROM wallets w
    JOIN members m ON m.id = w.member_id
   CROSS JOIN LATERAL (SELECT CASE WHEN substr(m.member_number, 4)::bigint <= :hot_members
                                   THEN :hot_balance_cents ELSE :balance_cents END::bigint AS cents) f
   WHERE m.member_number LIKE 'BN-%'
  RETURNING id, wallet_id, amount_cents, balance_after_cents
),
moved AS (
  UPDATE wallets w
     SET balance_cents = f.balance_after_cents, entry_count = 1
    FROM funding f
   WHERE w.id = f.wallet_id
  RETURNING w.member_id, f.id AS entry_id, f.amount_cents
)
-- The audit row an admin adjustment writes (server/src/routes/adjustments.cpp), so the ledger
-- checks clean after the runs (the verify-ledger job matches each adjustment to its row).
INSERT INTO audit_log (actor, actor_role, action, target, details)
SELECT 'benchmark', 'admin', 'wallet.adjust', member_id::text,
       jsonb_build_object('amount_cents', amount_cents, 'reason', 'benchmark funding', 'entry_id', entry_id)
  FROM moved;

COMMIT;
-- Fresh statistics, as after any bulk load: the first plans see 100,000 wallets, not zero.
ANALYZE members;
ANALYZE wallets;
ANALYZE wallet_entries;
