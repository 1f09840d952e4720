-- Claims up to $2 notifications due at $1 for one sender's transaction, oldest first, with
-- the member's address. SKIP LOCKED: rows another sender holds are passed over, so senders
-- running at once never deliver one row twice.
SELECT n.id, n.kind, n.payload::text, n.attempts, m.email, m.display_name
  FROM notifications n JOIN members m ON m.id = n.member_id
 WHERE n.status = 'PENDING' AND (n.next_attempt_at IS NULL OR n.next_attempt_at <= $1::timestamptz)
 ORDER BY n.id
 LIMIT $2
   FOR UPDATE OF n SKIP LOCKED
