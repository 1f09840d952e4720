-- The SMTP server accepted notification $1 at $2. last_error stays: it tells why earlier tries failed.
UPDATE notifications
   SET status = 'SENT', attempts = attempts + 1, sent_at = $2::timestamptz, next_attempt_at = NULL
 WHERE id = $1 AND status = 'PENDING'
