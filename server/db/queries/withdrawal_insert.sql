INSERT INTO withdrawals (member_id, amount_cents, currency, bank_details_sealed, key_id, bank_code, clabe_last4)
VALUES ($1::uuid, $2, $3, $4, $5, $6, $7)
RETURNING id, to_char(requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
