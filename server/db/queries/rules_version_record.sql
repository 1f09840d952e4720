-- At start-up: a RULES change for everyone when the running configuration's version ($1)
-- is not the last one recorded, so connected clients swap it in.
INSERT INTO member_changes (member_id, kind, payload)
SELECT NULL, 'RULES', jsonb_build_object('rules_version', $1::text)
 WHERE NOT EXISTS (SELECT 1 FROM (SELECT payload FROM member_changes WHERE member_id IS NULL AND kind = 'RULES'
                                   ORDER BY id DESC LIMIT 1) latest
                    WHERE latest.payload->>'rules_version' = $1)
RETURNING id
