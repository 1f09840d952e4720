-- A poke names the transaction that made the change: the payload on "member_changes" becomes
-- "<member id or *>:<xid>". A client that was poked pulls until its cursor has passed that
-- transaction id: only then is the change servable (every older transaction has ended, see
-- 0008), and a pull that returned nothing new meanwhile is not mistaken for "nothing to see".
CREATE OR REPLACE FUNCTION record_member_change(p_member uuid, p_kind text, p_payload jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO member_changes (member_id, kind, payload) VALUES (p_member, p_kind, p_payload);
  PERFORM pg_notify('member_changes', coalesce(p_member::text, '*') || ':' || pg_current_xact_id()::text);
END $$;

CREATE OR REPLACE FUNCTION wallet_entries_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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
    FROM (SELECT pg_notify('member_changes', m.member_id::text || ':' || pg_current_xact_id()::text)
            FROM (SELECT DISTINCT member_id FROM inserted) m) notified;
  RETURN NULL;
END $$;
