-- The change history the sync protocol serves (docs/server.md "Sync"): one row per change
-- to a member's state, appended by triggers in the same transaction as the change, so no
-- change commits without its row and a rolled-back change leaves none. member_id NULL: a
-- change that concerns everyone (the catalog, the rules configuration).
--
-- Ordering. Identity values are handed out when rows are inserted, not when transactions
-- commit, so a reader that pages by id alone could pass over a row whose transaction was
-- still in flight with a smaller id. Each row therefore keeps the id of the transaction that
-- wrote it (xid), and a pull serves only rows whose transaction is older than the oldest one
-- still running (the snapshot's xmin): those are all settled, and no new row can ever appear
-- among them. The cursor is the position (xid, id) of the last row served.
--
-- Each row carries the changed object's new state (payload), so applying one twice, or
-- after a snapshot that already showed it, leaves the same state.

CREATE TABLE member_changes (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  xid         xid8 NOT NULL DEFAULT pg_current_xact_id(),
  member_id   uuid REFERENCES members (id),
  kind        text NOT NULL CHECK (kind IN ('WALLET_ENTRY', 'ORDER', 'CASHBACK', 'LOYALTY', 'LOYALTY_REWARD',
                                            'TRAVEL_EVENT', 'WITHDRAWAL', 'CATALOG', 'RULES')),
  payload     jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX member_changes_member_idx ON member_changes (member_id, xid, id);
CREATE INDEX member_changes_global_idx ON member_changes (xid, id) WHERE member_id IS NULL;
CREATE TRIGGER member_changes_append_only BEFORE UPDATE OR DELETE ON member_changes
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Changes happen after pg_notify is sent at commit: the poke channel ("member_changes",
-- payload = member id, or "*" for everyone) for the WebSocket side.
CREATE FUNCTION record_member_change(p_member uuid, p_kind text, p_payload jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO member_changes (member_id, kind, payload) VALUES (p_member, p_kind, p_payload);
  PERFORM pg_notify('member_changes', coalesce(p_member::text, '*'));
END $$;

CREATE FUNCTION wallet_entry_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM record_member_change(
    (SELECT member_id FROM wallets WHERE id = NEW.wallet_id), 'WALLET_ENTRY',
    jsonb_build_object('entry_id', NEW.id, 'type', NEW.type, 'amount_cents', NEW.amount_cents,
                       'balance_after_cents', NEW.balance_after_cents, 'currency', NEW.currency,
                       'order_id', NEW.order_id, 'transfer_id', NEW.transfer_id, 'withdrawal_id', NEW.withdrawal_id,
                       'created_at', to_char(NEW.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')));
  RETURN NULL;
END $$;
CREATE TRIGGER wallet_entries_changes AFTER INSERT ON wallet_entries
  FOR EACH ROW EXECUTE FUNCTION wallet_entry_changed();

CREATE FUNCTION order_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM record_member_change(NEW.member_id, 'ORDER',
    jsonb_build_object('order_id', NEW.id, 'status', NEW.status, 'period', NEW.period, 'cart_pv', NEW.cart_pv,
                       'total_cents', NEW.total_cents, 'discount_cents', NEW.discount_cents,
                       'wallet_cents', NEW.wallet_cents, 'currency', NEW.currency));
  RETURN NULL;
END $$;
CREATE TRIGGER orders_changes AFTER INSERT OR UPDATE OF status ON orders
  FOR EACH ROW EXECUTE FUNCTION order_changed();

CREATE FUNCTION cashback_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM record_member_change(NEW.member_id, 'CASHBACK',
    jsonb_build_object('cashback_id', NEW.id, 'period', NEW.period, 'status', NEW.status,
                       'value_cents', NEW.value_cents, 'currency', NEW.currency,
                       'expires_at', to_char(NEW.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')));
  RETURN NULL;
END $$;
CREATE TRIGGER cashbacks_changes AFTER INSERT OR UPDATE OF status ON cashbacks
  FOR EACH ROW EXECUTE FUNCTION cashback_changed();

CREATE FUNCTION loyalty_event_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM record_member_change(NEW.member_id, 'LOYALTY',
    jsonb_build_object('type', NEW.type, 'period', NEW.period, 'order_id', NEW.order_id,
                       'points_after', NEW.points_after, 'consecutive_months', NEW.consecutive_months,
                       'at', to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')));
  RETURN NULL;
END $$;
CREATE TRIGGER loyalty_events_changes AFTER INSERT ON loyalty_events
  FOR EACH ROW EXECUTE FUNCTION loyalty_event_changed();

CREATE FUNCTION loyalty_reward_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM record_member_change(NEW.member_id, 'LOYALTY_REWARD',
    jsonb_build_object('reward_entitlement_id', NEW.id, 'period', NEW.period, 'status', NEW.status,
                       'reward_id', NEW.reward_id));
  RETURN NULL;
END $$;
CREATE TRIGGER loyalty_rewards_changes AFTER INSERT OR UPDATE OF status, reward_id ON loyalty_rewards
  FOR EACH ROW EXECUTE FUNCTION loyalty_reward_changed();

CREATE FUNCTION travel_event_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM record_member_change(NEW.member_id, 'TRAVEL_EVENT',
    jsonb_build_object('event_id', NEW.event_id, 'type', NEW.type, 'kit', NEW.kit, 'rank', NEW.rank,
                       'revoked', NEW.revoked_at IS NOT NULL,
                       'occurred_at', to_char(NEW.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')));
  RETURN NULL;
END $$;
CREATE TRIGGER travel_events_changes AFTER INSERT OR UPDATE OF revoked_at ON travel_events
  FOR EACH ROW EXECUTE FUNCTION travel_event_changed();

-- Bank details never leave the withdrawals table: the payload names the status only.
CREATE FUNCTION withdrawal_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM record_member_change(NEW.member_id, 'WITHDRAWAL',
    jsonb_build_object('withdrawal_id', NEW.id, 'status', NEW.status, 'amount_cents', NEW.amount_cents,
                       'currency', NEW.currency));
  RETURN NULL;
END $$;
CREATE TRIGGER withdrawals_changes AFTER INSERT OR UPDATE OF status ON withdrawals
  FOR EACH ROW EXECUTE FUNCTION withdrawal_changed();

-- The catalog concerns everyone: one change per transaction that changes products or prices
-- (an import of thousands of rows is one change); clients refetch GET /v1/catalog.
CREATE FUNCTION catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM member_changes
                  WHERE member_id IS NULL AND kind = 'CATALOG' AND xid = pg_current_xact_id()) THEN
    PERFORM record_member_change(NULL, 'CATALOG', jsonb_build_object('catalog_changed', true));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER products_changes AFTER INSERT OR UPDATE ON products
  FOR EACH ROW EXECUTE FUNCTION catalog_changed();
CREATE TRIGGER product_prices_changes AFTER INSERT OR UPDATE ON product_prices
  FOR EACH ROW EXECUTE FUNCTION catalog_changed();
