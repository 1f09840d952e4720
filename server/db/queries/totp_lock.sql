SELECT secret_sealed, confirmed_at IS NOT NULL, last_used_counter FROM totp_enrolments WHERE member_id = $1::uuid FOR UPDATE
