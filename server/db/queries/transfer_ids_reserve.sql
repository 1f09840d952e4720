-- Ids for the transfers a batch may book, and the transaction's time (the created_at of what
-- it books) in Unix microseconds: the batch writes its responses before it books.
SELECT nextval(pg_get_serial_sequence('transfers', 'id')),
       (extract(epoch FROM date_trunc('microseconds', now())) * 1000000)::bigint
  FROM generate_series(1, $1::int)
