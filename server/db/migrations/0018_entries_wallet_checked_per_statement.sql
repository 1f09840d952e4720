-- An entry's wallet is checked once per statement, by the chain check, instead of once per
-- entry by a foreign key. The key's trigger ran one lookup in wallets for every entry, after
-- the statement had already locked and moved that very wallet: 85 ms of a 10,000-commission
-- deposit batch under EXPLAIN ANALYZE (docs/server.md "Database guarantees"). The chain
-- check joins every new entry's wallet anyway (to compare its entry_count); it now also
-- refuses an entry whose wallet does not exist. What the key also guaranteed, that a wallet
-- with entries is never removed, is now stricter: no wallet is ever deleted, truncated or
-- renumbered.

CREATE OR REPLACE FUNCTION check_entries_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  broken record;
BEGIN
  SELECT e.wallet_id, e.seq, e.balance_before_cents, p.balance_after_cents AS previous_after,
         e.seq > 1 AND p.wallet_id IS NULL AS orphan
    INTO broken
    FROM new_entries e
    LEFT JOIN wallet_entries p ON p.wallet_id = e.wallet_id AND p.seq = e.seq - 1
   WHERE (e.seq > 1 AND p.wallet_id IS NULL)
      OR e.balance_before_cents <> CASE WHEN e.seq = 1 THEN 0 ELSE p.balance_after_cents END
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
  ELSE
    RAISE EXCEPTION 'wallet % entry seq % starts at % but the previous entry ended at %',
      broken.wallet_id, broken.seq, broken.balance_before_cents, coalesce(broken.previous_after, 0)
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
END $$;

CREATE FUNCTION refuse_wallet_removal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'wallets are never removed or renumbered: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER wallets_never_deleted BEFORE DELETE ON wallets
  FOR EACH ROW EXECUTE FUNCTION refuse_wallet_removal();
CREATE TRIGGER wallets_never_renumbered BEFORE UPDATE OF id ON wallets
  FOR EACH ROW EXECUTE FUNCTION refuse_wallet_removal();
CREATE TRIGGER wallets_no_truncate BEFORE TRUNCATE ON wallets
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_wallet_removal();

ALTER TABLE wallet_entries DROP CONSTRAINT wallet_entries_wallet_id_fkey;
