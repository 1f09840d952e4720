-- CASHBACK_EXPIRING for every AVAILABLE cashback whose period ends within $2 seconds after $1:
-- once per cashback (the dedupe key), however often or late the job runs. A cashback already
-- past its end gets CASHBACK_EXPIRED from the expiry job instead.
INSERT INTO notifications (member_id, kind, dedupe_key, payload)
SELECT c.member_id, 'CASHBACK_EXPIRING', 'cashback-expiring:' || c.id,
       jsonb_build_object('cashback_id', c.id, 'value_cents', c.value_cents, 'currency', c.currency,
                          'period', c.period,
                          'expires_at', to_char(c.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
  FROM cashbacks c
 WHERE c.status = 'AVAILABLE' AND c.value_cents > 0
   AND c.expires_at > $1::timestamptz
   AND c.expires_at <= $1::timestamptz + $2::bigint * interval '1 second'
 ORDER BY c.id
ON CONFLICT (dedupe_key) DO NOTHING
RETURNING id
