-- What checkout prices a cart with: each requested SKU's kit, PV, active flag and price in
-- the member's currency (price NULL when the product is not sold in it).
SELECT p.sku, p.kit, p.pv, p.active, pp.unit_price_cents
  FROM products p
  LEFT JOIN product_prices pp ON pp.sku = p.sku AND pp.currency = $2
 WHERE p.sku = ANY ($1::text[])
