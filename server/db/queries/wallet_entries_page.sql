-- One page of a wallet's history, newest first, by keyset on seq (the chain's own index on
-- (wallet_id, seq)). $2, the previous page's last entry id, becomes that entry's seq: a
-- wallet's ids rise with its seq (0023), so "seq below it" is "id below it". An id of no entry
-- of this wallet still means "id below it", through the filter alone. Filters are optional:
-- $3 types (text[]), $4 from (inclusive), $5 to (exclusive).
SELECT e.id, e.seq, e.type, e.amount_cents, e.balance_before_cents, e.balance_after_cents, e.currency,
       e.commission_id, e.order_id, e.counterparty_member_id, cp.member_number, e.transfer_id, e.withdrawal_id,
       e.description, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
  FROM wallet_entries e
  LEFT JOIN members cp ON cp.id = e.counterparty_member_id
 WHERE e.wallet_id = $1
   AND e.seq < coalesce((SELECT c.seq FROM wallet_entries c WHERE c.id = $2 AND c.wallet_id = $1), 9223372036854775807)
   AND ($2::bigint IS NULL OR e.id < $2)
   AND ($3::text[] IS NULL OR e.type = ANY ($3::text[]))
   AND ($4::timestamptz IS NULL OR e.created_at >= $4::timestamptz)
   AND ($5::timestamptz IS NULL OR e.created_at < $5::timestamptz)
 ORDER BY e.seq DESC
 LIMIT $6
