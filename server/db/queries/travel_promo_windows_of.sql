-- Promo windows of the campaigns in $1 (all campaigns when NULL), in campaign and time order.
SELECT w.campaign_id, extract(epoch FROM w.starts_at)::bigint, extract(epoch FROM w.ends_at)::bigint
  FROM travel_promo_windows w
 WHERE $1::text[] IS NULL OR w.campaign_id = ANY ($1::text[])
 ORDER BY w.campaign_id, w.starts_at
