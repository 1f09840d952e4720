-- A wallet entry is its own change in the sync feed: it carries the feed position that its
-- row in member_changes used to have, and that row is no longer written. Since 0019 the row
-- held only the member, the entry's id and a position, yet writing it (a heap row, two index
-- entries, three CHECKs, the join to find the member) was the largest single cost left in a
-- batch of transfers: a batch of 32 booked alone in about 9% less time without it, the
-- entries' own new index included (docs/server.md "Sync: the member's change history").
--
-- The position keeps its meaning and its values' source, so the cursor and the clients are
-- unchanged:
--   change_xid  the transaction that wrote the entry, as member_changes.xid;
--   change_id   drawn from member_changes' own id sequence, so a position (xid, id) names one
--               change whichever table holds it, and both tables' changes interleave in one
--               order.
-- A pull (member_changes_page.sql) merges the member's rows of member_changes with the
-- entries of the member's wallet, by position.
--
-- Entries written before this migration have neither (their rows in member_changes, written
-- then, still serve them), so the columns stay nullable; the NOT VALID CHECK holds every entry
-- written from now on to both, so no entry can miss the feed.

ALTER TABLE wallet_entries ADD COLUMN change_xid xid8, ADD COLUMN change_id bigint;
ALTER TABLE wallet_entries
  ALTER COLUMN change_xid SET DEFAULT pg_current_xact_id(),
  ALTER COLUMN change_id SET DEFAULT nextval('member_changes_id_seq'),
  ADD CONSTRAINT wallet_entries_in_the_sync_feed CHECK (change_xid IS NOT NULL AND change_id IS NOT NULL) NOT VALID;
-- A pull reads one wallet's entries after a position, in position order.
CREATE INDEX wallet_entries_changes_idx ON wallet_entries (wallet_id, change_xid, change_id);

-- What is left of the change trigger: the poke, one per member whose wallet got entries,
-- naming the transaction (0010), still sent at commit.
CREATE OR REPLACE FUNCTION wallet_entries_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  members_notified bigint;
BEGIN
  SELECT count(*) INTO members_notified
    FROM (SELECT pg_notify('member_changes', m.member_id::text || ':' || pg_current_xact_id()::text)
            FROM (SELECT DISTINCT w.member_id FROM new_entries e JOIN wallets w ON w.id = e.wallet_id) m) notified;
  RETURN NULL;
END $$;
