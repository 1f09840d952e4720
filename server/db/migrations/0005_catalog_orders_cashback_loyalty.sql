-- The shop: catalog, orders and their lines, cashbacks with their usage and history, and
-- the loyalty record. Prices and PV come only from here at checkout, never from a client.

-- Every insert or update of a product or price takes a new revision; the catalog's version
-- is the highest revision, so clients know when to refresh. Rows are never deleted
-- (orders reference them): a product leaves the shop by `active = false`.
CREATE SEQUENCE catalog_revision_seq;

CREATE TABLE products (
  sku          text PRIMARY KEY CHECK (sku ~ '^[A-Z0-9][A-Z0-9-]{0,39}$'),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  category     text NOT NULL CHECK (category IN ('SUPLEMENTOS', 'CUIDADO_PIEL', 'KITS')),
  kit          text NOT NULL DEFAULT 'NONE'
                 CHECK (kit IN ('NONE', 'FULL_SUPPLEMENT', 'FULL_SKIN', 'FULL_PROTECT')),
  pv           integer NOT NULL CHECK (pv BETWEEN 0 AND 1000000),
  active       boolean NOT NULL DEFAULT true,
  revision     bigint NOT NULL DEFAULT nextval('catalog_revision_seq'),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE product_prices (
  sku               text NOT NULL REFERENCES products (sku),
  currency          text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  unit_price_cents  bigint NOT NULL CHECK (unit_price_cents BETWEEN 0 AND 100000000),
  revision          bigint NOT NULL DEFAULT nextval('catalog_revision_seq'),
  PRIMARY KEY (sku, currency)
);

CREATE FUNCTION bump_catalog_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.revision := nextval('catalog_revision_seq');
  RETURN NEW;
END $$;
CREATE TRIGGER products_revision BEFORE UPDATE ON products
  FOR EACH ROW EXECUTE FUNCTION bump_catalog_revision();
CREATE TRIGGER product_prices_revision BEFORE UPDATE ON product_prices
  FOR EACH ROW EXECUTE FUNCTION bump_catalog_revision();
CREATE TRIGGER products_no_delete BEFORE DELETE ON products
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER product_prices_no_delete BEFORE DELETE ON product_prices
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Flat shipping per currency (never discounted).
CREATE TABLE shipping_rates (
  currency        text PRIMARY KEY CHECK (currency ~ '^[A-Z]{3}$'),
  shipping_cents  bigint NOT NULL CHECK (shipping_cents BETWEEN 0 AND 10000000)
);
INSERT INTO shipping_rates (currency, shipping_cents) VALUES ('MXN', 14900), ('USD', 899);

CREATE TABLE orders (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  member_id           uuid NOT NULL REFERENCES members (id),
  market              text NOT NULL CHECK (market ~ '^[A-Z]{2}$'),
  currency            text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  period              text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),  -- local month placed
  status              text NOT NULL DEFAULT 'CONFIRMED' CHECK (status IN ('CONFIRMED', 'CANCELLED')),
  cart_pv             bigint NOT NULL CHECK (cart_pv >= 0),
  subtotal_cents      bigint NOT NULL CHECK (subtotal_cents >= 0),
  discount_cents      bigint NOT NULL CHECK (discount_cents BETWEEN 0 AND subtotal_cents),
  shipping_cents      bigint NOT NULL CHECK (shipping_cents >= 0),
  total_cents         bigint NOT NULL CHECK (total_cents >= 0),
  wallet_cents        bigint NOT NULL CHECK (wallet_cents BETWEEN 0 AND total_cents),
  external_cents      bigint NOT NULL CHECK (external_cents >= 0),
  cashback_spend      text NOT NULL CHECK (cashback_spend IN ('NONE', 'CROSSING_ORDER', 'AVAILABLE_CASHBACK')),
  rules_version       text NOT NULL,
  catalog_version     bigint NOT NULL,
  preview             jsonb NOT NULL,           -- the rules module's preview document, as booked
  idempotency_key     text NOT NULL,
  placed_at           timestamptz NOT NULL,
  cancelled_at        timestamptz,
  CHECK (total_cents = subtotal_cents - discount_cents + shipping_cents),
  CHECK (external_cents = total_cents - wallet_cents),
  CHECK ((status = 'CANCELLED') = (cancelled_at IS NOT NULL))
);
-- Period PV and the member's order history.
CREATE INDEX orders_member_period_idx ON orders (member_id, period) WHERE status = 'CONFIRMED';
CREATE INDEX orders_member_placed_idx ON orders (member_id, placed_at DESC);

