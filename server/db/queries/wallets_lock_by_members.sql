-- Locks the wallets of the given members in wallet id order (one fixed order for every
-- writer, so two transfers A→B and B→A, or two batches of them, cannot deadlock): members
-- named by id ($1) or by member number ($2, a batch of transfers' recipients). Each comes
-- with its member's status, market and number. A member named twice is locked once; one
-- named by nobody's id or number is absent, and so is a member without a wallet (every
-- member gets one with its row, in the same transaction).
SELECT w.id, w.member_id, w.currency, w.balance_cents, m.status, m.market, m.member_number, w.entry_count
  FROM members m
  JOIN wallets w ON w.member_id = m.id
 WHERE m.id = ANY ($1::uuid[]) OR m.member_number = ANY ($2::text[])
 ORDER BY w.id
   FOR UPDATE OF w
