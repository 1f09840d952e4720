INSERT INTO cashback_events (cashback_id, type, order_id, value_cents, at) VALUES ($1, $2, $3, $4, $5::timestamptz)
