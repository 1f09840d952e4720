-- Settles a batch's claims: the keys of the writes that took effect keep their response
-- ($1-$4) for replays; the keys of the writes that were refused are released ($5-$6), as a
-- rollback would release them, so a corrected retry may use the key again. The "key = ANY"
-- conditions let every plan, generic ones cached while the table was small included, find
-- the keys through the primary key's leading column (migration 0012), one index descent per
-- key, instead of scanning the table or every key of a principal.
WITH stored AS (
  UPDATE idempotency_keys k
     SET status_code = s.status_code, response_body = s.response_body
    FROM unnest($1::text[], $2::text[], $3::int[], $4::text[]) AS s(principal, key, status_code, response_body)
   WHERE k.key = ANY ($2::text[])
     AND k.principal = s.principal AND k.key = s.key
  RETURNING 1
),
released AS (
  DELETE FROM idempotency_keys k
   USING unnest($5::text[], $6::text[]) AS r(principal, key)
   WHERE k.key = ANY ($6::text[])
     AND k.principal = r.principal AND k.key = r.key
  RETURNING 1
)
SELECT (SELECT count(*) FROM stored), (SELECT count(*) FROM released)
