-- NN Travel (RULES.md "NN Travel points"): campaigns with promo windows, the point events
-- the MLM system and checkout send, and the standings frozen when a campaign closes. The
-- points themselves are never stored per event: the rules module computes them from a
-- campaign and its events, so the table of points lives in one place.

CREATE TABLE travel_campaigns (
  id             text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),  -- "2026-S2"
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  starts_at      timestamptz NOT NULL,
  ends_at        timestamptz NOT NULL,                     -- exclusive: [starts_at, ends_at)
  status         text NOT NULL DEFAULT 'ACTIVA' CHECK (status IN ('ACTIVA', 'CERRADA')),
  closed_at      timestamptz,                             -- events received from then on earn nothing
  target_points  bigint NOT NULL CHECK (target_points > 0),  -- the rules' target when created
  rules_version  text NOT NULL,                               -- the rules that validated it
  closed_rules_version text,                                  -- the rules that froze its standings
  created_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (starts_at < ends_at),
  CHECK ((status = 'CERRADA') = (closed_at IS NOT NULL)),
  CHECK (closed_at >= ends_at),                             -- a campaign closes once it has ended
  CHECK ((status = 'CERRADA') = (closed_rules_version IS NOT NULL)),
  -- Campaigns never overlap, so an instant belongs to at most one campaign.
  EXCLUDE USING gist (tstzrange(starts_at, ends_at, '[)') WITH &&)
);

-- A campaign changes once, from ACTIVA to CERRADA; nothing else about it ever changes, and it
-- is never deleted (its standings are history).
CREATE FUNCTION travel_campaign_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.status <> 'ACTIVA' OR NEW.status <> 'CERRADA'
     OR (NEW.id, NEW.name, NEW.starts_at, NEW.ends_at, NEW.target_points, NEW.rules_version, NEW.created_at)
        IS DISTINCT FROM (OLD.id, OLD.name, OLD.starts_at, OLD.ends_at, OLD.target_points, OLD.rules_version, OLD.created_at) THEN
    RAISE EXCEPTION 'travel_campaigns: only ACTIVA → CERRADA is allowed (% refused)', TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER travel_campaigns_guard
  BEFORE UPDATE OR DELETE ON travel_campaigns
  FOR EACH ROW EXECUTE FUNCTION travel_campaign_guard();

CREATE TABLE travel_promo_windows (
  campaign_id  text NOT NULL REFERENCES travel_campaigns (id),
  starts_at    timestamptz NOT NULL,
  ends_at      timestamptz NOT NULL,                       -- exclusive
  PRIMARY KEY (campaign_id, starts_at),
  CHECK (starts_at < ends_at)
);
CREATE TRIGGER travel_promo_windows_append_only
  BEFORE UPDATE OR DELETE ON travel_promo_windows
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- A window lies inside its campaign: the rules refuse a campaign whose window does not.
CREATE FUNCTION travel_promo_window_inside() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM travel_campaigns c
                  WHERE c.id = NEW.campaign_id AND c.starts_at <= NEW.starts_at AND NEW.ends_at <= c.ends_at) THEN
    RAISE EXCEPTION 'promo window [%, %) lies outside campaign %', NEW.starts_at, NEW.ends_at, NEW.campaign_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER travel_promo_windows_inside
  BEFORE INSERT ON travel_promo_windows
  FOR EACH ROW EXECUTE FUNCTION travel_promo_window_inside();

