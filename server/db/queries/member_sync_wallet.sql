-- The wallet part of a sync snapshot: market, currency, balance, status and the newest entry's
-- id. A client applies a pulled WALLET_ENTRY only when its id is above that one: entry ids grow
-- with each wallet's balance (they are taken under the wallet's lock), so an entry the snapshot
-- already counts, pulled again, cannot set the balance back.
SELECT m.market, w.currency, w.balance_cents, m.status,
       coalesce((SELECT e.id FROM wallet_entries e WHERE e.wallet_id = w.id ORDER BY e.id DESC LIMIT 1), 0)
  FROM wallets w JOIN members m ON m.id = w.member_id
 WHERE w.member_id = $1::uuid
