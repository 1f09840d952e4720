-- Admin CSV import: one product. An unchanged row is left alone, so re-importing the same
-- file does not move the catalog's version.
INSERT INTO products (sku, name, category, kit, pv, active)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (sku) DO UPDATE
   SET name = EXCLUDED.name, category = EXCLUDED.category, kit = EXCLUDED.kit, pv = EXCLUDED.pv,
       active = EXCLUDED.active, updated_at = now()
 WHERE (products.name, products.category, products.kit, products.pv, products.active)
       IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.category, EXCLUDED.kit, EXCLUDED.pv, EXCLUDED.active)
RETURNING sku
