-- For each pair of a sender ($1) and the start of a local day ($2, from the market calendar):
-- its latest transfer's running count, running total and time (Unix µs); the transfers it
-- made in the last minute and their seconds until the oldest leaves that minute; and the
-- total it sent since that day began. Each is one short index probe on (from_member_id,
-- created_at, sender_seq), whatever the sender sent before (see 0011). The probes past the
-- latest are gated on its time: when it is older than the minute, none of the sender's
-- transfers is in the minute, and when it is older than the day, the day's total is 0, so a
-- sender who sends seldom costs one probe, not four. A batch reads this in
-- the round trip that reads its senders' markets, so it asks for the day start of each
-- market the rules know (one pair per sender while those days begin at the same instant).
SELECT s.ord,
       coalesce(latest.sender_seq, 0),
       coalesce(latest.sender_total_cents, 0),
       coalesce((extract(epoch FROM latest.created_at) * 1000000)::bigint, 0),
       CASE WHEN latest.created_at > m.minute_start
            THEN latest.sender_seq - coalesce(before_minute.sender_seq, 0) ELSE 0 END,
       coalesce(ceil(extract(epoch FROM first_in_minute.created_at - m.minute_start))::bigint, 0),
       CASE WHEN latest.created_at >= s.day_start
            THEN latest.sender_total_cents - coalesce(before_day.sender_total_cents, 0) ELSE 0 END
  FROM unnest($1::uuid[], $2::timestamptz[]) WITH ORDINALITY AS s(member_id, day_start, ord)
 CROSS JOIN (SELECT now() - interval '60 seconds') AS m(minute_start)
  LEFT JOIN LATERAL (
    SELECT sender_seq, sender_total_cents, created_at FROM transfers
     WHERE from_member_id = s.member_id
     ORDER BY created_at DESC, sender_seq DESC LIMIT 1) latest ON true
  LEFT JOIN LATERAL (
    SELECT sender_seq FROM transfers
     WHERE latest.created_at > m.minute_start
       AND from_member_id = s.member_id AND created_at <= m.minute_start
     ORDER BY created_at DESC, sender_seq DESC LIMIT 1) before_minute ON true
  LEFT JOIN LATERAL (
    SELECT created_at FROM transfers
     WHERE latest.created_at > m.minute_start
       AND from_member_id = s.member_id AND created_at > m.minute_start
     ORDER BY created_at, sender_seq LIMIT 1) first_in_minute ON true
  LEFT JOIN LATERAL (
    SELECT sender_total_cents FROM transfers
     WHERE latest.created_at >= s.day_start
       AND from_member_id = s.member_id AND created_at < s.day_start
     ORDER BY created_at DESC, sender_seq DESC LIMIT 1) before_day ON true
 ORDER BY s.ord
