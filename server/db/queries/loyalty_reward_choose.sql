-- The member's choice; allowed until the reward is delivered. No row: not the member's, or delivered.
UPDATE loyalty_rewards SET status = 'ELEGIDA', reward_id = $3, chosen_at = $4::timestamptz
 WHERE id = $1 AND member_id = $2::uuid AND status IN ('PENDIENTE', 'ELEGIDA')
RETURNING id, period, status, reward_id
