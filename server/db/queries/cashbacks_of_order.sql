-- The cashbacks a cancelled order generated or spent, locked, with whether their period is over at $2.
SELECT id, status, generated_by_order = $1::uuid, coalesce(used_by_order = $1::uuid, false), expires_at <= $2::timestamptz,
       value_cents
  FROM cashbacks
 WHERE (generated_by_order = $1::uuid OR used_by_order = $1::uuid) AND status <> 'REVOKED'
 ORDER BY id
   FOR UPDATE
