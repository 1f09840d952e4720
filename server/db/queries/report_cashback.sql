-- Report: cashback generated, used (and the discount it gave), expired and still available,
-- by period and currency, periods $1 through $2. Revoked ones (crossing order cancelled
-- before use) are counted apart and in no other column.
SELECT c.period, c.currency,
       count(*) FILTER (WHERE c.status <> 'REVOKED') AS generated,
       coalesce(sum(c.value_cents) FILTER (WHERE c.status <> 'REVOKED'), 0)::bigint AS generated_cents,
       count(*) FILTER (WHERE c.status = 'USED') AS used,
       coalesce(sum(u.discount_cents) FILTER (WHERE c.status = 'USED'), 0)::bigint AS discount_given_cents,
       count(*) FILTER (WHERE c.status = 'EXPIRED') AS expired,
       coalesce(sum(c.value_cents) FILTER (WHERE c.status = 'EXPIRED'), 0)::bigint AS expired_cents,
       count(*) FILTER (WHERE c.status = 'AVAILABLE') AS available,
       coalesce(sum(c.value_cents) FILTER (WHERE c.status = 'AVAILABLE'), 0)::bigint AS available_cents,
       count(*) FILTER (WHERE c.status = 'REVOKED') AS revoked
  FROM cashbacks c
  LEFT JOIN LATERAL (SELECT sum(discount_cents) AS discount_cents
                       FROM cashback_usage
                      WHERE cashback_id = c.id AND order_id = c.used_by_order) u ON true
 WHERE c.period BETWEEN $1 AND $2
 GROUP BY c.period, c.currency
 ORDER BY c.period, c.currency
