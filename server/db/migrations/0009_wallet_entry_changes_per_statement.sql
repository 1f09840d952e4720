-- Wallet entries' change rows, written per statement instead of per row: the deposit job
-- inserts 10,000 entries in one statement, and a PL/pgSQL call, a wallet lookup and a NOTIFY
-- for each of them more than doubled its time (docs/benchmarks-server.md). One set-based
-- INSERT from the statement's new rows, and one NOTIFY per member touched, record the same
-- rows in the same transaction.

DROP TRIGGER wallet_entries_changes ON wallet_entries;
DROP FUNCTION wallet_entry_changed();

CREATE FUNCTION wallet_entries_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  members_notified bigint;
BEGIN
  WITH inserted AS (
    INSERT INTO member_changes (member_id, kind, payload)
    SELECT w.member_id, 'WALLET_ENTRY',
           jsonb_build_object('entry_id', e.id, 'type', e.type, 'amount_cents', e.amount_cents,
                              'balance_after_cents', e.balance_after_cents, 'currency', e.currency,
                              'order_id', e.order_id, 'transfer_id', e.transfer_id, 'withdrawal_id', e.withdrawal_id,
                              'created_at', to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
      FROM new_entries e JOIN wallets w ON w.id = e.wallet_id
     ORDER BY e.id
    RETURNING member_id
  )
  SELECT count(*) INTO members_notified
    FROM (SELECT pg_notify('member_changes', m.member_id::text)
            FROM (SELECT DISTINCT member_id FROM inserted) m) notified;
  RETURN NULL;
END $$;
CREATE TRIGGER wallet_entries_changes AFTER INSERT ON wallet_entries
  REFERENCING NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION wallet_entries_changed();
