-- One page of a wallet's history, newest first, by keyset on id. Filters are optional:
-- $3 types (text[]), $4 from (inclusive), $5 to (exclusive).
SELECT e.id, e.seq, e.type, e.amount_cents, e.balance_before_cents, e.balance_after_cents, e.currency,
       e.commission_id, e.order_id, e.counterparty_member_id, cp.member_number, e.transfer_id, e.withdrawal_id,
       e.description, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
  FROM wallet_entries e
  LEFT JOIN members cp ON cp.id = e.counterparty_member_id
 WHERE e.wallet_id = $1
   AND ($2::bigint IS NULL OR e.id < $2)
   AND ($3::text[] IS NULL OR e.type = ANY ($3::text[]))
   AND ($4::timestamptz IS NULL OR e.created_at >= $4::timestamptz)
   AND ($5::timestamptz IS NULL OR e.created_at < $5::timestamptz)
 ORDER BY e.id DESC
 LIMIT $6
