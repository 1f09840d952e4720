-- Idempotency keys are kept forever (docs/server.md "Idempotency") and nothing reads them by
-- age: every lookup goes by (key, principal), the primary key. The index on created_at was
-- written by every write of the API (one entry per key, one per transfer in a batch) and read
-- by no query. A retention job, should keys ever expire, would want a BRIN index on created_at
-- (keys are stored in time order), which costs a write almost nothing.
DROP INDEX idempotency_keys_created_idx;
