-- A wallet entry's change row names its entry (entry_id) instead of carrying a copy of it as
-- its payload. Entries are never updated or deleted (0002), so the payload a pull builds from
-- the entry is the one the trigger used to store, the same JSON to the byte (one function,
-- below, builds it). Building and storing the copy was most of each change row (240 of its
-- 320 bytes) and about a third of the change trigger's time: 90 of 225 ms for a deposit batch
-- of 10,000 entries (docs/server.md "Sync: the member's change history"). A pull reads one
-- entry by its primary key per WALLET_ENTRY row it serves, which only happens when a member
-- opens the app or is poked.
--
-- Rows written before this migration keep their payload, and member_changes_page.sql serves
-- either kind. No foreign key: entry_id is only written by the trigger, from the entries its
-- own statement inserted, and no entry is ever removed (a key's check per row is what 0018
-- took off the entries themselves).

ALTER TABLE member_changes ADD COLUMN entry_id bigint;
ALTER TABLE member_changes ALTER COLUMN payload DROP NOT NULL;
-- Each row has exactly one of the two: a WALLET_ENTRY row may name its entry instead of
-- carrying its payload; every other kind carries its payload (still a JSON object, 0008).
ALTER TABLE member_changes ADD CONSTRAINT member_changes_payload_or_entry
  CHECK (CASE WHEN payload IS NULL THEN kind = 'WALLET_ENTRY' AND entry_id IS NOT NULL
              ELSE entry_id IS NULL END);

-- The sync payload of a wallet entry (docs/sync.md): the fields 0009 stored, built the same way.
CREATE FUNCTION wallet_entry_change_payload(e wallet_entries) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('entry_id', e.id, 'type', e.type, 'amount_cents', e.amount_cents,
                            'balance_after_cents', e.balance_after_cents, 'currency', e.currency,
                            'order_id', e.order_id, 'transfer_id', e.transfer_id, 'withdrawal_id', e.withdrawal_id,
                            'created_at', to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
$$;

CREATE OR REPLACE FUNCTION wallet_entries_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  members_notified bigint;
BEGIN
  WITH inserted AS (
    INSERT INTO member_changes (member_id, kind, entry_id)
    SELECT w.member_id, 'WALLET_ENTRY', e.id
      FROM new_entries e JOIN wallets w ON w.id = e.wallet_id
     ORDER BY e.id
    RETURNING member_id
  )
  SELECT count(*) INTO members_notified
    FROM (SELECT pg_notify('member_changes', m.member_id::text || ':' || pg_current_xact_id()::text)
            FROM (SELECT DISTINCT member_id FROM inserted) m) notified;
  RETURN NULL;
END $$;
