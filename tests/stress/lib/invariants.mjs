// The bank's invariants, read from PostgreSQL in one statement (one snapshot), so they hold
// at any instant under load, not only at rest. Each count must be zero.
//
// Money in = money out, from the business tables rather than the entries (which would make
// the equation a tautology):
//   Σ balances = Σ PAID commissions − Σ orders.wallet_cents + Σ cancelled orders' wallet_cents
//                − Σ withdrawals held (PENDIENTE, PAGADO) + Σ audited adjustments
// (transfers move money between wallets and add nothing), and entry by entry: each type's
// total matches its business table, each key took effect at most once per entry type.
import { psql } from '../../support/stack.mjs';

const CHECK_SQL = `
WITH e AS (
  SELECT wallet_id, seq, type, amount_cents, balance_before_cents, balance_after_cents, idempotency_key,
         lag(balance_after_cents, 1, 0::bigint) OVER (PARTITION BY wallet_id ORDER BY seq) AS prev_after,
         row_number() OVER (PARTITION BY wallet_id ORDER BY seq) AS n
    FROM wallet_entries
),
per_wallet AS (
  SELECT wallet_id, sum(amount_cents) AS total, max(seq) AS last_seq,
         (array_agg(balance_after_cents ORDER BY seq DESC))[1] AS last_after
    FROM e GROUP BY wallet_id
),
by_type AS (SELECT type, sum(amount_cents) AS total FROM wallet_entries GROUP BY type),
t AS (SELECT type, coalesce(total, 0) AS total FROM by_type),
money AS (
  SELECT
    (SELECT coalesce(sum(balance_cents), 0) FROM wallets) AS balances,
    (SELECT coalesce(sum(amount_cents), 0) FROM commissions_with_status WHERE status = 'PAID') AS deposits,
    (SELECT coalesce(sum(wallet_cents), 0) FROM orders) AS payments,
    (SELECT coalesce(sum(wallet_cents), 0) FROM orders WHERE status = 'CANCELLED') AS refunds,
    (SELECT coalesce(sum(amount_cents), 0) FROM withdrawals) AS held,
    (SELECT coalesce(sum(amount_cents), 0) FROM withdrawals WHERE status IN ('RECHAZADO', 'CANCELADO')) AS released,
    (SELECT coalesce(sum(amount_cents), 0) FROM withdrawals WHERE status = 'PAGADO') AS paid_out,
    (SELECT coalesce(sum((details->>'amount_cents')::bigint), 0) FROM audit_log WHERE action = 'wallet.adjust') AS adjustments,
    (SELECT coalesce(sum(amount_cents), 0) FROM transfers) AS transferred
)
SELECT json_build_object(
  'wallets', (SELECT count(*) FROM wallets),
  'entries', (SELECT count(*) FROM wallet_entries),
  'total_cents', (SELECT balances FROM money),
  'chain_breaks', (SELECT count(*) FROM e WHERE balance_before_cents <> prev_after OR seq <> n
                                             OR balance_after_cents <> balance_before_cents + amount_cents),
  'balance_not_sum', (SELECT count(*) FROM wallets w LEFT JOIN per_wallet p ON p.wallet_id = w.id
                       WHERE w.balance_cents <> coalesce(p.total, 0) OR w.balance_cents <> coalesce(p.last_after, 0)
                          OR w.entry_count <> coalesce(p.last_seq, 0)),
  'negative', (SELECT count(*) FROM wallets WHERE balance_cents < 0)
            + (SELECT count(*) FROM wallet_entries WHERE balance_after_cents < 0 OR balance_before_cents < 0),
  'conservation_off_cents', (SELECT balances - (deposits - payments + refunds - (held - released) + adjustments) FROM money),
  'type_totals_off', (SELECT
      (coalesce((SELECT total FROM t WHERE type = 'COMMISSION_DEPOSIT'), 0) <> deposits)::int
    + (coalesce((SELECT total FROM t WHERE type = 'ORDER_PAYMENT'), 0) <> -payments)::int
    + (coalesce((SELECT total FROM t WHERE type = 'ORDER_REFUND'), 0) <> refunds)::int
    + (coalesce((SELECT total FROM t WHERE type = 'WITHDRAWAL_HOLD'), 0) <> -held)::int
    + (coalesce((SELECT total FROM t WHERE type = 'WITHDRAWAL_RELEASE'), 0) <> released)::int
    + (coalesce((SELECT total FROM t WHERE type = 'TRANSFER_OUT'), 0) <> -transferred)::int
    + (coalesce((SELECT total FROM t WHERE type = 'TRANSFER_IN'), 0) <> transferred)::int
    + (coalesce((SELECT sum(total) FROM t WHERE type IN ('ADJUSTMENT_CREDIT', 'ADJUSTMENT_DEBIT')), 0) <> adjustments)::int
    FROM money),
  'key_twice', (SELECT count(*) FROM (SELECT 1 FROM wallet_entries WHERE idempotency_key IS NOT NULL
                                        GROUP BY idempotency_key, type HAVING count(*) > 1) d),
  'deposited_twice', (SELECT count(*) FROM (SELECT 1 FROM wallet_entries WHERE type = 'COMMISSION_DEPOSIT'
                                             GROUP BY commission_id HAVING count(*) > 1) d),
  'paid_not_deposited', (SELECT count(*) FROM commissions_with_status c WHERE c.status = 'PAID' AND NOT EXISTS
                          (SELECT 1 FROM wallet_entries x WHERE x.type = 'COMMISSION_DEPOSIT' AND x.commission_id = c.id)),
  'deposited_still_pending', (SELECT count(*) FROM commissions_pending p JOIN wallet_entries x
                               ON x.type = 'COMMISSION_DEPOSIT' AND x.commission_id = p.commission_id),
  'withdrawals_paid_cents', (SELECT paid_out FROM money)
)`;

export const VIOLATION_FIELDS = ['chain_breaks', 'balance_not_sum', 'negative', 'conservation_off_cents',
  'type_totals_off', 'key_twice', 'deposited_twice', 'paid_not_deposited', 'deposited_still_pending'];

/** Runs every check; returns the figures and the list of violated invariants. */
export async function checkInvariants(databaseUrl) {
  const figures = JSON.parse(await psql(databaseUrl, CHECK_SQL));
  const violated = VIOLATION_FIELDS.filter((k) => Number(figures[k]) !== 0).map((k) => `${k}=${figures[k]}`);
  return { figures, violated };
}

/** A digest of everything money-related, to prove a sweep changed nothing. */
export async function ledgerDigest(databaseUrl) {
  return psql(databaseUrl, `SELECT md5(concat_ws('|',
    (SELECT string_agg(concat_ws(',', id, balance_cents, entry_count, updated_at), ';' ORDER BY id) FROM wallets),
    (SELECT concat_ws(',', count(*), max(id), sum(amount_cents)) FROM wallet_entries),
    (SELECT string_agg(concat_ws(',', id, status), ';' ORDER BY id) FROM withdrawals),
    (SELECT string_agg(concat_ws(',', id, status), ';' ORDER BY id) FROM orders),
    (SELECT concat_ws(',', count(*), max(id)) FROM transfers),
    (SELECT string_agg(concat_ws(',', id, status), ';' ORDER BY id) FROM commissions_with_status),
    (SELECT count(*) FROM members), (SELECT count(*) FROM idempotency_keys), (SELECT count(*) FROM audit_log),
    (SELECT count(*) FROM totp_enrolments), (SELECT count(*) FROM products),
    (SELECT count(*) FROM travel_events), (SELECT count(*) FROM loyalty_rewards WHERE status <> 'PENDIENTE')))`);
}
