-- Locks the wallets of the given members in wallet id order (one fixed order for every
-- writer, so two transfers A→B and B→A cannot deadlock).
SELECT w.id, w.member_id, w.currency, w.balance_cents, m.status, m.market, m.member_number, w.entry_count
  FROM wallets w JOIN members m ON m.id = w.member_id
 WHERE w.member_id = ANY ($1::uuid[])
 ORDER BY w.id
   FOR UPDATE OF w
