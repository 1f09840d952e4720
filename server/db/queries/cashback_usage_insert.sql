-- The lines a cashback discounted (arrays of line index, units, discount).
INSERT INTO cashback_usage (cashback_id, order_id, line, discounted_units, discount_cents)
SELECT $1, $2, u.line, u.units, u.cents
  FROM unnest($3::integer[], $4::integer[], $5::bigint[]) AS u (line, units, cents)
 WHERE u.units > 0
