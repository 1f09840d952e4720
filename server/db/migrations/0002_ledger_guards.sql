-- The database's own guarantees over the ledger, independent of the server's code:
-- entries are append-only, each entry continues its wallet's chain, and a wallet's balance
-- equals its last entry's balance_after at every commit.

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER wallet_entries_append_only
  BEFORE UPDATE OR DELETE ON wallet_entries
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER wallet_entries_no_truncate
  BEFORE TRUNCATE ON wallet_entries
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- Checked at commit, so a transaction may insert several entries of one wallet in any order.
CREATE FUNCTION check_entry_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  previous_after bigint;
BEGIN
  IF NEW.seq = 1 THEN
    previous_after := 0;
  ELSE
    SELECT balance_after_cents INTO previous_after
      FROM wallet_entries WHERE wallet_id = NEW.wallet_id AND seq = NEW.seq - 1;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'wallet % entry seq % has no predecessor', NEW.wallet_id, NEW.seq
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
  END IF;
  IF NEW.balance_before_cents <> previous_after THEN
    RAISE EXCEPTION 'wallet % entry seq % starts at % but the previous entry ended at %',
      NEW.wallet_id, NEW.seq, NEW.balance_before_cents, previous_after
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER wallet_entries_chain
  AFTER INSERT ON wallet_entries
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION check_entry_chain();

CREATE FUNCTION check_wallet_balance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last_after bigint;
BEGIN
  IF NEW.entry_count = 0 THEN
    last_after := 0;
  ELSE
    SELECT balance_after_cents INTO last_after
      FROM wallet_entries WHERE wallet_id = NEW.id AND seq = NEW.entry_count;
  END IF;
  IF last_after IS DISTINCT FROM NEW.balance_cents THEN
    RAISE EXCEPTION 'wallet % balance % differs from its last entry (%)', NEW.id, NEW.balance_cents, last_after
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER wallets_balance_matches_entries
  AFTER INSERT OR UPDATE ON wallets
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION check_wallet_balance();
