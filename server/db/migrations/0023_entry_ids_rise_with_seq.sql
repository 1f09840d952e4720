-- A wallet's entry ids rise with its seq, and the database now says so: the chain check
-- refuses an entry whose id is not above its predecessor's. Every writer already inserted a
-- wallet's entries in seq order under the wallet's lock, and the sync client already counted
-- on it (member_sync_wallet.sql: an entry pulled again must not set the balance back). Held
-- by the database, it lets one index serve both orders: the history pages by seq on the
-- chain's own unique (wallet_id, seq), and wallet_entries_history_idx (wallet_id, id DESC)
-- goes: every entry wrote it, at a random place, and nothing else needed it. Without it the
-- entries' indexes are about a quarter smaller and a transfer writes less WAL; what that did
-- to throughput is in docs/postgres.md "Checkpoints".
--
-- Entries written before this migration are checked once, here: a wallet whose ids do not
-- rise with seq stops the migration, naming it, rather than page wrongly.

DO $$
DECLARE
  broken record;
BEGIN
  SELECT wallet_id, seq, id, previous_id INTO broken
    FROM (SELECT wallet_id, seq, id, lag(id) OVER (PARTITION BY wallet_id ORDER BY seq) AS previous_id
            FROM wallet_entries) e
   WHERE id < previous_id
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'wallet % entry seq % has id %, below the previous entry''s %: its ids do not rise with seq',
      broken.wallet_id, broken.seq, broken.id, broken.previous_id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
END $$;

CREATE OR REPLACE FUNCTION check_entries_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  broken record;
BEGIN
  SELECT e.wallet_id, e.seq, e.id, e.balance_before_cents, p.id AS previous_id, p.balance_after_cents AS previous_after,
         e.seq > 1 AND p.wallet_id IS NULL AS orphan, e.id <= p.id AS id_behind
    INTO broken
    FROM new_entries e
    LEFT JOIN wallet_entries p ON p.wallet_id = e.wallet_id AND p.seq = e.seq - 1
   WHERE (e.seq > 1 AND p.wallet_id IS NULL)
      OR e.balance_before_cents <> CASE WHEN e.seq = 1 THEN 0 ELSE p.balance_after_cents END
      OR e.id <= p.id
   LIMIT 1;
  IF NOT FOUND THEN
    SELECT n.wallet_id, n.last_seq, w.entry_count, w.id IS NULL AS no_wallet
      INTO broken
      FROM (SELECT wallet_id, max(seq) AS last_seq FROM new_entries GROUP BY wallet_id) n
      LEFT JOIN wallets w ON w.id = n.wallet_id
     WHERE w.id IS NULL OR w.entry_count <> n.last_seq
     LIMIT 1;
    IF NOT FOUND THEN
      RETURN NULL;
    ELSIF broken.no_wallet THEN
      RAISE EXCEPTION 'entries name wallet %, which does not exist', broken.wallet_id
        USING ERRCODE = 'foreign_key_violation';
    END IF;
    RAISE EXCEPTION 'wallet % has entry_count % but its entries reach seq %', broken.wallet_id, broken.entry_count, broken.last_seq
      USING ERRCODE = 'integrity_constraint_violation';
  ELSIF broken.orphan THEN
    RAISE EXCEPTION 'wallet % entry seq % has no predecessor', broken.wallet_id, broken.seq
      USING ERRCODE = 'integrity_constraint_violation';
  ELSIF broken.id_behind THEN
    RAISE EXCEPTION 'wallet % entry seq % has id %, not above the previous entry''s %',
      broken.wallet_id, broken.seq, broken.id, broken.previous_id
      USING ERRCODE = 'integrity_constraint_violation';
  ELSE
    RAISE EXCEPTION 'wallet % entry seq % starts at % but the previous entry ended at %',
      broken.wallet_id, broken.seq, broken.balance_before_cents, coalesce(broken.previous_after, 0)
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
END $$;

DROP INDEX wallet_entries_history_idx;
