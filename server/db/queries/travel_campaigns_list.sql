-- Every campaign, newest first, with its qualifier count once closed (NULL while open).
SELECT c.id, c.name, extract(epoch FROM c.starts_at)::bigint, extract(epoch FROM c.ends_at)::bigint, c.status,
       extract(epoch FROM c.closed_at)::bigint, c.target_points, c.rules_version,
       CASE WHEN c.status = 'CERRADA'
            THEN (SELECT count(*) FROM travel_standings s WHERE s.campaign_id = c.id AND s.qualified) END
  FROM travel_campaigns c
 ORDER BY c.starts_at DESC
 LIMIT $1
