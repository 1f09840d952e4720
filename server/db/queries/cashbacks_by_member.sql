-- A member's cashbacks, newest period first, with their history as a JSON array.
SELECT c.id, c.period, c.status, c.value_cents, c.currency, c.generated_by_order, c.used_by_order,
       to_char(c.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       (SELECT coalesce(json_agg(json_build_object(
                 'type', e.type, 'order_id', e.order_id, 'value_cents', e.value_cents,
                 'at', to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')) ORDER BY e.id), '[]')
          FROM cashback_events e WHERE e.cashback_id = c.id)
  FROM cashbacks c
 WHERE c.member_id = $1::uuid
 ORDER BY c.period DESC, c.id DESC
 LIMIT 36
