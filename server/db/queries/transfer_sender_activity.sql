-- The sender's transfers in the last minute (rate limit) and since the local day began
-- ($2, computed from the market calendar): count, seconds until the oldest leaves the
-- minute window, and the day's total.
SELECT count(*) FILTER (WHERE created_at > now() - interval '60 seconds'),
       coalesce(ceil(extract(epoch FROM min(created_at) FILTER (WHERE created_at > now() - interval '60 seconds')
                                        + interval '60 seconds' - now()))::bigint, 0),
       coalesce(sum(amount_cents) FILTER (WHERE created_at >= $2::timestamptz), 0)::bigint
  FROM transfers
 WHERE from_member_id = $1::uuid AND created_at >= least($2::timestamptz, now() - interval '60 seconds')
