UPDATE orders SET status = 'CANCELLED', cancelled_at = $2::timestamptz WHERE id = $1::uuid AND status = 'CONFIRMED'
