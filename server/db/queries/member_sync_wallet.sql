-- The wallet part of a sync snapshot: market, currency, balance, status and the newest entry's
-- id. A client applies a pulled WALLET_ENTRY only when its id is above that one: entry ids grow
-- with each wallet's seq (the chain check refuses any other, 0023), so an entry the snapshot
-- already counts, pulled again, cannot set the balance back. The newest entry is the one at
-- the wallet's entry_count.
SELECT m.market, w.currency, w.balance_cents, m.status,
       coalesce((SELECT e.id FROM wallet_entries e WHERE e.wallet_id = w.id AND e.seq = w.entry_count), 0)
  FROM wallets w JOIN members m ON m.id = w.member_id
 WHERE w.member_id = $1::uuid
