-- A new secret for a member without a confirmed authenticator (re-enrolling before
-- confirming replaces the secret).
INSERT INTO totp_enrolments (member_id, secret_sealed, key_id)
VALUES ($1::uuid, $2, $3)
ON CONFLICT (member_id) DO UPDATE
   SET secret_sealed = excluded.secret_sealed, key_id = excluded.key_id, created_at = now(), last_used_counter = -1
 WHERE totp_enrolments.confirmed_at IS NULL
RETURNING member_id
