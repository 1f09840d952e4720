SELECT w.id, w.member_id, m.member_number, m.display_name, m.market, w.currency, w.balance_cents, w.entry_count,
       to_char(w.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
  FROM wallets w JOIN members m ON m.id = w.member_id
 WHERE w.member_id = $1::uuid
