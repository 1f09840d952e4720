INSERT INTO loyalty_rewards (member_id, period, earned_at) VALUES ($1::uuid, $2, $3::timestamptz)
ON CONFLICT (member_id, period) DO NOTHING
RETURNING id
