-- Report: commissions by period and bonus type, periods $1 through $2 ('YYYY-MM'). A commission
-- is PENDING while it is in the deposit queue, PAID once it has left it (migration 0017).
SELECT c.period, c.bonus_type, c.currency,
       count(*) AS commissions,
       sum(c.amount_cents)::bigint AS amount_cents,
       count(*) FILTER (WHERE p.commission_id IS NULL) AS paid,
       coalesce(sum(c.amount_cents) FILTER (WHERE p.commission_id IS NULL), 0)::bigint AS paid_cents,
       count(*) FILTER (WHERE p.commission_id IS NOT NULL) AS pending,
       coalesce(sum(c.amount_cents) FILTER (WHERE p.commission_id IS NOT NULL), 0)::bigint AS pending_cents
  FROM commissions c
  LEFT JOIN commissions_pending p ON p.commission_id = c.id
 WHERE c.period BETWEEN $1 AND $2
 GROUP BY c.period, c.bonus_type, c.currency
 ORDER BY c.period, c.bonus_type, c.currency
