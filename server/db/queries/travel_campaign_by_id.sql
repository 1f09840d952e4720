SELECT c.id, c.name, extract(epoch FROM c.starts_at)::bigint, extract(epoch FROM c.ends_at)::bigint, c.status,
       extract(epoch FROM c.closed_at)::bigint, c.target_points, c.rules_version
  FROM travel_campaigns c
 WHERE c.id = $1
