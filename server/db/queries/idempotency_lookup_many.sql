-- The stored requests and responses of keys claimed earlier (replays and reuses in a batch).
SELECT k.principal, k.key, k.request_hash, k.status_code, k.response_body
  FROM idempotency_keys k
  JOIN unnest($1::text[], $2::text[]) AS l(principal, key) ON k.principal = l.principal AND k.key = l.key
