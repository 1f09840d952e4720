-- Open campaigns whose end has passed at $1 (Unix seconds), oldest first.
SELECT c.id FROM travel_campaigns c WHERE c.status = 'ACTIVA' AND c.ends_at <= to_timestamp($1) ORDER BY c.ends_at
