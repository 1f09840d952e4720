-- Each transfer carries its sender's running count and running total, so the limits read a
-- few index entries instead of every transfer the sender made that day. "Sent in the last
-- minute" is the latest sender_seq minus the sender_seq of the last transfer at or before
-- now() - 60 s; "sent today" is the latest sender_total_cents minus that of the last
-- transfer before the local day began. Both need a sender's transfers to be ordered the same
-- by created_at and by sender_seq: the writer stamps a transfer no earlier than its sender's
-- previous one (under the sender's wallet lock), and (from_member_id, sender_seq) is unique.

ALTER TABLE transfers ADD COLUMN sender_seq bigint, ADD COLUMN sender_total_cents bigint;

UPDATE transfers t
   SET sender_seq = n.sender_seq, sender_total_cents = n.sender_total_cents
  FROM (SELECT id,
               row_number() OVER per_sender AS sender_seq,
               sum(amount_cents) OVER per_sender AS sender_total_cents
          FROM transfers
        WINDOW per_sender AS (PARTITION BY from_member_id ORDER BY created_at, id)) n
 WHERE n.id = t.id;

ALTER TABLE transfers
  ALTER COLUMN sender_seq SET NOT NULL,
  ALTER COLUMN sender_total_cents SET NOT NULL,
  ADD CHECK (sender_seq > 0),
  ADD CHECK (sender_total_cents >= amount_cents);

CREATE UNIQUE INDEX transfers_sender_seq_idx ON transfers (from_member_id, sender_seq);
DROP INDEX transfers_sender_time_idx;
CREATE INDEX transfers_sender_time_idx ON transfers (from_member_id, created_at, sender_seq);
