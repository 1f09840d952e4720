-- A kit sold through checkout, credited to the buyer's sponsor; a known event_id is a no-op.
INSERT INTO travel_events (event_id, member_id, type, kit, occurred_at, received_at, order_id, source)
VALUES ($1, $2, 'KIT_SOLD', $3, to_timestamp($4), to_timestamp($4), $5, 'CHECKOUT')
ON CONFLICT (event_id) DO NOTHING
RETURNING event_id
