-- Records one event of the rules' loyalty history; a row already recorded is left alone.
INSERT INTO loyalty_events (member_id, type, period, order_id, points_before, points_after, consecutive_months, at)
VALUES ($1::uuid, $2, $3, $4::uuid, $5, $6, $7, $8::timestamptz)
ON CONFLICT DO NOTHING
RETURNING id
