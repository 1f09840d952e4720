-- The frozen standings of a campaign, best first.
SELECT s.member_id, m.member_number, m.display_name, s.points, s.kit_points, s.rank_points, s.direct_points,
       s.qualified, s.events_accepted, s.events_rejected, extract(epoch FROM s.frozen_at)::bigint
  FROM travel_standings s
  JOIN members m ON m.id = s.member_id
 WHERE s.campaign_id = $1
 ORDER BY s.points DESC, m.member_number
 LIMIT $2
