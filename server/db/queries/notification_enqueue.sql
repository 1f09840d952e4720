-- Queues one notification in the caller's transaction. An event already queued (same
-- dedupe_key) is left as it is, whatever its status: no row comes back then.
INSERT INTO notifications (member_id, kind, dedupe_key, payload)
VALUES ($1::uuid, $2, $3, $4::jsonb)
ON CONFLICT (dedupe_key) DO NOTHING
RETURNING id
