INSERT INTO audit_log (actor, actor_role, action, target, details, request_id)
VALUES ($1, $2, $3, $4, $5::jsonb, $6)
