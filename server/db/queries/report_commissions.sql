-- Report: commissions by period and bonus type, periods $1 through $2 ('YYYY-MM').
SELECT period, bonus_type, currency,
       count(*) AS commissions,
       sum(amount_cents)::bigint AS amount_cents,
       count(*) FILTER (WHERE status = 'PAID') AS paid,
       coalesce(sum(amount_cents) FILTER (WHERE status = 'PAID'), 0)::bigint AS paid_cents,
       count(*) FILTER (WHERE status = 'PENDING') AS pending,
       coalesce(sum(amount_cents) FILTER (WHERE status = 'PENDING'), 0)::bigint AS pending_cents
  FROM commissions
 WHERE period BETWEEN $1 AND $2
 GROUP BY period, bonus_type, currency
 ORDER BY period, bonus_type, currency
