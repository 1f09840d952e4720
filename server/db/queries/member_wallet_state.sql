-- A member's market, wallet currency, balance and status, without locking (previews).
SELECT m.market, w.currency, w.balance_cents, m.status
  FROM wallets w JOIN members m ON m.id = w.member_id
 WHERE w.member_id = $1::uuid
