-- Spends an AVAILABLE cashback on an order; no row when it is no longer available.
UPDATE cashbacks SET status = 'USED', used_by_order = $2, updated_at = $3::timestamptz
 WHERE id = $1 AND status = 'AVAILABLE'
RETURNING id
