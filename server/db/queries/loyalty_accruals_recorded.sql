-- Recorded accruals not yet reversed: compared with the rules' history to spot an accrual
-- whose order was cancelled inside its window.
SELECT a.period, a.order_id, a.points_after, a.consecutive_months
  FROM loyalty_events a
 WHERE a.member_id = $1::uuid AND a.type = 'ACCRUAL'
   AND NOT EXISTS (SELECT 1 FROM loyalty_events r
                    WHERE r.member_id = a.member_id AND r.type = 'ACCRUAL_REVERSED'
                      AND r.period = a.period AND r.order_id = a.order_id)
