SELECT status, member_id FROM withdrawals WHERE id = $1
