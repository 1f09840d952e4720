-- A member hears about a deposit run once, not once per commission: after its batches, the
-- deposit job queues one COMMISSION_DEPOSITED per member for every commission deposited
-- since the last run that did so (notifications_queue_commission_deposits.sql). Ten
-- commissions paid in one run made ten emails; they now make one that sums them. The batch
-- statement no longer writes an outbox row per commission, which was a fifth of its time.
--
-- notification_marks keeps how far each such source has been notified: here, the last
-- wallet entry whose deposit has its notice. The mark moves in the same transaction as the
-- notices it covers, so a run stopped between its batches and its notices leaves the next
-- run to queue them, and none twice. Deposits booked before this migration were notified
-- one by one already: the mark starts past them.

CREATE TABLE notification_marks (
  source         text PRIMARY KEY,
  last_entry_id  bigint NOT NULL CHECK (last_entry_id >= 0)
);

INSERT INTO notification_marks (source, last_entry_id)
SELECT 'COMMISSION_DEPOSIT', coalesce(max(id), 0) FROM wallet_entries;
