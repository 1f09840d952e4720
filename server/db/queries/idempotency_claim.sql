-- Claims a key for this transaction. A concurrent claim of the same key waits here until the
-- first transaction ends, then either finds its stored response or (after a rollback) claims.
INSERT INTO idempotency_keys (principal, key, request_hash, status_code, response_body)
VALUES ($1, $2, $3, 0, '')
ON CONFLICT (principal, key) DO NOTHING
RETURNING 1
