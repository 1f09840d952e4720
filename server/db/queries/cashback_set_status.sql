-- A cancellation's change to a cashback: REVOKED, restored to AVAILABLE, or EXPIRED (never USED here).
UPDATE cashbacks SET status = $2, used_by_order = NULL, updated_at = $3::timestamptz WHERE id = $1
