SELECT member_id FROM orders WHERE id = $1::uuid
