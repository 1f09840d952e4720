-- A page of the member's changes (and everyone's) after the cursor ($2 xid, $3 id), among
-- those whose transaction ended before the oldest one still running: all settled, so no
-- row can later appear before the cursor. $4: page size.
--
-- The horizon comes from this statement's own snapshot, in every row, and in a row of NULLs
-- when the page is empty: a horizon read by a second statement could pass a transaction that
-- committed between the two, whose changes this page did not see (and the cursor, moved to
-- that horizon, would skip them for good).
--
-- Two tables hold changes: member_changes, and since 0022 the wallet entries themselves, at
-- positions drawn from the same sequence. Each side gives its first $4 after the cursor, and
-- the page is the first $4 of both, in position order. A WALLET_ENTRY's payload is built from
-- its entry by wallet_entry_change_payload (0019), for an entry and for a member_changes row
-- that names one alike; older rows of member_changes carry theirs.
WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
page AS (
  (SELECT c.id, c.xid, c.member_id IS NULL AS everyone, c.kind, c.payload, c.entry_id, c.at
     FROM horizon h
     JOIN member_changes c ON (c.member_id = $1::uuid OR c.member_id IS NULL)
                          AND (c.xid, c.id) > ($2::text::xid8, $3::bigint)
                          AND c.xid < h.xmin
    ORDER BY c.xid, c.id
    LIMIT $4)
  UNION ALL
  (SELECT e.change_id, e.change_xid, false, 'WALLET_ENTRY', NULL::jsonb, e.id, e.created_at
     FROM horizon h
     JOIN wallets w ON w.member_id = $1::uuid
     JOIN wallet_entries e ON e.wallet_id = w.id
                          AND (e.change_xid, e.change_id) > ($2::text::xid8, $3::bigint)
                          AND e.change_xid < h.xmin
    ORDER BY e.change_xid, e.change_id
    LIMIT $4)
  ORDER BY 2, 1
  LIMIT $4)
SELECT p.id, p.xid::text, p.everyone, p.kind, coalesce(p.payload, wallet_entry_change_payload(e))::text,
       to_char(p.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), h.xmin::text
  FROM horizon h
  LEFT JOIN page p ON true
  LEFT JOIN wallet_entries e ON e.id = p.entry_id
 ORDER BY p.xid, p.id
