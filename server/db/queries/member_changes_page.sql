-- A page of the member's changes (and everyone's) after the cursor ($2 xid, $3 id), among
-- those whose transaction ended before the oldest one still running: all settled, so no
-- row can later appear before the cursor. $4: page size. The last column: that horizon.
WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
SELECT c.id, c.xid::text, c.member_id IS NULL, c.kind, c.payload::text,
       to_char(c.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), h.xmin::text
  FROM horizon h
  JOIN member_changes c ON (c.member_id = $1::uuid OR c.member_id IS NULL)
                       AND (c.xid, c.id) > ($2::text::xid8, $3::bigint)
                       AND c.xid < h.xmin
 ORDER BY c.xid, c.id
 LIMIT $4
