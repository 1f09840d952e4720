-- A campaign's promo windows, as two parallel arrays of Unix seconds.
INSERT INTO travel_promo_windows (campaign_id, starts_at, ends_at)
SELECT $1, to_timestamp(w.starts_s), to_timestamp(w.ends_s)
  FROM unnest($2::bigint[], $3::bigint[]) AS w (starts_s, ends_s)
