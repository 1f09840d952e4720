SELECT s.points, s.qualified, extract(epoch FROM s.frozen_at)::bigint
  FROM travel_standings s
 WHERE s.campaign_id = $1 AND s.member_id = $2
