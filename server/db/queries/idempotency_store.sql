UPDATE idempotency_keys SET status_code = $3, response_body = $4 WHERE principal = $1 AND key = $2
