-- The notification outbox. A change a member should hear about inserts its notification in
-- the change's own transaction (notify::enqueue, or a CTE of a set-based job), so the two
-- commit or roll back together; the sender (job send-notifications) delivers PENDING rows by
-- SMTP later. dedupe_key names the event ('cashback-expiring:42'): the same event never
-- queues twice, however often the job or request that noticed it runs.

CREATE TABLE notifications (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id        uuid NOT NULL REFERENCES members (id),
  kind             text NOT NULL CHECK (kind IN ('COMMISSION_DEPOSITED', 'CASHBACK_UNLOCKED', 'CASHBACK_EXPIRING',
                                                 'CASHBACK_EXPIRED', 'LOYALTY_REWARD_EARNED', 'TRAVEL_QUALIFIED',
                                                 'WITHDRAWAL_STATUS')),
  dedupe_key       text NOT NULL UNIQUE CHECK (length(dedupe_key) BETWEEN 1 AND 200),
  payload          jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  created_at       timestamptz NOT NULL DEFAULT now(),
  status           text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED')),
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- NULL: never tried, due at once. Set after a failed attempt (exponential backoff). Due-ness
  -- is judged by the sender's business clock, so a fresh row must not carry the wall clock.
  next_attempt_at  timestamptz,
  last_error       text CHECK (length(last_error) <= 1000),
  sent_at          timestamptz,
  CHECK ((status = 'SENT') = (sent_at IS NOT NULL)),
  CHECK (status <> 'FAILED' OR last_error IS NOT NULL)
);
-- The sender's queue: oldest first among the rows still to deliver.
CREATE INDEX notifications_pending_idx ON notifications (id) WHERE status = 'PENDING';
CREATE INDEX notifications_member_idx ON notifications (member_id, id DESC);
