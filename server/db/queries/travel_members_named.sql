SELECT m.id, m.member_number, m.display_name FROM members m WHERE m.id = ANY ($1::uuid[])
