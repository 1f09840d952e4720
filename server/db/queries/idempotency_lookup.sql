SELECT request_hash, status_code, response_body FROM idempotency_keys WHERE principal = $1 AND key = $2
