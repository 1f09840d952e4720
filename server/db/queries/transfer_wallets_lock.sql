-- Locks the wallets of a batch's parties in wallet id order (the one order every writer takes,
-- so two batches, or a transfer A→B beside one B→A, cannot deadlock): recipients named by
-- member number ($1), senders and recipients named by id ($2). Each comes with its member's
-- status, market and number. A member named twice is locked once; one named by nobody's
-- number or id is absent, and so is a member without a wallet (every member gets one with
-- its row, in the same transaction).
SELECT w.id, w.member_id, w.currency, w.balance_cents, m.status, m.market, m.member_number, w.entry_count
  FROM members m
  JOIN wallets w ON w.member_id = m.id
 WHERE m.member_number = ANY ($1::text[]) OR m.id = ANY ($2::uuid[])
 ORDER BY w.id
   FOR UPDATE OF w
