INSERT INTO wallets (member_id, currency) VALUES ($1::uuid, $2) RETURNING id
