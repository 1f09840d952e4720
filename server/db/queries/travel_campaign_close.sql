UPDATE travel_campaigns SET status = 'CERRADA', closed_at = to_timestamp($2), closed_rules_version = $3
 WHERE id = $1 AND status = 'ACTIVA'
