-- A member's withdrawals ($1), or the queue by status ($2) for the back office; newest first.
SELECT w.id, w.member_id, m.member_number, w.amount_cents, w.currency, w.status, w.bank_code, w.clabe_last4,
       w.bank_reference, w.decision_reason,
       to_char(w.requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       to_char(w.decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       w.bank_details_sealed
  FROM withdrawals w JOIN members m ON m.id = w.member_id
 WHERE ($1::uuid IS NULL OR w.member_id = $1::uuid)
   AND ($2::text IS NULL OR w.status = $2)
   AND ($3::bigint IS NULL OR w.id < $3)
 ORDER BY w.id DESC
 LIMIT $4
