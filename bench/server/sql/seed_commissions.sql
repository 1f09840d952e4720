-- :commissions PENDING commissions numbered from :first, spread round-robin over the
-- benchmark members 1..:members (seed_wallets.sql), made set-based. Round-robin is the
-- commission engine's shape (one bonus type over the whole network per period) and the
-- deposit job's hard case: every batch of 10,000 touches 10,000 different wallets.
-- psql variables: first, commissions, members.
\set ON_ERROR_STOP on
INSERT INTO commissions (external_id, member_id, bonus_type, period, amount_cents, currency,
                         source_amount_cents, source_currency, rate_micros)
SELECT 'bench-' || g, ('b0000000-0000-4000-8000-' || lpad((1 + (g - 1) % :members)::text, 12, '0'))::uuid,
       'UNINIVEL', '2026-11', 100 + g % 9900, 'MXN', 100 + g % 9900, 'MXN', 1000000
  FROM generate_series(:first, :first + :commissions - 1) AS g;
-- Fresh statistics, as after any bulk load.
ANALYZE commissions;
