-- The active campaign at $1 (Unix seconds): the latest ACTIVA one already started (one whose
-- end has passed stays current until the close job closes it).
SELECT c.id, c.name, extract(epoch FROM c.starts_at)::bigint, extract(epoch FROM c.ends_at)::bigint, c.status,
       extract(epoch FROM c.closed_at)::bigint, c.target_points, c.rules_version
  FROM travel_campaigns c
 WHERE c.status = 'ACTIVA' AND c.starts_at <= to_timestamp($1)
 ORDER BY c.starts_at DESC
 LIMIT 1