CREATE TABLE order_lines (
  order_id            uuid NOT NULL REFERENCES orders (id),
  line                integer NOT NULL CHECK (line >= 0),
  sku                 text NOT NULL REFERENCES products (sku),
  kit                 text NOT NULL,
  quantity            integer NOT NULL CHECK (quantity BETWEEN 1 AND 999),
  unit_price_cents    bigint NOT NULL CHECK (unit_price_cents >= 0),
  unit_pv             integer NOT NULL CHECK (unit_pv >= 0),
  discounted_units    integer NOT NULL CHECK (discounted_units BETWEEN 0 AND quantity),
  discount_cents      bigint NOT NULL CHECK (discount_cents >= 0),
  total_cents         bigint NOT NULL CHECK (total_cents >= 0),
  PRIMARY KEY (order_id, line)
);
CREATE TRIGGER order_lines_append_only BEFORE UPDATE OR DELETE ON order_lines
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- At most one cashback per member and period (RULES.md, cashback 2). REVOKED: its crossing
-- order was cancelled before the cashback was spent on another order.
CREATE TABLE cashbacks (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id            uuid NOT NULL REFERENCES members (id),
  period               text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  currency             text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  value_cents          bigint NOT NULL CHECK (value_cents >= 0),
  status               text NOT NULL CHECK (status IN ('AVAILABLE', 'USED', 'EXPIRED', 'REVOKED')),
  generated_by_order   uuid NOT NULL REFERENCES orders (id),
  used_by_order        uuid REFERENCES orders (id),
  expires_at           timestamptz NOT NULL,     -- the period's end, local time
  rules_version        text NOT NULL,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  CHECK ((status = 'USED') = (used_by_order IS NOT NULL))
);
CREATE UNIQUE INDEX cashbacks_one_per_period_idx ON cashbacks (member_id, period) WHERE status <> 'REVOKED';
CREATE INDEX cashbacks_member_idx ON cashbacks (member_id, period DESC);
CREATE INDEX cashbacks_expiring_idx ON cashbacks (expires_at) WHERE status = 'AVAILABLE';

-- How a cashback was spent, line by line.
CREATE TABLE cashback_usage (
  cashback_id       bigint NOT NULL REFERENCES cashbacks (id),
  order_id          uuid NOT NULL REFERENCES orders (id),
  line              integer NOT NULL,
  discounted_units  integer NOT NULL CHECK (discounted_units > 0),
  discount_cents    bigint NOT NULL CHECK (discount_cents >= 0),
  PRIMARY KEY (cashback_id, order_id, line),
  FOREIGN KEY (order_id, line) REFERENCES order_lines (order_id, line)
);
CREATE TRIGGER cashback_usage_append_only BEFORE UPDATE OR DELETE ON cashback_usage
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Every status change of a cashback, in order: its history for the member and for reports.
CREATE TABLE cashback_events (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  cashback_id   bigint NOT NULL REFERENCES cashbacks (id),
  type          text NOT NULL CHECK (type IN ('GENERATED', 'USED', 'RESTORED', 'EXPIRED', 'REVOKED')),
  order_id      uuid REFERENCES orders (id),
  value_cents   bigint NOT NULL,
  at            timestamptz NOT NULL
);
CREATE INDEX cashback_events_cashback_idx ON cashback_events (cashback_id, id);
CREATE TRIGGER cashback_events_append_only BEFORE UPDATE OR DELETE ON cashback_events
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- The loyalty record: what the rules module's history said, written down as it happened.
-- The state itself is always computed from the orders; these rows are its durable log
-- (a late or repeated day-8 job writes nothing new). An accrual whose order was then
-- cancelled inside the window is followed by an ACCRUAL_REVERSED row.
CREATE TABLE loyalty_events (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id           uuid NOT NULL REFERENCES members (id),
  type                text NOT NULL CHECK (type IN ('ACCRUAL', 'ACCRUAL_REVERSED', 'REWARD', 'RESET')),
  period              text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  order_id            uuid REFERENCES orders (id),
  points_before       integer NOT NULL,
  points_after        integer NOT NULL,
  consecutive_months  integer NOT NULL,
  at                  timestamptz NOT NULL,
  recorded_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX loyalty_events_once_idx
  ON loyalty_events (member_id, type, period, coalesce(order_id, '00000000-0000-0000-0000-000000000000'));
CREATE INDEX loyalty_events_member_idx ON loyalty_events (member_id, id);
CREATE TRIGGER loyalty_events_append_only BEFORE UPDATE OR DELETE ON loyalty_events
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- One entitlement per REWARD: PENDIENTE → ELEGIDA (member's choice) → ENTREGADA (admin).
CREATE TABLE loyalty_rewards (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id     uuid NOT NULL REFERENCES members (id),
  period        text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  status        text NOT NULL DEFAULT 'PENDIENTE' CHECK (status IN ('PENDIENTE', 'ELEGIDA', 'ENTREGADA')),
  reward_id     text,
  earned_at     timestamptz NOT NULL,
  chosen_at     timestamptz,
  delivered_at  timestamptz,
  delivered_by  text,
  UNIQUE (member_id, period),
  CHECK ((status = 'PENDIENTE') = (reward_id IS NULL)),
  CHECK ((status = 'ENTREGADA') = (delivered_at IS NOT NULL))
);
CREATE INDEX loyalty_rewards_open_idx ON loyalty_rewards (id) WHERE status <> 'ENTREGADA';
