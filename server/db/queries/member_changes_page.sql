-- A page of the member's changes (and everyone's) after the cursor ($2 xid, $3 id), among
-- those whose transaction ended before the oldest one still running: all settled, so no
-- row can later appear before the cursor. $4: page size.
--
-- The horizon comes from this statement's own snapshot, in every row, and in a row of NULLs
-- when the page is empty: a horizon read by a second statement could pass a transaction that
-- committed between the two, whose changes this page did not see (and the cursor, moved to
-- that horizon, would skip them for good).
--
-- A WALLET_ENTRY row written since 0019 names its entry instead of carrying its payload: the
-- payload is built here from the entry, by wallet_entry_change_payload (0019): the JSON the
-- trigger stored before.
WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
page AS (
  SELECT c.id, c.xid, c.member_id IS NULL AS everyone, c.kind, c.payload, c.entry_id, c.at
    FROM horizon h
    JOIN member_changes c ON (c.member_id = $1::uuid OR c.member_id IS NULL)
                         AND (c.xid, c.id) > ($2::text::xid8, $3::bigint)
                         AND c.xid < h.xmin
   ORDER BY c.xid, c.id
   LIMIT $4)
SELECT p.id, p.xid::text, p.everyone, p.kind, coalesce(p.payload, wallet_entry_change_payload(e))::text,
       to_char(p.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), h.xmin::text
  FROM horizon h
  LEFT JOIN page p ON true
  LEFT JOIN wallet_entries e ON e.id = p.entry_id
 ORDER BY p.xid, p.id
