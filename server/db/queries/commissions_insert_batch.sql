-- Records a batch of commissions in one statement; an external_id already recorded is left
-- as it is (the commission engine may resend a batch) and reported back as a duplicate.
INSERT INTO commissions (external_id, member_id, bonus_type, period, amount_cents, currency,
                         source_amount_cents, source_currency, rate_micros)
SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::text[],
                     $7::bigint[], $8::text[], $9::bigint[])
ON CONFLICT (external_id) DO NOTHING
RETURNING external_id, id
