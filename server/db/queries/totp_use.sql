UPDATE totp_enrolments
   SET last_used_counter = $2, confirmed_at = coalesce(confirmed_at, now())
 WHERE member_id = $1::uuid AND last_used_counter < $2
