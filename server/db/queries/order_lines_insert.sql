-- All lines of an order in one statement (arrays in line order).
INSERT INTO order_lines (order_id, line, sku, kit, quantity, unit_price_cents, unit_pv, discounted_units,
                         discount_cents, total_cents)
SELECT $1, l.line - 1, l.sku, l.kit, l.quantity, l.unit_price_cents, l.unit_pv, l.discounted_units,
       l.discount_cents, l.total_cents
  FROM unnest($2::text[], $3::text[], $4::integer[], $5::bigint[], $6::integer[], $7::integer[], $8::bigint[],
              $9::bigint[])
       WITH ORDINALITY AS l (sku, kit, quantity, unit_price_cents, unit_pv, discounted_units, discount_cents,
                             total_cents, line)
