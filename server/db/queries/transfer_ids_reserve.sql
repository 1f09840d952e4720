-- Ids for the transfers a batch may book, and the transaction's time (the created_at of what
-- it books) in Unix microseconds: the batch writes its responses before it books. The
-- sequence is looked up once per batch (pg_get_serial_sequence reads the catalogue; once per
-- row it was 0.29 ms of a batch of 32, against 0.09 ms).
WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence('transfers', 'id')::regclass AS id_seq)
SELECT nextval(s.id_seq),
       (extract(epoch FROM date_trunc('microseconds', now())) * 1000000)::bigint
  FROM s, generate_series(1, $1::int)
