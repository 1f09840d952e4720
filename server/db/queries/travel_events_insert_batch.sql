-- Records a batch of MLM events in one statement (parallel arrays); a known event_id is left
-- as it is and reported back by its absence. received_at is the business clock ($9), but
-- never before the close of the event's campaign: an event stored after a close counts as
-- received after it, so the frozen standings and later summaries agree.
WITH input AS (
  SELECT i.*, travel_campaign_of(to_timestamp(i.occurred_s), to_timestamp($9)) AS campaign_id
    FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::bigint[], $8::text[])
         AS i (event_id, member_id, type, kit, rank, direct_member_id, occurred_s, order_id)
)
INSERT INTO travel_events (event_id, member_id, type, kit, rank, direct_member_id, occurred_at, received_at,
                           order_id, source)
SELECT i.event_id, i.member_id, i.type, i.kit, i.rank, i.direct_member_id, to_timestamp(i.occurred_s),
       greatest(to_timestamp($9), coalesce((SELECT c.closed_at FROM travel_campaigns c WHERE c.id = i.campaign_id),
                                           '-infinity')),
       i.order_id, 'SERVICE'
  FROM input i
ON CONFLICT (event_id) DO NOTHING
RETURNING event_id, travel_campaign_of(occurred_at, received_at)