-- One row per MLM event id; a replayed id is not stored again. An event belongs to the
-- campaign containing occurred_at or, when none does, the one containing received_at (so an
-- event from before a campaign that arrives during it is reported there as OUTSIDE_CAMPAIGN).
CREATE TABLE travel_events (
  event_id          text PRIMARY KEY CHECK (event_id ~ '^[!-~]{1,64}$'),
  member_id         uuid NOT NULL REFERENCES members (id),   -- who earns the points
  type              text NOT NULL CHECK (type IN ('KIT_SOLD', 'RANK_REACHED', 'DIRECT_RANK_REACHED')),
  kit               text CHECK (kit IN ('FULL_SUPPLEMENT', 'FULL_SKIN', 'FULL_PROTECT')),
  rank              text CHECK (rank ~ '^[A-Z0-9_]{1,64}$'),
  direct_member_id  uuid REFERENCES members (id),
  occurred_at       timestamptz NOT NULL,                    -- in the MLM system
  received_at       timestamptz NOT NULL,                    -- when the server took it (business clock)
  order_id          text CHECK (length(order_id) BETWEEN 1 AND 64),
  revoked_at        timestamptz,                             -- the order was cancelled
  source            text NOT NULL CHECK (source IN ('SERVICE', 'CHECKOUT')),
  created_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((type = 'KIT_SOLD') = (kit IS NOT NULL)),
  CHECK ((type = 'KIT_SOLD') = (rank IS NULL)),
  CHECK ((type = 'DIRECT_RANK_REACHED') = (direct_member_id IS NOT NULL)),
  CHECK (direct_member_id IS DISTINCT FROM member_id),
  CHECK (type = 'KIT_SOLD' OR order_id IS NULL),
  CHECK (revoked_at IS NULL OR order_id IS NOT NULL)
);
-- The campaign an event belongs to (see above); campaigns never overlap, so at most one.
CREATE FUNCTION travel_campaign_of(occurred_at timestamptz, received_at timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT coalesce(
    (SELECT c.id FROM travel_campaigns c WHERE c.starts_at <= occurred_at AND occurred_at < c.ends_at),
    (SELECT c.id FROM travel_campaigns c WHERE c.starts_at <= received_at AND received_at < c.ends_at))
$$;
CREATE INDEX travel_events_member_idx ON travel_events (member_id, occurred_at);
CREATE INDEX travel_events_occurred_idx ON travel_events (occurred_at);
CREATE INDEX travel_events_received_idx ON travel_events (received_at);
CREATE INDEX travel_events_order_idx ON travel_events (order_id) WHERE order_id IS NOT NULL;

-- Events are facts: the only change is taking back a cancelled order's kit, once.
CREATE FUNCTION travel_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL
     OR (to_jsonb(NEW) - 'revoked_at') IS DISTINCT FROM (to_jsonb(OLD) - 'revoked_at') THEN
    RAISE EXCEPTION 'travel_events: only setting revoked_at once is allowed (% refused)', TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER travel_events_guard
  BEFORE UPDATE OR DELETE ON travel_events
  FOR EACH ROW EXECUTE FUNCTION travel_event_guard();

-- Written once, when the campaign closes: the totals the rules gave at that moment.
CREATE TABLE travel_standings (
  campaign_id      text NOT NULL REFERENCES travel_campaigns (id),
  member_id        uuid NOT NULL REFERENCES members (id),
  points           bigint NOT NULL CHECK (points >= 0),
  kit_points       bigint NOT NULL CHECK (kit_points >= 0),
  rank_points      bigint NOT NULL CHECK (rank_points >= 0),
  direct_points    bigint NOT NULL CHECK (direct_points >= 0),
  qualified        boolean NOT NULL,
  events_accepted  bigint NOT NULL CHECK (events_accepted >= 0),
  events_rejected  bigint NOT NULL CHECK (events_rejected >= 0),
  frozen_at        timestamptz NOT NULL,
  PRIMARY KEY (campaign_id, member_id),
  CHECK (points = kit_points + rank_points + direct_points)
);
CREATE INDEX travel_standings_rank_idx ON travel_standings (campaign_id, points DESC, member_id);
CREATE TRIGGER travel_standings_append_only
  BEFORE UPDATE OR DELETE ON travel_standings
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER travel_standings_no_truncate
  BEFORE TRUNCATE ON travel_standings
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
