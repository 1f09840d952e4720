-- The campaign, if any, that shares an instant with [$1, $2) (Unix seconds).
SELECT id FROM travel_campaigns
 WHERE tstzrange(starts_at, ends_at, '[)') && tstzrange(to_timestamp($1), to_timestamp($2), '[)')
 ORDER BY starts_at
 LIMIT 1
