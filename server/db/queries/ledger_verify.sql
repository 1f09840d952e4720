-- Checks the whole ledger against itself and against the business tables, in one statement,
-- so in one snapshot: it holds under load, not only at rest. Read only. One JSON object comes
-- back: a few figures; "violations", each a count that must be 0; and "examples", for each check
-- that is not 0, the labels of its first five faults (which member, order or cashback). Run by the verify-ledger
-- job (server/src/ledger/verify.cpp) and, every few seconds under load, by the stress checker
-- (tests/stress/lib/invariants.mjs).
--
-- The database refuses most of these at the write (0002-0024); this finds what a write it
-- could not judge got wrong: an entry of the wrong amount for its transfer, a release without
-- its decision. Three kinds of check:
-- - each wallet against its own entries: the chain, the cached balance, never negative;
-- - money in = money out, from the business tables rather than the entries (which would make
--   the equation a tautology):
--     Σ balances = Σ deposited commissions − Σ orders' wallet parts + Σ cancelled orders' wallet
--                  parts − Σ withdrawals held (PENDIENTE, PAGADO) + Σ audited adjustments
--   (transfers move money between wallets and add nothing), and each entry type's total
--   against its business table;
-- - object by object: every transfer, withdrawal, order, commission and adjustment has exactly
--   the entries it should, of its amounts, in its members' wallets, and no entry of those
--   types stands without its object (each counted as one entry missing or one too many);
-- - what the money paid for: each order is the rules module's preview it was booked from (the
--   figures the member's cart showed: checkout refuses any that differ) and adds up from its
--   lines; each cashback is what its crossing order made it, spent only on its member's orders,
--   whose discount is its usage; each cashback's status is its last event's; each loyalty
--   reward has its REWARD event and each event its reward.
WITH e AS (
  SELECT wallet_id, seq, amount_cents, balance_before_cents, balance_after_cents,
         lag(balance_after_cents, 1, 0::bigint) OVER (PARTITION BY wallet_id ORDER BY seq) AS prev_after,
         row_number() OVER (PARTITION BY wallet_id ORDER BY seq) AS n
    FROM wallet_entries
),
per_wallet AS (
  SELECT wallet_id, sum(amount_cents) AS total, max(seq) AS last_seq,
         (array_agg(balance_after_cents ORDER BY seq DESC))[1] AS last_after
    FROM e GROUP BY wallet_id
),
t AS (SELECT type, sum(amount_cents) AS total FROM wallet_entries GROUP BY type),
money AS (
  SELECT
    (SELECT coalesce(sum(balance_cents), 0) FROM wallets) AS balances,
    (SELECT coalesce(sum(amount_cents), 0) FROM commissions_with_status WHERE status = 'PAID') AS deposits,
    (SELECT coalesce(sum(wallet_cents), 0) FROM orders) AS payments,
    (SELECT coalesce(sum(wallet_cents), 0) FROM orders WHERE status = 'CANCELLED') AS refunds,
    (SELECT coalesce(sum(amount_cents), 0) FROM withdrawals) AS held,
    (SELECT coalesce(sum(amount_cents), 0) FROM withdrawals WHERE status IN ('RECHAZADO', 'CANCELADO')) AS released,
    (SELECT coalesce(sum((details->>'amount_cents')::bigint), 0) FROM audit_log WHERE action = 'wallet.adjust') AS adjustments,
    (SELECT coalesce(sum(amount_cents), 0) FROM transfers) AS transferred
),
-- The entries each object should have: (its id, the wallet, the type, the amount), the wallet
-- being its member's in its currency (an adjustment's is its wallet's; its member is the audit
-- row's target, and one that is not a member id finds no wallet, so its entry counts unmatched).
expected AS (
  SELECT x.object_id, w.id AS wallet_id, x.type, x.amount_cents
    FROM (SELECT id::text AS object_id, from_member_id AS member_id, currency, 'TRANSFER_OUT' AS type,
                 -amount_cents AS amount_cents
            FROM transfers
          UNION ALL
          SELECT id::text, to_member_id, currency, 'TRANSFER_IN', amount_cents FROM transfers
          UNION ALL
          SELECT id::text, member_id, currency, 'WITHDRAWAL_HOLD', -amount_cents FROM withdrawals
          UNION ALL
          SELECT id::text, member_id, currency, 'WITHDRAWAL_RELEASE', amount_cents
            FROM withdrawals WHERE status IN ('RECHAZADO', 'CANCELADO')
          UNION ALL
          SELECT id::text, member_id, currency, 'ORDER_PAYMENT', -wallet_cents FROM orders WHERE wallet_cents > 0
          UNION ALL
          SELECT id::text, member_id, currency, 'ORDER_REFUND', wallet_cents
            FROM orders WHERE wallet_cents > 0 AND status = 'CANCELLED'
          UNION ALL
          SELECT id::text, member_id, currency, 'COMMISSION_DEPOSIT', amount_cents
            FROM commissions_with_status WHERE status = 'PAID'
          UNION ALL
          SELECT details->>'entry_id',
                 CASE WHEN target ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN target::uuid END,
                 NULL,
                 CASE WHEN (details->>'amount_cents')::bigint > 0 THEN 'ADJUSTMENT_CREDIT' ELSE 'ADJUSTMENT_DEBIT' END,
                 (details->>'amount_cents')::bigint
            FROM audit_log WHERE action = 'wallet.adjust') x
    JOIN wallets w ON w.member_id = x.member_id AND w.currency = coalesce(x.currency, w.currency)
),
-- The entries there are, named by the object they reference (an adjustment by its own id,
-- which its audit row names).
booked AS (
  SELECT CASE WHEN type IN ('TRANSFER_OUT', 'TRANSFER_IN') THEN transfer_id::text
              WHEN type IN ('WITHDRAWAL_HOLD', 'WITHDRAWAL_RELEASE') THEN withdrawal_id::text
              WHEN type IN ('ORDER_PAYMENT', 'ORDER_REFUND') THEN order_id
              WHEN type = 'COMMISSION_DEPOSIT' THEN commission_id::text
              ELSE id::text END AS object_id,
         wallet_id, type, amount_cents
    FROM wallet_entries
),
-- Each (object, wallet, type, amount) counted +1 per entry it should have and -1 per entry
-- booked: what does not come to 0 is missing (above 0) or too many (below). One aggregate over
-- both: EXCEPT ALL each way sorted them twice, and the whole statement took 123 and 119 s on
-- 18.8 million entries against 101 and 105 s this way (interleaved, same answers).
unmatched AS (
  SELECT CASE WHEN type IN ('TRANSFER_OUT', 'TRANSFER_IN') THEN 'transfer_entries_unmatched'
              WHEN type IN ('WITHDRAWAL_HOLD', 'WITHDRAWAL_RELEASE') THEN 'withdrawal_entries_unmatched'
              WHEN type IN ('ORDER_PAYMENT', 'ORDER_REFUND') THEN 'order_entries_unmatched'
              WHEN type = 'COMMISSION_DEPOSIT' THEN 'commission_entries_unmatched'
              ELSE 'adjustment_entries_unmatched' END AS check_name,
         object_id, type, abs(sum(side)) AS entries
    FROM (SELECT object_id, wallet_id, type, amount_cents, 1 AS side FROM expected
          UNION ALL
          SELECT object_id, wallet_id, type, amount_cents, -1 FROM booked) both_sides
   GROUP BY object_id, wallet_id, type, amount_cents
  HAVING sum(side) <> 0
),
-- The preview's lines, numbered as order_lines number them (from 0).
preview_lines AS (
  SELECT o.id AS order_id, (p.n - 1)::integer AS line, p.l->>'sku' AS sku, (p.l->>'quantity')::integer AS quantity,
         (p.l->>'unit_price_cents')::bigint AS unit_price_cents, (p.l->>'unit_pv')::integer AS unit_pv,
         (p.l->>'discounted_units')::integer AS discounted_units, (p.l->>'discount_cents')::bigint AS discount_cents,
         (p.l->>'total_cents')::bigint AS total_cents
    FROM orders o CROSS JOIN LATERAL jsonb_array_elements(o.preview->'lines') WITH ORDINALITY AS p (l, n)
),
lines_off_preview AS (
  SELECT DISTINCT coalesce(b.order_id, p.order_id) AS order_id
    FROM order_lines b FULL JOIN preview_lines p ON p.order_id = b.order_id AND p.line = b.line
   WHERE (b.sku, b.quantity, b.unit_price_cents, b.unit_pv, b.discounted_units, b.discount_cents, b.total_cents)
         IS DISTINCT FROM (p.sku, p.quantity, p.unit_price_cents, p.unit_pv, p.discounted_units, p.discount_cents, p.total_cents)
),
line_sums AS (
  SELECT order_id, sum(quantity::bigint * unit_price_cents) AS subtotal_cents, sum(discount_cents) AS discount_cents,
         sum(quantity::bigint * unit_pv) AS pv, sum(total_cents) AS total_cents,
         count(*) FILTER (WHERE total_cents <> quantity::bigint * unit_price_cents - discount_cents) AS lines_off
    FROM order_lines GROUP BY order_id
),
usage_sums AS (SELECT order_id, sum(discount_cents) AS discount_cents FROM cashback_usage GROUP BY order_id)
,
-- What each check found, one row per fault with a label that names it for a person: a wallet by
-- its member's number ("NN-1004", its entry "NN-1004 #3"), an order or a cashback by its id, an
-- object's entries by their type and object ("TRANSFER_OUT of 17"). The report counts these
-- rows and shows the first few.
chain_broken AS (
  SELECT wallet_id, '#' || seq AS what FROM e
   WHERE balance_before_cents <> prev_after OR seq <> n OR balance_after_cents <> balance_before_cents + amount_cents
),
balance_off AS (
  SELECT w.id AS wallet_id, '' AS what FROM wallets w LEFT JOIN per_wallet p ON p.wallet_id = w.id
   WHERE w.balance_cents <> coalesce(p.total, 0) OR w.balance_cents <> coalesce(p.last_after, 0)
      OR w.entry_count <> coalesce(p.last_seq, 0)
),
negatives AS (
  SELECT id AS wallet_id, '' AS what FROM wallets WHERE balance_cents < 0
  UNION ALL
  SELECT wallet_id, '#' || seq FROM wallet_entries WHERE balance_after_cents < 0 OR balance_before_cents < 0
),
-- Each entry type's total against its business table's (adjustments, credit and debit, as one).
type_off AS (
  SELECT x.type AS what
    FROM money, LATERAL (VALUES ('COMMISSION_DEPOSIT', deposits), ('ORDER_PAYMENT', -payments), ('ORDER_REFUND', refunds),
                                ('WITHDRAWAL_HOLD', -held), ('WITHDRAWAL_RELEASE', released),
                                ('TRANSFER_OUT', -transferred), ('TRANSFER_IN', transferred)) x (type, expected)
   WHERE coalesce((SELECT total FROM t WHERE t.type = x.type), 0) <> x.expected
  UNION ALL
  SELECT 'ADJUSTMENT' FROM money
   WHERE coalesce((SELECT sum(total) FROM t WHERE type IN ('ADJUSTMENT_CREDIT', 'ADJUSTMENT_DEBIT')), 0) <> adjustments
),
-- A member's key took effect once: the debits a member asks for themself carry their key in
-- their own wallet (a credit carries its sender's key, and another sender may use the same).
keys_twice AS (
  SELECT wallet_id, type || ' ' || idempotency_key AS what FROM wallet_entries
   WHERE idempotency_key IS NOT NULL AND type IN ('TRANSFER_OUT', 'ORDER_PAYMENT', 'WITHDRAWAL_HOLD')
   GROUP BY wallet_id, idempotency_key, type HAVING count(*) > 1
),
still_pending AS (
  SELECT 'commission ' || p.commission_id AS what FROM commissions_pending p
    JOIN wallet_entries x ON x.type = 'COMMISSION_DEPOSIT' AND x.commission_id = p.commission_id
),
currency_off AS (
  SELECT x.wallet_id, '#' || x.seq || ' ' || x.currency AS what FROM wallet_entries x JOIN wallets w ON w.id = x.wallet_id
   WHERE x.currency <> w.currency
),
-- Orders whose booked figures or lines are not the preview they were booked from.
orders_off_preview AS (
  SELECT 'order ' || o.id AS what FROM orders o
   WHERE (o.period, o.currency, o.cart_pv, o.subtotal_cents, o.discount_cents, o.shipping_cents, o.total_cents,
          o.cashback_spend, o.rules_version)
         IS DISTINCT FROM (o.preview->>'period', o.preview->>'currency', (o.preview->>'cart_pv')::bigint,
                           (o.preview->>'subtotal_cents')::bigint, (o.preview->>'discount_cents')::bigint,
                           (o.preview->>'shipping_cents')::bigint, (o.preview->>'total_cents')::bigint,
                           o.preview->>'cashback_spend', o.preview->>'rules_version')
      OR o.id IN (SELECT order_id FROM lines_off_preview)
),
-- Orders whose subtotal, discount, PV or total do not add up from their lines, or with a line
-- whose total is not its units at their price less its discount.
orders_off_lines AS (
  SELECT 'order ' || o.id AS what FROM orders o LEFT JOIN line_sums s ON s.order_id = o.id
   WHERE s.order_id IS NULL OR s.lines_off > 0
      OR (s.subtotal_cents, s.discount_cents, s.pv, s.total_cents + o.shipping_cents)
         <> (o.subtotal_cents, o.discount_cents, o.cart_pv, o.total_cents)
),
-- A discount is cashback spent: an order's discount is the usage it recorded. A cashback is what
-- its crossing order's preview made it, for that order's member and month, and one marked USED
-- was spent on a confirmed order of its member that spends a cashback.
cashbacks_off_order AS (
  SELECT 'order ' || o.id || ' discount' AS what FROM orders o LEFT JOIN usage_sums u ON u.order_id = o.id
   WHERE coalesce(u.discount_cents, 0) <> o.discount_cents
  UNION ALL
  SELECT 'cashback ' || c.id || ' value' FROM cashbacks c JOIN orders o ON o.id = c.generated_by_order
   WHERE (c.member_id, c.period, c.currency, c.value_cents, true)
         IS DISTINCT FROM (o.member_id, o.period, o.currency, (o.preview->>'cashback_generated_cents')::bigint,
                           (o.preview->>'unlocks_cashback')::boolean)
  UNION ALL
  SELECT 'cashback ' || c.id || ' use' FROM cashbacks c LEFT JOIN orders o ON o.id = c.used_by_order
   WHERE c.status = 'USED' AND (o.id IS NULL OR o.status <> 'CONFIRMED' OR o.cashback_spend = 'NONE' OR o.member_id <> c.member_id)
),
-- A cashback's status is what its last event made it.
cashbacks_off_events AS (
  SELECT 'cashback ' || c.id AS what FROM cashbacks c
    LEFT JOIN LATERAL (SELECT type FROM cashback_events e WHERE e.cashback_id = c.id ORDER BY e.id DESC LIMIT 1) last ON true
   WHERE c.status IS DISTINCT FROM CASE last.type WHEN 'GENERATED' THEN 'AVAILABLE' WHEN 'RESTORED' THEN 'AVAILABLE'
                                                   ELSE last.type END
),
-- One reward per REWARD event (member, month), and none without one.
rewards_off_events AS (
  SELECT coalesce(r.member_id, e.member_id) AS member_id, coalesce(r.period, e.period) AS what
    FROM loyalty_rewards r
    FULL JOIN (SELECT DISTINCT member_id, period FROM loyalty_events WHERE type = 'REWARD') e
      ON e.member_id = r.member_id AND e.period = r.period
   WHERE r.id IS NULL OR e.member_id IS NULL
),
-- Every check's faults as (check, label), wallets named by their member's number.
found AS (
  SELECT f.check_name, concat_ws(' ', m.member_number, nullif(f.what, '')) AS label
    FROM (SELECT 'chain_breaks' AS check_name, wallet_id, NULL::uuid AS member_id, what FROM chain_broken
          UNION ALL SELECT 'balance_not_sum', wallet_id, NULL, what FROM balance_off
          UNION ALL SELECT 'negative', wallet_id, NULL, what FROM negatives
          UNION ALL SELECT 'type_totals_off', NULL, NULL, what FROM type_off
          UNION ALL SELECT 'key_twice', wallet_id, NULL, what FROM keys_twice
          UNION ALL SELECT 'deposited_still_pending', NULL, NULL, what FROM still_pending
          UNION ALL SELECT 'entry_currency_off', wallet_id, NULL, what FROM currency_off
          UNION ALL SELECT 'order_off_its_preview', NULL, NULL, what FROM orders_off_preview
          UNION ALL SELECT 'order_off_its_lines', NULL, NULL, what FROM orders_off_lines
          UNION ALL SELECT 'cashback_off_its_order', NULL, NULL, what FROM cashbacks_off_order
          UNION ALL SELECT 'cashback_off_its_events', NULL, NULL, what FROM cashbacks_off_events
          UNION ALL SELECT 'loyalty_reward_off_its_event', NULL, member_id, what FROM rewards_off_events
          UNION ALL SELECT check_name, NULL, NULL, type || ' of ' || coalesce(object_id, '?') FROM unmatched) f
    LEFT JOIN wallets w ON w.id = f.wallet_id
    LEFT JOIN members m ON m.id = coalesce(f.member_id, w.member_id)
),
-- The first few of each check's faults, in label order (the counts below are the checks).
examples AS (
  SELECT check_name, json_agg(label ORDER BY label) AS labels
    FROM (SELECT check_name, label, row_number() OVER (PARTITION BY check_name ORDER BY label) AS k FROM found) f
   WHERE k <= 5
   GROUP BY check_name
)
SELECT json_build_object(
  'wallets', (SELECT count(*) FROM wallets),
  'entries', (SELECT count(*) FROM wallet_entries),
  'total_cents', (SELECT balances FROM money),
  'violations', json_build_object(
    'chain_breaks', (SELECT count(*) FROM chain_broken),
    'balance_not_sum', (SELECT count(*) FROM balance_off),
    'negative', (SELECT count(*) FROM negatives),
    'conservation_off_cents', (SELECT balances - (deposits - payments + refunds - (held - released) + adjustments) FROM money),
    'type_totals_off', (SELECT count(*) FROM type_off),
    'key_twice', (SELECT count(*) FROM keys_twice),
    'deposited_still_pending', (SELECT count(*) FROM still_pending),
    'entry_currency_off', (SELECT count(*) FROM currency_off),
    'transfer_entries_unmatched', (SELECT coalesce(sum(entries), 0)::bigint FROM unmatched WHERE check_name = 'transfer_entries_unmatched'),
    'withdrawal_entries_unmatched', (SELECT coalesce(sum(entries), 0)::bigint FROM unmatched WHERE check_name = 'withdrawal_entries_unmatched'),
    'order_entries_unmatched', (SELECT coalesce(sum(entries), 0)::bigint FROM unmatched WHERE check_name = 'order_entries_unmatched'),
    'commission_entries_unmatched', (SELECT coalesce(sum(entries), 0)::bigint FROM unmatched WHERE check_name = 'commission_entries_unmatched'),
    'adjustment_entries_unmatched', (SELECT coalesce(sum(entries), 0)::bigint FROM unmatched WHERE check_name = 'adjustment_entries_unmatched'),
    'order_off_its_preview', (SELECT count(*) FROM orders_off_preview),
    'order_off_its_lines', (SELECT count(*) FROM orders_off_lines),
    'cashback_off_its_order', (SELECT count(*) FROM cashbacks_off_order),
    'cashback_off_its_events', (SELECT count(*) FROM cashbacks_off_events),
    'loyalty_reward_off_its_event', (SELECT count(*) FROM rewards_off_events)
  ),
  'examples', (SELECT coalesce(json_object_agg(check_name, labels ORDER BY check_name), '{}') FROM examples)
)
