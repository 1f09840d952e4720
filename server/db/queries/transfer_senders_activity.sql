-- For each pair of a sender ($1) and the start of a local day ($2, from the market calendar):
-- its latest transfer's running count, running total and time (Unix µs); the transfers it
-- made in the last minute and their seconds until the oldest leaves that minute; and the
-- total it sent since that day began. Each is one short index probe on (from_member_id,
-- created_at, sender_seq), whatever the sender sent before (see 0011). A batch reads this in
-- the round trip that reads its senders' markets, so it asks for the day start of each
-- market the rules know (one pair per sender while those days begin at the same instant).
--
-- Only the day's total depends on the day: the rest is read once per sender, not once per
-- pair. And a probe that the latest transfer answers is not made: a sender whose latest
-- transfer is older than a minute sent nothing in the last minute, and one whose latest is
-- older than the day's start sent nothing that day (the "One-Time Filter" of each lateral).
WITH asked AS MATERIALIZED (
  SELECT member_id, day_start, ord FROM unnest($1::uuid[], $2::timestamptz[]) WITH ORDINALITY AS s(member_id, day_start, ord)
),
sender AS MATERIALIZED (
  SELECT d.member_id, latest.sender_seq, latest.sender_total_cents, latest.created_at,
         before_minute.sender_seq AS before_minute_seq, first_in_minute.created_at AS first_in_minute_at
    FROM (SELECT DISTINCT member_id FROM asked) d
    LEFT JOIN LATERAL (
      SELECT sender_seq, sender_total_cents, created_at FROM transfers
       WHERE from_member_id = d.member_id
       ORDER BY created_at DESC, sender_seq DESC LIMIT 1) latest ON true
    LEFT JOIN LATERAL (
      SELECT sender_seq FROM transfers
       WHERE latest.created_at > now() - interval '60 seconds'
         AND from_member_id = d.member_id AND created_at <= now() - interval '60 seconds'
       ORDER BY created_at DESC, sender_seq DESC LIMIT 1) before_minute ON true
    LEFT JOIN LATERAL (
      SELECT created_at FROM transfers
       WHERE latest.created_at > now() - interval '60 seconds'
         AND from_member_id = d.member_id AND created_at > now() - interval '60 seconds'
       ORDER BY created_at, sender_seq LIMIT 1) first_in_minute ON true
)
SELECT a.ord,
       coalesce(s.sender_seq, 0),
       coalesce(s.sender_total_cents, 0),
       coalesce((extract(epoch FROM s.created_at) * 1000000)::bigint, 0),
       CASE WHEN s.created_at > now() - interval '60 seconds' THEN s.sender_seq - coalesce(s.before_minute_seq, 0) ELSE 0 END,
       coalesce(ceil(extract(epoch FROM s.first_in_minute_at + interval '60 seconds' - now()))::bigint, 0),
       CASE WHEN s.created_at >= a.day_start THEN s.sender_total_cents - coalesce(before_day.sender_total_cents, 0) ELSE 0 END
  FROM asked a
  JOIN sender s ON s.member_id = a.member_id
  LEFT JOIN LATERAL (
    SELECT sender_total_cents FROM transfers
     WHERE s.created_at >= a.day_start
       AND from_member_id = a.member_id AND created_at < a.day_start
     ORDER BY created_at DESC, sender_seq DESC LIMIT 1) before_day ON true
 ORDER BY a.ord
