// The bank's invariants: the server's own ledger check (server/db/queries/ledger_verify.sql,
// the verify-ledger job's statement), one statement read in one snapshot, so they hold at any
// instant under load, not only at rest. Every count under "violations" must be zero: the
// chain and balances, money in = money out from the business tables, each entry type's total,
// each key's one effect, and every transfer, withdrawal, order, commission and adjustment
// against its own entries.
import { readFileSync } from 'node:fs';
import { psql } from '../../support/stack.mjs';

const CHECK_SQL = readFileSync(new URL('../../../server/db/queries/ledger_verify.sql', import.meta.url), 'utf8');

/** Runs every check; returns the figures and the list of violated invariants. */
export async function checkInvariants(databaseUrl) {
  const figures = JSON.parse(await psql(databaseUrl, CHECK_SQL));
  const violated = Object.entries(figures.violations).filter(([, n]) => Number(n) !== 0).map(([k, n]) => `${k}=${n}`);
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
