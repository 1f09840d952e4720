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
  SELECT *
    FROM unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::bigint[], $5::text[], $6::text[], $7::bigint[],
                $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[],
                $14::bigint[], $15::bigint[], $16::text[], $17::text[], $22::text[], $23::text[], $24::text[])
      AS t(id, from_member_id, to_member_id, amount_cents, currency, note, sender_seq,
           sender_total_cents, created_at_us, from_wallet_id, to_wallet_id, out_seq, out_before_cents,
           in_seq, in_before_cents, idempotency_key, request_id, principal, request_hash, response_body)
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
SELECT ledger_assert((SELECT count(*) FROM booked) = $21::bigint
                     AND (SELECT count(*) FROM entries) = 2 * $21::bigint
                     AND (SELECT count(*) FROM audited) = $21::bigint
                     AND (SELECT count(*) FROM keyed) = $21::bigint
                     AND (SELECT count(*) FROM moved) = cardinality($18::bigint[]),
                     'a batch of transfers booked other than it was worked out')
