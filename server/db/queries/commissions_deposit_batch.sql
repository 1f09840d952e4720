-- Deposits up to $1 PENDING commissions in one statement: each becomes a COMMISSION_DEPOSIT
-- entry continuing its wallet's chain, the wallets move once each, the commissions turn PAID.
-- Commissions are claimed with SKIP LOCKED and wallets locked in id order, like every writer.
-- The members' notices are queued after the batches, one per member for the whole run
-- (notifications_queue_commission_deposits.sql).
WITH batch AS (
  SELECT c.id, c.member_id, c.amount_cents
    FROM commissions c
   WHERE c.status = 'PENDING'
   ORDER BY c.id
   LIMIT $1
     FOR UPDATE SKIP LOCKED
),
locked AS (
  SELECT w.id, w.member_id, w.balance_cents, w.entry_count, w.currency
    FROM wallets w
   WHERE w.member_id IN (SELECT member_id FROM batch)
   ORDER BY w.id
     FOR UPDATE
),
numbered AS (
  SELECT b.id AS commission_id, l.id AS wallet_id, b.amount_cents, l.currency,
         l.entry_count + row_number() OVER per_wallet AS seq,
         l.balance_cents + sum(b.amount_cents) OVER per_wallet AS balance_after_cents
    FROM batch b JOIN locked l ON l.member_id = b.member_id
  WINDOW per_wallet AS (PARTITION BY l.id ORDER BY b.id)
),
entries AS (
  INSERT INTO wallet_entries (wallet_id, seq, type, amount_cents, balance_before_cents, balance_after_cents,
                              currency, commission_id, idempotency_key)
  SELECT wallet_id, seq, 'COMMISSION_DEPOSIT', amount_cents, balance_after_cents - amount_cents,
         balance_after_cents, currency, commission_id, 'commission:' || commission_id
    FROM numbered
  RETURNING wallet_id, commission_id, seq, balance_after_cents
),
moved AS (
  UPDATE wallets w
     SET balance_cents = t.balance_after_cents, entry_count = t.seq, updated_at = now()
    FROM (SELECT DISTINCT ON (wallet_id) wallet_id, seq, balance_after_cents
            FROM entries ORDER BY wallet_id, seq DESC) t
   WHERE w.id = t.wallet_id
  RETURNING w.id
)
-- An id list, not a join: joined, the planner expects every commission ever recorded and
-- scans the whole table once per batch.
UPDATE commissions c
   SET status = 'PAID', paid_at = now()
 WHERE c.id = ANY (ARRAY (SELECT commission_id FROM entries))
RETURNING c.id, c.amount_cents
