-- Takes back an order's kit events whose campaign is one of the open ones locked in $3.
UPDATE travel_events e SET revoked_at = to_timestamp($2)
 WHERE e.order_id = $1 AND e.type = 'KIT_SOLD' AND e.revoked_at IS NULL
   AND travel_campaign_of(e.occurred_at, e.received_at) = ANY ($3::text[])
RETURNING e.event_id
