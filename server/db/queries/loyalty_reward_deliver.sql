-- Admin: a chosen reward handed over. No row: unknown, not chosen yet, or already delivered.
UPDATE loyalty_rewards SET status = 'ENTREGADA', delivered_at = $2::timestamptz, delivered_by = $3
 WHERE id = $1 AND status = 'ELEGIDA'
RETURNING id, member_id, period, status, reward_id
