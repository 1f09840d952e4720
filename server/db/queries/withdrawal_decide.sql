-- Moves a PENDIENTE withdrawal to its final status. The WHERE clause makes the first
-- decision win: a cancel racing an approval finds no row and reports the current status.
UPDATE withdrawals
   SET status = $2, bank_reference = $3, decision_reason = $4, decided_by = $5, decided_at = now()
 WHERE id = $1 AND status = 'PENDIENTE' AND ($6::uuid IS NULL OR member_id = $6::uuid)
RETURNING member_id, amount_cents, currency
