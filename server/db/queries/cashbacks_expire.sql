-- The daily job: every AVAILABLE cashback whose period ended by $1 becomes EXPIRED, with its
-- history row. (The rules already treat it as expired from that instant; this records it.)
WITH expired AS (
  UPDATE cashbacks SET status = 'EXPIRED', updated_at = $1::timestamptz
   WHERE status = 'AVAILABLE' AND expires_at <= $1::timestamptz
  RETURNING id, value_cents
)
INSERT INTO cashback_events (cashback_id, type, order_id, value_cents, at)
SELECT id, 'EXPIRED', NULL, value_cents, $1::timestamptz FROM expired
RETURNING cashback_id, value_cents
