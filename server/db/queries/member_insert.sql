-- A new member; no row comes back when the id, number or e-mail is already taken.
INSERT INTO members (id, member_number, display_name, email, market, sponsor_id)
VALUES ($1::uuid, $2, $3, $4, $5, $6::uuid)
ON CONFLICT DO NOTHING
RETURNING to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
