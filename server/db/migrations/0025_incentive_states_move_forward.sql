-- The incentives' and the authenticator's states move only the ways their rules move them,
-- whoever holds a connection, as 0024 made withdrawals and orders do.
--
-- - A cashback is worth what its crossing order made it worth, for its member and its month:
--   only its status (with the order that spent it, and when) ever changes, along the moves
--   checkout.cpp and the expiry job make. EXPIRED and REVOKED are final; a cashback spent on
--   another order than the one that generated it keeps that discount (cancelling the
--   generating order does not revoke it, RULES.md). Cashbacks are never removed: their
--   events and usage name them.
-- - A loyalty reward is earned once for its member and month: PENDIENTE → ELEGIDA (the member
--   may choose again) → ENTREGADA with the reward chosen; a delivered reward never changes,
--   and rewards are never removed.
-- - A confirmed authenticator keeps its secret, and the last time step it accepted only
--   rises: "a code never accepted twice" (RFC 6238 step-up) holds even against a statement
--   that would set the counter back. Before confirmation a new enrolment replaces the secret
--   (totp_enrol.sql); an enrolment may be removed, so a lost phone can be enrolled afresh.
--
-- All are BEFORE UPDATE/DELETE row triggers and TRUNCATE statement triggers: inserting a
-- cashback or a reward fires none of them.

CREATE FUNCTION guard_cashback_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'cashbacks are never removed: DELETE refused'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF (to_jsonb(NEW) - 'status' - 'used_by_order' - 'updated_at')
     IS DISTINCT FROM (to_jsonb(OLD) - 'status' - 'used_by_order' - 'updated_at') THEN
    RAISE EXCEPTION 'cashback % keeps its member, month, value and end: only its status changes', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF (OLD.status, NEW.status) NOT IN (('AVAILABLE', 'USED'), ('AVAILABLE', 'EXPIRED'), ('AVAILABLE', 'REVOKED'),
                                      ('USED', 'AVAILABLE'), ('USED', 'EXPIRED'), ('USED', 'REVOKED')) THEN
    RAISE EXCEPTION 'cashback % cannot go from % to %', OLD.id, OLD.status, NEW.status
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.status = 'USED' AND NEW.status = 'REVOKED' AND OLD.used_by_order <> OLD.generated_by_order THEN
    RAISE EXCEPTION 'cashback % was spent on another order than its own: that discount stands', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER cashbacks_move_forward
  BEFORE UPDATE OR DELETE ON cashbacks
  FOR EACH ROW EXECUTE FUNCTION guard_cashback_change();

CREATE FUNCTION guard_loyalty_reward_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'loyalty rewards are never removed: DELETE refused'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF (NEW.id, NEW.member_id, NEW.period, NEW.earned_at) IS DISTINCT FROM (OLD.id, OLD.member_id, OLD.period, OLD.earned_at) THEN
    RAISE EXCEPTION 'loyalty reward % keeps its member, month and when it was earned', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.status = 'ENTREGADA' THEN
    RAISE EXCEPTION 'loyalty reward % was delivered: UPDATE refused', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.status = 'PENDIENTE' THEN
    RAISE EXCEPTION 'loyalty reward %: a choice is never undone, and a pending reward changes only by one', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.status = 'ENTREGADA' AND (OLD.status <> 'ELEGIDA' OR (NEW.reward_id, NEW.chosen_at)
                                   IS DISTINCT FROM (OLD.reward_id, OLD.chosen_at)) THEN
    RAISE EXCEPTION 'loyalty reward % is delivered as it was chosen', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.status = 'ELEGIDA' AND NEW.delivered_by IS NOT NULL THEN
    RAISE EXCEPTION 'loyalty reward % is not delivered: it has no one who delivered it', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER loyalty_rewards_move_forward
  BEFORE UPDATE OR DELETE ON loyalty_rewards
  FOR EACH ROW EXECUTE FUNCTION guard_loyalty_reward_change();

CREATE TRIGGER cashbacks_no_truncate BEFORE TRUNCATE ON cashbacks
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();
CREATE TRIGGER loyalty_rewards_no_truncate BEFORE TRUNCATE ON loyalty_rewards
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();

CREATE FUNCTION guard_totp_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.confirmed_at IS NOT NULL
     AND ((NEW.member_id, NEW.secret_sealed, NEW.key_id, NEW.confirmed_at, NEW.created_at)
          IS DISTINCT FROM (OLD.member_id, OLD.secret_sealed, OLD.key_id, OLD.confirmed_at, OLD.created_at)
          OR NEW.last_used_counter < OLD.last_used_counter) THEN
    RAISE EXCEPTION 'a confirmed authenticator keeps its secret and never accepts a used time step again'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER totp_enrolments_steps_only_rise
  BEFORE UPDATE ON totp_enrolments
  FOR EACH ROW EXECUTE FUNCTION guard_totp_change();
