-- What the ledger has recorded stays as it was recorded, whoever holds a connection: the
-- guards of 0002 and 0017 (entries, commissions) now cover the rest of the money's history.
--
-- - A transfer is history, like its two entries: it never changes and is never removed. Its
--   running count and total (sender_seq, sender_total_cents, 0011) are what the limits read,
--   so a rewritten transfer would also move a sender's limits.
-- - TRUNCATE fires no row trigger, so a table whose rows refused DELETE one by one still let
--   TRUNCATE empty it: every such table now refuses it, as the entries and wallets always did.
-- - A withdrawal's request (member, amount, bank details) never changes, and it is decided
--   once: a decided withdrawal's row never changes again, so a paid withdrawal cannot be made
--   pending again and then rejected, releasing its hold a second time. Rows are never removed.
--   Bank details are never sealed again here: keys rotate by keeping the old ones to open
--   old values (docs/server.md, NNW_DATA_KEYS); a job that re-sealed them would loosen this.
-- - An order changes once, CONFIRMED → CANCELLED with its time; what it cost, and how it was
--   paid, never change, and orders are never removed (their lines, cashbacks and events name
--   them).
-- - An idempotency key's stored response never changes and keys are never removed: a replay
--   returns what the first request was answered, however long after. The one update a key
--   receives is its claim (status 0, idempotency_claim.sql) taking its response, once.
--
-- All are BEFORE row triggers on UPDATE and DELETE, or statement triggers on TRUNCATE: an
-- INSERT, which is all that booking a transfer does, fires none of them.

CREATE TRIGGER transfers_append_only
  BEFORE UPDATE OR DELETE ON transfers
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- One message for every table: refuse_change says "append-only", which products, campaigns,
-- withdrawals and keys are not (their rows change in the ways their own guards allow).
CREATE FUNCTION refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are never removed: TRUNCATE refused', TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

-- Every table whose rows a trigger keeps from being deleted (tests/server/ledger_guards_test.cpp
-- checks that none is left out).
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['transfers', 'withdrawals', 'idempotency_keys', 'audit_log', 'member_changes',
                           'order_lines', 'cashback_usage', 'cashback_events', 'loyalty_events', 'products',
                           'product_prices', 'travel_campaigns', 'travel_promo_windows', 'travel_events', 'orders'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate()',
                   t || '_no_truncate', t);
  END LOOP;
END $$;

CREATE FUNCTION guard_withdrawal_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'withdrawals are never removed: DELETE refused'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.status <> 'PENDIENTE' THEN
    RAISE EXCEPTION 'withdrawal % is % and was decided once: UPDATE refused', OLD.id, OLD.status
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF (NEW.id, NEW.member_id, NEW.amount_cents, NEW.currency, NEW.bank_details_sealed, NEW.key_id, NEW.bank_code,
      NEW.clabe_last4, NEW.requested_at)
     IS DISTINCT FROM (OLD.id, OLD.member_id, OLD.amount_cents, OLD.currency, OLD.bank_details_sealed, OLD.key_id,
                       OLD.bank_code, OLD.clabe_last4, OLD.requested_at) THEN
    RAISE EXCEPTION 'withdrawal % keeps its request as it was made: only its decision is written', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.status = 'PENDIENTE' AND ROW(NEW.*) IS DISTINCT FROM ROW(OLD.*) THEN
    RAISE EXCEPTION 'withdrawal % is pending: it changes only by its decision', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER withdrawals_decided_once
  BEFORE UPDATE OR DELETE ON withdrawals
  FOR EACH ROW EXECUTE FUNCTION guard_withdrawal_change();

CREATE FUNCTION guard_order_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.status <> 'CONFIRMED' OR NEW.status <> 'CANCELLED'
     OR (to_jsonb(NEW) - 'status' - 'cancelled_at') IS DISTINCT FROM (to_jsonb(OLD) - 'status' - 'cancelled_at') THEN
    RAISE EXCEPTION 'orders: only CONFIRMED → CANCELLED is allowed (% refused)', TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER orders_cancelled_once
  BEFORE UPDATE OR DELETE ON orders
  FOR EACH ROW EXECUTE FUNCTION guard_order_change();

CREATE FUNCTION guard_idempotency_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status_code = 0 AND NEW.status_code <> 0
     AND (NEW.principal, NEW.key, NEW.request_hash, NEW.created_at)
         IS NOT DISTINCT FROM (OLD.principal, OLD.key, OLD.request_hash, OLD.created_at) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'idempotency keys keep their stored response and are never removed: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER idempotency_keys_stored_once
  BEFORE UPDATE OR DELETE ON idempotency_keys
  FOR EACH ROW EXECUTE FUNCTION guard_idempotency_key_change();
