-- The member's most recent orders for the loyalty rules (placed_at, cancelled_at), oldest
-- first; $2 = the rules' orders_max.
SELECT id, to_char(placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       to_char(cancelled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
  FROM (SELECT id, placed_at, cancelled_at FROM orders WHERE member_id = $1::uuid
         ORDER BY placed_at DESC, id DESC LIMIT $2) recent
 ORDER BY placed_at, id
