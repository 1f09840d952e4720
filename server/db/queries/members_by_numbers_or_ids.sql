-- The recipients of a batch of transfers, named by member number or by id.
SELECT id, member_number
  FROM members
 WHERE member_number = ANY ($1::text[]) OR id = ANY ($2::uuid[])
