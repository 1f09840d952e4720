-- Books a batch of transfers worked out by the server under the wallets' locks
-- (server/src/ledger/transfer_batch.cpp): one row per transfer ($1-$17), two entries each
-- continuing their wallets' chains, the wallets' new balances ($18-$20), one audit row per
-- transfer, and each transfer's Idempotency-Key with its request hash and 201 response
-- ($16, $22-$24), stored once, for replays. The database checks the same invariants as for
-- any entry: the chain, the balance matching the last entry, balance >= 0, one sender_seq
-- per sender, one use of a key. And the statement fails unless it booked exactly $21
-- transfers, with two entries, an audit row and a key each: the batch's COMMIT follows in
-- the same round trip (0016_ledger_assert.sql).
WITH t AS (
  -- Element i of every array, for i in $1's subscripts (the ledger_assert below checks that
  -- every array holds $21): one set-returning call. unnest($1, ..., $24) is one function scan
  -- per array, each filling its own tuplestore: 64-96 µs more per call for these arrays alone
  -- (docs/transfers.md "Twenty arrays read by subscript").
  SELECT ($1::bigint[])[i] AS id, ($2::uuid[])[i] AS from_member_id, ($3::uuid[])[i] AS to_member_id,
         ($4::bigint[])[i] AS amount_cents, ($5::text[])[i] AS currency, ($6::text[])[i] AS note,
         ($7::bigint[])[i] AS sender_seq, ($8::bigint[])[i] AS sender_total_cents,
         ($9::bigint[])[i] AS created_at_us, ($10::bigint[])[i] AS from_wallet_id,
         ($11::bigint[])[i] AS to_wallet_id, ($12::bigint[])[i] AS out_seq,
         ($13::bigint[])[i] AS out_before_cents, ($14::bigint[])[i] AS in_seq,
         ($15::bigint[])[i] AS in_before_cents, ($16::text[])[i] AS idempotency_key,
         ($17::text[])[i] AS request_id, ($22::text[])[i] AS principal, ($23::text[])[i] AS request_hash,
         ($24::text[])[i] AS response_body
    FROM generate_subscripts($1::bigint[], 1) AS i
),
keyed AS (
  -- Key order, the primary key's: two transactions storing the same keys wait in one order.
  INSERT INTO idempotency_keys (principal, key, request_hash, status_code, response_body)
  SELECT principal, idempotency_key, request_hash, 201, response_body
    FROM t
   ORDER BY idempotency_key, principal
  RETURNING 1
),
booked AS (
  INSERT INTO transfers (id, from_member_id, to_member_id, amount_cents, currency, note, created_at,
                         sender_seq, sender_total_cents)
  OVERRIDING SYSTEM VALUE
  SELECT id, from_member_id, to_member_id, amount_cents, currency, note,
         timestamptz 'epoch' + created_at_us * interval '1 microsecond', sender_seq, sender_total_cents
    FROM t
   ORDER BY id
  RETURNING 1
),
entries AS (
  INSERT INTO wallet_entries (wallet_id, seq, type, amount_cents, balance_before_cents, balance_after_cents,
                              currency, counterparty_member_id, transfer_id, idempotency_key, description)
  SELECT e.wallet_id, e.seq, e.type, e.amount_cents, e.before_cents, e.before_cents + e.amount_cents,
         t.currency, e.counterparty, t.id, t.idempotency_key, t.note
    FROM t
   CROSS JOIN LATERAL (VALUES
     (1, t.from_wallet_id, t.out_seq, 'TRANSFER_OUT', -t.amount_cents, t.out_before_cents, t.to_member_id),
     (2, t.to_wallet_id, t.in_seq, 'TRANSFER_IN', t.amount_cents, t.in_before_cents, t.from_member_id))
     AS e(side, wallet_id, seq, type, amount_cents, before_cents, counterparty)
   ORDER BY t.id, e.side
  RETURNING 1
),
moved AS (
  UPDATE wallets w
     SET balance_cents = m.balance_cents, entry_count = m.entry_count, updated_at = now()
    FROM unnest($18::bigint[], $19::bigint[], $20::bigint[]) AS m(id, balance_cents, entry_count)
   WHERE w.id = ANY ($18::bigint[]) AND w.id = m.id  -- "= ANY": the primary key in every plan
  RETURNING 1
),
audited AS (
  INSERT INTO audit_log (actor, actor_role, action, target, details, request_id)
  SELECT from_member_id::text, 'member', 'transfer.create', to_member_id::text,
         jsonb_build_object('transfer_id', id, 'amount_cents', amount_cents), request_id
    FROM t
   ORDER BY id
  RETURNING 1
)
SELECT ledger_assert(
         $21::bigint = ALL (ARRAY[cardinality($1::bigint[]), cardinality($2::uuid[]), cardinality($3::uuid[]),
                                  cardinality($4::bigint[]), cardinality($5::text[]), cardinality($6::text[]),
                                  cardinality($7::bigint[]), cardinality($8::bigint[]), cardinality($9::bigint[]),
                                  cardinality($10::bigint[]), cardinality($11::bigint[]), cardinality($12::bigint[]),
                                  cardinality($13::bigint[]), cardinality($14::bigint[]), cardinality($15::bigint[]),
                                  cardinality($16::text[]), cardinality($17::text[]), cardinality($22::text[]),
                                  cardinality($23::text[]), cardinality($24::text[])])
         AND (SELECT count(*) FROM booked) = $21::bigint
         AND (SELECT count(*) FROM entries) = 2 * $21::bigint
         AND (SELECT count(*) FROM audited) = $21::bigint
         AND (SELECT count(*) FROM keyed) = $21::bigint
         AND (SELECT count(*) FROM moved) = cardinality($18::bigint[]),
         'a batch of transfers booked other than it was worked out')
