SELECT type, period, order_id, points_before, points_after, consecutive_months,
       to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
  FROM loyalty_events WHERE member_id = $1::uuid ORDER BY id DESC LIMIT 100
