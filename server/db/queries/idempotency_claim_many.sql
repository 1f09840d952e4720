-- Claims many keys for this transaction at once (a batch of transfers). Claimed keys come
-- back; a key already taken does not (its request is a replay or a reuse, see
-- idempotency_lookup_many.sql). Claims go in key order, so two batches sharing keys wait on
-- each other in one order and cannot deadlock; a claim held by a transaction in flight is
-- waited for, as in idempotency_claim.sql.
INSERT INTO idempotency_keys (principal, key, request_hash, status_code, response_body)
SELECT principal, key, request_hash, 0, ''
  FROM unnest($1::text[], $2::text[], $3::text[]) AS c(principal, key, request_hash)
 ORDER BY principal, key
ON CONFLICT (principal, key) DO NOTHING
RETURNING principal, key
