-- Withdrawals to a bank account and the members' TOTP authenticators. Bank details and TOTP
-- secrets are stored sealed (AES-256-GCM, key outside the database); key_id names the key,
-- so keys can rotate without re-encrypting everything at once.

CREATE TABLE withdrawals (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id            uuid NOT NULL REFERENCES members (id),
  amount_cents         bigint NOT NULL CHECK (amount_cents > 0),
  currency             text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  status               text NOT NULL DEFAULT 'PENDIENTE'
                         CHECK (status IN ('PENDIENTE', 'PAGADO', 'RECHAZADO', 'CANCELADO')),
  bank_details_sealed  text NOT NULL,
  key_id               text NOT NULL,
  bank_code            text NOT NULL CHECK (bank_code ~ '^[0-9]{3}$'),     -- for the queue, not secret
  clabe_last4          text NOT NULL CHECK (clabe_last4 ~ '^[0-9]{4}$'),
  bank_reference       text CHECK (length(bank_reference) BETWEEN 1 AND 64),
  decision_reason      text CHECK (length(decision_reason) BETWEEN 1 AND 500),
  decided_by           text,
  requested_at         timestamptz NOT NULL DEFAULT now(),
  decided_at           timestamptz,
  CHECK ((status = 'PAGADO') = (bank_reference IS NOT NULL)),
  CHECK ((status = 'PENDIENTE') = (decided_at IS NULL))
);
CREATE INDEX withdrawals_member_idx ON withdrawals (member_id, id DESC);
CREATE INDEX withdrawals_pending_idx ON withdrawals (id) WHERE status = 'PENDIENTE';

ALTER TABLE wallet_entries
  ADD CONSTRAINT wallet_entries_withdrawal_fk FOREIGN KEY (withdrawal_id) REFERENCES withdrawals (id);

CREATE TABLE totp_enrolments (
  member_id          uuid PRIMARY KEY REFERENCES members (id),
  secret_sealed      text NOT NULL,
  key_id             text NOT NULL,
  confirmed_at       timestamptz,
  last_used_counter  bigint NOT NULL DEFAULT -1,   -- a code's time step is accepted once, ever
  created_at         timestamptz NOT NULL DEFAULT now()
);
