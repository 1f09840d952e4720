-- Moves a wallet's balance by $2 and appends the matching entry, in one statement. No row
-- comes back when a debit would take the balance below zero (the caller reports it).
WITH moved AS (
  UPDATE wallets
     SET balance_cents = balance_cents + $2, entry_count = entry_count + 1, updated_at = now()
   WHERE id = $1 AND balance_cents + $2 >= 0
  RETURNING id, balance_cents, entry_count, currency
)
INSERT INTO wallet_entries (wallet_id, seq, type, amount_cents, balance_before_cents, balance_after_cents, currency,
                            commission_id, order_id, counterparty_member_id, transfer_id, withdrawal_id,
                            idempotency_key, rules_version, description)
SELECT id, entry_count, $3, $2, balance_cents - $2, balance_cents, currency,
       $4, $5, $6, $7, $8, $9, $10, $11
  FROM moved
RETURNING id, seq, balance_before_cents, balance_after_cents,
          to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
