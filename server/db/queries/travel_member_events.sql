-- A member's events in campaign $2, revoked ones included (flagged), in the order the rules
-- get them: by instant, then arrival, then id. The range test lets the indexes narrow the
-- rows before travel_campaign_of decides.
SELECT e.event_id, e.type, e.kit, e.rank, e.direct_member_id, extract(epoch FROM e.occurred_at)::bigint,
       extract(epoch FROM e.received_at)::bigint, e.order_id, extract(epoch FROM e.revoked_at)::bigint
  FROM travel_events e
  JOIN travel_campaigns c ON c.id = $2
 WHERE e.member_id = $1
   AND ((e.occurred_at >= c.starts_at AND e.occurred_at < c.ends_at)
        OR (e.received_at >= c.starts_at AND e.received_at < c.ends_at))
   AND travel_campaign_of(e.occurred_at, e.received_at) = c.id
 ORDER BY e.occurred_at, e.received_at, e.event_id
 LIMIT $3
