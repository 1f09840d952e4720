-- Commissions from the MLM commission engine, member-to-member transfers, idempotency
-- records for every write, and the audit log.

CREATE TABLE commissions (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  external_id           text NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 64),
  member_id             uuid NOT NULL REFERENCES members (id),
  bonus_type            text NOT NULL CHECK (bonus_type ~ '^[A-Z0-9_]{1,40}$'),
  period                text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  amount_cents          bigint NOT NULL CHECK (amount_cents > 0),
  currency              text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  source_amount_cents   bigint NOT NULL CHECK (source_amount_cents > 0),
  source_currency       text NOT NULL CHECK (source_currency ~ '^[A-Z]{3}$'),
  rate_micros           bigint NOT NULL CHECK (rate_micros > 0),   -- exchange rate × 1,000,000
  status                text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'PAID')),
  created_at            timestamptz NOT NULL DEFAULT now(),
  paid_at               timestamptz,
  CHECK ((status = 'PAID') = (paid_at IS NOT NULL))
);
CREATE INDEX commissions_pending_idx ON commissions (id) WHERE status = 'PENDING';
CREATE INDEX commissions_member_idx ON commissions (member_id, id DESC);

CREATE TABLE transfers (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  from_member_id   uuid NOT NULL REFERENCES members (id),
  to_member_id     uuid NOT NULL REFERENCES members (id),
  amount_cents     bigint NOT NULL CHECK (amount_cents > 0),
  currency         text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  note             text CHECK (length(note) <= 140),
  created_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (from_member_id <> to_member_id)
);
-- Daily totals and per-minute counts for the sender's limits.
CREATE INDEX transfers_sender_time_idx ON transfers (from_member_id, created_at);

-- One row per (principal, key). The request hash tells a replay from a reuse of the key with
-- another request; the stored response is returned to replays.
CREATE TABLE idempotency_keys (
  principal      text NOT NULL,            -- the caller's JWT sub
  key            text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash   text NOT NULL,
  status_code    integer NOT NULL,
  response_body  text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

CREATE TABLE audit_log (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT now(),
  actor        text NOT NULL,
  actor_role   text NOT NULL CHECK (actor_role IN ('member', 'admin', 'service', 'system')),
  action       text NOT NULL,
  target       text,
  details      jsonb NOT NULL DEFAULT '{}',
  request_id   text
);
CREATE TRIGGER audit_log_append_only
  BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
