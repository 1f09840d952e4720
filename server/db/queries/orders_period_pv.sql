-- Period PV before a cart: the member's confirmed, not cancelled orders of the period.
SELECT coalesce(sum(cart_pv), 0)::bigint FROM orders WHERE member_id = $1 AND period = $2 AND status = 'CONFIRMED'
