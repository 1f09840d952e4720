-- The daily job: every AVAILABLE cashback whose period ended by $1 becomes EXPIRED, with its
-- history row. (The rules already treat it as expired from that instant; this records it.)
-- Each expiry also queues the member's CASHBACK_EXPIRED notification, in the same statement.
WITH expired AS (
  UPDATE cashbacks SET status = 'EXPIRED', updated_at = $1::timestamptz
   WHERE status = 'AVAILABLE' AND expires_at <= $1::timestamptz
  RETURNING id, value_cents, member_id, currency, period
),
notified AS (
  INSERT INTO notifications (member_id, kind, dedupe_key, payload)
  SELECT member_id, 'CASHBACK_EXPIRED', 'cashback-expired:' || id,
         jsonb_build_object('cashback_id', id, 'value_cents', value_cents, 'currency', currency, 'period', period)
    FROM expired
   WHERE value_cents > 0
  ON CONFLICT (dedupe_key) DO NOTHING
)
INSERT INTO cashback_events (cashback_id, type, order_id, value_cents, at)
SELECT id, 'EXPIRED', NULL, value_cents, $1::timestamptz FROM expired
RETURNING cashback_id, value_cents
