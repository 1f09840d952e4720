-- A new campaign; an id already taken is reported by the empty result.
INSERT INTO travel_campaigns (id, name, starts_at, ends_at, target_points, rules_version)
VALUES ($1, $2, to_timestamp($3), to_timestamp($4), $5, $6)
ON CONFLICT (id) DO NOTHING
RETURNING id
