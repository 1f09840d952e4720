INSERT INTO orders (member_id, market, currency, period, cart_pv, subtotal_cents, discount_cents, shipping_cents,
                    total_cents, wallet_cents, external_cents, cashback_spend, rules_version, catalog_version,
                    preview, idempotency_key, placed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, $16, $17::timestamptz)
RETURNING id
