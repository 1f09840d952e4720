-- The stored requests and responses of keys claimed earlier (replays and reuses in a batch).
-- The "key = ANY" condition keeps the primary key in every plan (idempotency_settle_many.sql).
SELECT k.principal, k.key, k.request_hash, k.status_code, k.response_body
  FROM idempotency_keys k
  JOIN unnest($1::text[], $2::text[]) AS l(principal, key) ON k.principal = l.principal AND k.key = l.key
 WHERE k.key = ANY ($2::text[])
