-- The members a batch of transfers names: recipients by member number or by id, senders by
-- id; each with its market (the sender's local day, for the daily limit).
SELECT id, member_number, market
  FROM members
 WHERE member_number = ANY ($1::text[]) OR id = ANY ($2::uuid[])
