-- A member's orders, newest first (keyset on placed_at, id).
SELECT id, status, period, cart_pv, subtotal_cents, discount_cents, shipping_cents, total_cents, wallet_cents,
       external_cents, cashback_spend, currency, rules_version,
       to_char(placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       to_char(cancelled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       (SELECT json_agg(json_build_object('sku', l.sku, 'quantity', l.quantity, 'unit_price_cents', l.unit_price_cents,
                                          'discounted_units', l.discounted_units, 'discount_cents', l.discount_cents,
                                          'total_cents', l.total_cents) ORDER BY l.line)
          FROM order_lines l WHERE l.order_id = o.id)
  FROM orders o
 WHERE member_id = $1::uuid
 ORDER BY placed_at DESC, id DESC
 LIMIT 50
