SELECT m.id, w.currency FROM members m JOIN wallets w ON w.member_id = m.id WHERE m.id = ANY ($1::uuid[])
