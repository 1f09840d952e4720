-- The catalog in one currency, for members ($2 = false: active products with a price) and
-- for the back office ($2 = true: everything, price NULL where the currency has none).
SELECT p.sku, p.name, p.category, p.kit, p.pv, p.active, pp.unit_price_cents
  FROM products p
  LEFT JOIN product_prices pp ON pp.sku = p.sku AND pp.currency = $1
 WHERE $2 OR (p.active AND pp.unit_price_cents IS NOT NULL)
 ORDER BY p.category, p.sku
