-- The active products priced in one currency ($1): what the shop sells in it.
SELECT p.sku, p.name, p.category, p.kit, p.pv, p.active, pp.unit_price_cents
  FROM products p
  JOIN product_prices pp ON pp.sku = p.sku AND pp.currency = $1
 WHERE p.active
 ORDER BY p.category, p.sku
