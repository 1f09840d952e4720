SELECT shipping_cents FROM shipping_rates WHERE currency = $1
