-- The idempotency primary key leads with the key, not the principal. A batch finds its keys
-- with "key = ANY (…)" (idempotency_settle_many.sql, idempotency_lookup_many.sql): with the
-- principal first, a generic plan took "principal = ANY (…)" as the index condition and
-- filtered the keys, reading every key the principal had ever used. One busy sender's
-- settle grew from 0.07 ms to 1.35 ms per batch after 11,000 transfers, and kept growing.
-- Keys are the client's unique request ids, so a key matches about one row whoever sent it.
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
ALTER TABLE idempotency_keys ADD PRIMARY KEY (key, principal);
