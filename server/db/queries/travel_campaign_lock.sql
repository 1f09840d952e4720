-- Closing takes the campaign row exclusively: event intake, checkout and revocation hold it
-- shared (travel_campaigns_lock_active.sql), so none of them straddles the close.
SELECT c.id, c.name, extract(epoch FROM c.starts_at)::bigint, extract(epoch FROM c.ends_at)::bigint, c.status,
       extract(epoch FROM c.closed_at)::bigint, c.target_points, c.rules_version
  FROM travel_campaigns c
 WHERE c.id = $1
   FOR UPDATE
