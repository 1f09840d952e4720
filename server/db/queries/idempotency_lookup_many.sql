-- The stored requests and responses of keys already used (replays and reuses in a batch of
-- transfers). The "key = ANY" condition lets every plan, generic ones cached while the table
-- was small included, find the keys through the primary key's leading column (migration
-- 0012), one index descent per key, instead of scanning the table or every key of a principal.
SELECT k.principal, k.key, k.request_hash, k.status_code, k.response_body
  FROM idempotency_keys k
  JOIN unnest($1::text[], $2::text[]) AS l(principal, key) ON k.principal = l.principal AND k.key = l.key
 WHERE k.key = ANY ($2::text[])
