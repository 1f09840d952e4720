-- The non-revoked events of campaign $1 for the next $3 members after member $2 (keyset),
-- grouped by member and in the order the rules get them.
WITH placed AS (
  SELECT e.*
    FROM travel_events e
    JOIN travel_campaigns c ON c.id = $1
   WHERE e.revoked_at IS NULL AND e.member_id > $2::uuid
     AND ((e.occurred_at >= c.starts_at AND e.occurred_at < c.ends_at)
          OR (e.received_at >= c.starts_at AND e.received_at < c.ends_at))
     AND travel_campaign_of(e.occurred_at, e.received_at) = c.id
), page AS (
  SELECT DISTINCT p.member_id FROM placed p ORDER BY p.member_id LIMIT $3
)
SELECT p.member_id, p.event_id, p.type, p.kit, p.rank, p.direct_member_id, extract(epoch FROM p.occurred_at)::bigint,
       extract(epoch FROM p.received_at)::bigint
  FROM placed p JOIN page USING (member_id)
 ORDER BY p.member_id, p.occurred_at, p.received_at, p.event_id
