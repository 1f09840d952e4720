-- An order's kit events still standing (after a revocation: those of closed campaigns).
SELECT e.event_id FROM travel_events e
 WHERE e.order_id = $1 AND e.type = 'KIT_SOLD' AND e.revoked_at IS NULL
 ORDER BY e.event_id
