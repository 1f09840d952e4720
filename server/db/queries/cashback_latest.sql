-- The member's latest cashback as booked (a revoked one never happened).
SELECT id, period, status, value_cents
  FROM cashbacks
 WHERE member_id = $1 AND status <> 'REVOKED'
 ORDER BY period DESC
 LIMIT 1
