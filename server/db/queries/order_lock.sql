-- The order a cancellation changes, locked (after its member's wallet).
SELECT status, total_cents, wallet_cents, market, period FROM orders WHERE id = $1::uuid FOR UPDATE
