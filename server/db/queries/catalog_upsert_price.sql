-- Admin CSV import: one product's price in one currency; unchanged prices are left alone.
INSERT INTO product_prices (sku, currency, unit_price_cents)
VALUES ($1, $2, $3)
ON CONFLICT (sku, currency) DO UPDATE
   SET unit_price_cents = EXCLUDED.unit_price_cents
 WHERE product_prices.unit_price_cents <> EXCLUDED.unit_price_cents
RETURNING sku
