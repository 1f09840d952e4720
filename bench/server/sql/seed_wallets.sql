-- Benchmark members 1..:members, each with one funded MXN wallet, made set-based. Funding
-- respects the ledger's guarantees: one ADJUSTMENT_CREDIT entry per wallet (seq 1, balance
-- 0 → X) and the wallet's balance_cents = X, entry_count = 1, in one transaction, so the
-- deferred triggers (0002_ledger_guards.sql) check every chain at commit.
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

INSERT INTO wallets (member_id, currency, balance_cents, entry_count)
SELECT ('b0000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, 'MXN',
       CASE WHEN n <= :hot_members THEN :hot_balance_cents ELSE :balance_cents END, 1
  FROM generate_series(1, :members) AS n;

INSERT INTO wallet_entries (wallet_id, seq, type, amount_cents, balance_before_cents, balance_after_cents,
                            currency, idempotency_key, description)
SELECT w.id, 1, 'ADJUSTMENT_CREDIT', w.balance_cents, 0, w.balance_cents, w.currency,
       'bench-funding:' || w.member_id, 'benchmark funding'
  FROM wallets w JOIN members m ON m.id = w.member_id
 WHERE m.member_number LIKE 'BN-%';

COMMIT;
-- Fresh statistics, as after any bulk load: the first plans see 100,000 wallets, not zero.
ANALYZE members;
ANALYZE wallets;
ANALYZE wallet_entries;
