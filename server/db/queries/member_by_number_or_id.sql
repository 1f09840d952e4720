SELECT id, member_number, display_name, market, status
  FROM members
 WHERE ($1::text IS NOT NULL AND member_number = $1) OR ($2::uuid IS NOT NULL AND id = $2::uuid)
