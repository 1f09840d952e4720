INSERT INTO transfers (from_member_id, to_member_id, amount_cents, currency, note)
VALUES ($1::uuid, $2::uuid, $3, $4, $5)
RETURNING id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
