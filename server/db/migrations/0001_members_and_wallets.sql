-- Members and their wallets. A wallet's balance is a cache of its entries, kept equal to
-- the last entry's balance_after by a deferred constraint trigger (0002).

CREATE TABLE members (
  id             uuid PRIMARY KEY,                 -- the JWT `sub` issued by the back office
  member_number  text NOT NULL UNIQUE,             -- what members read and type: "NN-1001"
  display_name   text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  email          text NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 320),
  market         text NOT NULL CHECK (market ~ '^[A-Z]{2}$'),
  sponsor_id     uuid REFERENCES members (id),
  status         text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (sponsor_id IS DISTINCT FROM id)
);
CREATE INDEX members_sponsor_idx ON members (sponsor_id);

CREATE TABLE wallets (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id      uuid NOT NULL UNIQUE REFERENCES members (id),
  currency       text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  balance_cents  bigint NOT NULL DEFAULT 0 CHECK (balance_cents >= 0),
  entry_count    bigint NOT NULL DEFAULT 0 CHECK (entry_count >= 0),  -- seq of the last entry
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE wallet_entries (
  id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  wallet_id               bigint NOT NULL REFERENCES wallets (id),
  seq                     bigint NOT NULL CHECK (seq >= 1),     -- 1, 2, 3… within the wallet
  type                    text NOT NULL,
  amount_cents            bigint NOT NULL CHECK (amount_cents <> 0),
  balance_before_cents    bigint NOT NULL CHECK (balance_before_cents >= 0),
  balance_after_cents     bigint NOT NULL CHECK (balance_after_cents >= 0),
  currency                text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  commission_id           bigint,
  order_id                text,
  counterparty_member_id  uuid,
  transfer_id             bigint,
  withdrawal_id           bigint,
  idempotency_key         text,
  rules_version           text,
  description             text,
  created_at              timestamptz NOT NULL DEFAULT now(),
  UNIQUE (wallet_id, seq),
  CHECK (balance_after_cents = balance_before_cents + amount_cents),
  CHECK ((type IN ('COMMISSION_DEPOSIT', 'ORDER_REFUND', 'TRANSFER_IN', 'WITHDRAWAL_RELEASE', 'ADJUSTMENT_CREDIT')
          AND amount_cents > 0)
      OR (type IN ('ORDER_PAYMENT', 'TRANSFER_OUT', 'WITHDRAWAL_HOLD', 'ADJUSTMENT_DEBIT')
          AND amount_cents < 0))
);
-- History reads newest first by wallet; keyset pagination on id.
CREATE INDEX wallet_entries_history_idx ON wallet_entries (wallet_id, id DESC);
-- A commission is deposited at most once, whatever the code does.
CREATE UNIQUE INDEX wallet_entries_commission_once_idx ON wallet_entries (commission_id)
  WHERE type = 'COMMISSION_DEPOSIT';
