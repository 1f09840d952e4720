SELECT m.id FROM members m WHERE m.id = ANY ($1::uuid[])
