-- The open campaign containing instant $1 (Unix seconds), held shared until commit so it
-- cannot close under the caller (see travel_campaign_lock.sql).
SELECT c.id FROM travel_campaigns c
 WHERE c.status = 'ACTIVA' AND c.starts_at <= to_timestamp($1) AND to_timestamp($1) < c.ends_at
   FOR SHARE
