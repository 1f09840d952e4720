-- One COMMISSION_DEPOSITED notice per member (and currency) for the commissions deposited
-- after the mark, and the mark moved past them, in one statement (migration 0015). Run by
-- the deposit job after its batches, under the job's lock: no deposit is in flight, so no
-- entry below the new mark can still commit. The dedupe key names the member's last entry,
-- so running this again over the same entries (a mark set back) queues nothing new.
WITH mark AS (
  SELECT last_entry_id FROM notification_marks WHERE source = 'COMMISSION_DEPOSIT' FOR UPDATE
),
deposited AS (
  SELECT e.id, w.member_id, e.amount_cents, e.currency, c.bonus_type, c.period
    FROM wallet_entries e
    JOIN wallets w ON w.id = e.wallet_id
    JOIN commissions c ON c.id = e.commission_id
   WHERE e.id > (SELECT last_entry_id FROM mark)
     AND e.type = 'COMMISSION_DEPOSIT'
),
queued AS (
  INSERT INTO notifications (member_id, kind, dedupe_key, payload)
  SELECT member_id, 'COMMISSION_DEPOSITED', 'commissions-deposited:' || member_id || ':' || max(id),
         jsonb_build_object('commissions', count(*), 'amount_cents', sum(amount_cents), 'currency', currency,
                            'bonus_types', jsonb_agg(DISTINCT bonus_type), 'periods', jsonb_agg(DISTINCT period),
                            'last_entry_id', max(id))
    FROM deposited
   GROUP BY member_id, currency
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING 1
),
moved AS (
  UPDATE notification_marks
     SET last_entry_id = (SELECT max(id) FROM deposited)
   WHERE source = 'COMMISSION_DEPOSIT' AND EXISTS (SELECT 1 FROM deposited)
  RETURNING 1
)
SELECT (SELECT count(*) FROM queued), (SELECT count(*) FROM deposited)
