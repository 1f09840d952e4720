-- Deposits up to $1 PENDING commissions in one statement: each becomes a COMMISSION_DEPOSIT
-- entry continuing its wallet's chain, the wallets move once each, and the commissions leave
-- the pending queue (migration 0017: a commission's own row never changes). Queue rows are
-- claimed with SKIP LOCKED and wallets locked in id order, like every writer. The statement
-- fails unless every commission that left the queue got its entry and no other did.
-- The members' notices are queued after the batches, one per member for the whole run
-- (notifications_queue_commission_deposits.sql).
WITH batch AS (
  SELECT p.commission_id
    FROM commissions_pending p
   ORDER BY p.commission_id
   LIMIT $1
     FOR UPDATE SKIP LOCKED
),
-- Id lists, not joins: joined, the planner expects every commission ever recorded and
-- scans the whole table once per batch.
claimed AS (
  SELECT c.id, c.member_id, c.amount_cents
    FROM commissions c
   WHERE c.id = ANY (ARRAY (SELECT commission_id FROM batch))
),
locked AS (
  SELECT w.id, w.member_id, w.balance_cents, w.entry_count, w.currency
    FROM wallets w
   WHERE w.member_id IN (SELECT member_id FROM claimed)
   ORDER BY w.id
     FOR UPDATE
),
numbered AS (
  SELECT b.id AS commission_id, l.id AS wallet_id, b.amount_cents, l.currency,
         l.entry_count + row_number() OVER per_wallet AS seq,
         l.balance_cents + sum(b.amount_cents) OVER per_wallet AS balance_after_cents
    FROM claimed b JOIN locked l ON l.member_id = b.member_id
  WINDOW per_wallet AS (PARTITION BY l.id ORDER BY b.id)
),
entries AS (
  INSERT INTO wallet_entries (wallet_id, seq, type, amount_cents, balance_before_cents, balance_after_cents,
                              currency, commission_id, idempotency_key)
  SELECT wallet_id, seq, 'COMMISSION_DEPOSIT', amount_cents, balance_after_cents - amount_cents,
         balance_after_cents, currency, commission_id, 'commission:' || commission_id
    FROM numbered
   -- Ids drawn in seq order, as the chain check requires (0023). Within a wallet seq follows
   -- the commission id, and (wallet, commission) is the order the window sorted by, so this
   -- adds no second sort.
   ORDER BY wallet_id, commission_id
  RETURNING wallet_id, commission_id, seq, balance_after_cents, amount_cents
),
moved AS (
  UPDATE wallets w
     SET balance_cents = t.balance_after_cents, entry_count = t.seq, updated_at = now()
    FROM (SELECT DISTINCT ON (wallet_id) wallet_id, seq, balance_after_cents
            FROM entries ORDER BY wallet_id, seq DESC) t
   WHERE w.id = t.wallet_id
  RETURNING w.id
),
paid AS (
  DELETE FROM commissions_pending p
   WHERE p.commission_id = ANY (ARRAY (SELECT commission_id FROM entries))
  RETURNING p.commission_id
)
SELECT e.commission_id, e.amount_cents
  FROM entries e
 CROSS JOIN (SELECT ledger_assert((SELECT count(*) FROM paid) = (SELECT count(*) FROM entries),
                                  'a deposit batch took other commissions off the queue than it deposited')) checked
