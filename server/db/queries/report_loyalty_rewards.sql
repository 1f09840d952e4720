-- Report: loyalty reward entitlements earned in periods $1 through $2, pending first.
SELECT r.id AS reward_entitlement_id, m.member_number, m.display_name, r.period, r.status, r.reward_id,
       to_char(r.earned_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS earned_at,
       to_char(r.chosen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS chosen_at,
       to_char(r.delivered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS delivered_at
  FROM loyalty_rewards r JOIN members m ON m.id = r.member_id
 WHERE r.period BETWEEN $1 AND $2
 ORDER BY CASE r.status WHEN 'PENDIENTE' THEN 0 WHEN 'ELEGIDA' THEN 1 ELSE 2 END, r.period, r.id
