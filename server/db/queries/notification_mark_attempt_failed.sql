-- A failed delivery of notification $1: status $2 is PENDING with the next try at $3, or
-- FAILED (no more tries, $3 NULL); $4 is what went wrong.
UPDATE notifications
   SET status = $2, attempts = attempts + 1, next_attempt_at = $3::timestamptz, last_error = left($4, 1000)
 WHERE id = $1 AND status = 'PENDING'
