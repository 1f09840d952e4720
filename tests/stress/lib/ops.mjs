// The bank workload: each operation is one logical write with its own Idempotency-Key, sent
// until definitive (client.mjs), and booked in the clients' model only when acknowledged.
// A definitive refusal (insufficient funds, a withdrawal already decided, totals changed by a
// concurrent order…) books nothing.
const BANK = { bank_name: 'BBVA México', holder_name: 'Socio de prueba', clabe: '002180700123456788' };

function expectOneOf(world, op, r, okStatuses, refusals) {
  if (okStatuses.includes(r.status)) { world.tally(op, true); return true; }
  const code = r.json?.error?.code;
  if (typeof r.status === 'number' && r.status < 500 && refusals.includes(code)) { world.tally(op, false); return false; }
  world.stats.violation(`${op}: unexpected answer ${r.status} ${String(r.text ?? r.error).slice(0, 300)}`);
  world.tally(op, false);
  return false;
}

/** A transfer's request: sender, recipient, amount, key and body bytes. */
export function transferRequest(world) {
  const from = world.someMember();
  let to = world.someMember();
  if (to.id === from.id) to = world.members[(world.members.indexOf(from) + 1) % world.members.length];
  const amount = world.rng.int(1, 200000);
  return { from, to, amount, key: world.key('tr'), body: JSON.stringify({ to_member_id: to.id, amount_cents: amount, note: 'carga' }) };
}

/** Books a transfer's definitive answer in the model. */
export function bookTransfer(world, t, r) {
  if (expectOneOf(world, 'transfer', r, [201], ['insufficient_funds'])) {
    world.entriesByKey.set(t.key, 2);
    world.credit(t.from.id, -t.amount);
    world.credit(t.to.id, t.amount);
    world.acked.transfers.set(r.json.transfer.id, t.amount);
  }
}

async function transfer(world) {
  const t = transferRequest(world);
  bookTransfer(world, t, await world.call('POST', '/v1/transfers', { token: t.from.token, key: t.key, body: t.body }));
}

async function order(world) {
  const m = world.someMember();
  const lines = Array.from({ length: world.rng.int(1, 2) }, () => ({ sku: world.rng.pick(world.skus), quantity: world.rng.int(1, 2) }));
  const p = await world.call('POST', '/v1/checkout/preview', { token: m.token, body: JSON.stringify({ lines }) });
  if (p.status !== 200) { world.stats.violation(`checkout preview: ${p.status} ${p.text?.slice(0, 300)}`); return; }
  const pv = p.json.preview;
  const wallet = world.rng() < 0.2 ? 0 : world.rng.int(0, pv.total_cents);
  const body = JSON.stringify({ lines, wallet_cents: wallet, rules_version: pv.rules_version,
    displayed: { subtotal_cents: pv.subtotal_cents, discount_cents: pv.discount_cents, shipping_cents: pv.shipping_cents, total_cents: pv.total_cents } });
  const key = world.key('order');
  const r = await world.call('POST', '/v1/orders', { token: m.token, key, body });
  const races = ['insufficient_funds', 'totals_changed', 'cashback_used', 'cashback_changed', 'cashback_expired', 'prices_changed', 'shipping_changed'];
  if (expectOneOf(world, 'order', r, [201], races)) {
    const o = r.json.order;
    if (o.wallet_cents !== wallet) world.stats.violation(`order ${o.id}: wallet_cents ${o.wallet_cents} ≠ asked ${wallet}`);
    world.credit(m.id, -o.wallet_cents);
    world.entriesByKey.set(key, o.wallet_cents > 0 ? 1 : 0);
    world.orders.get(m.id).push({ id: o.id, wallet_cents: o.wallet_cents });
    world.acked.orders.set(o.id, 'CONFIRMED');
  }
}

async function cancelOrder(world) {
  const m = world.someMember();
  const mine = world.orders.get(m.id);
  if (mine.length === 0) return order(world);
  const o = mine.splice(world.rng.int(0, mine.length - 1), 1)[0];
  const byAdmin = world.rng() < 0.3;
  const key = world.key('cancel');
  const r = await world.call('POST', `/v1/orders/${o.id}/cancel`, { token: byAdmin ? world.admin : m.token, key, body: '' });
  if (expectOneOf(world, 'cancel_order', r, [200], [])) {
    if (r.json.refunded_cents !== o.wallet_cents) world.stats.violation(`cancel ${o.id}: refunded ${r.json.refunded_cents} ≠ paid ${o.wallet_cents}`);
    world.credit(m.id, r.json.refunded_cents);
    world.entriesByKey.set(key, r.json.refunded_cents > 0 ? 1 : 0);
    world.acked.orders.set(o.id, 'CANCELLED');
  }
}

async function withdraw(world) {
  const m = world.someMember();
  const amount = world.rng.int(20000, 400000);
  const key = world.key('wd');
  const r = await world.call('POST', '/v1/withdrawals', { token: m.token, key, body: JSON.stringify({ amount_cents: amount, bank: BANK }) });
  if (expectOneOf(world, 'withdrawal', r, [201], ['insufficient_funds'])) {
    world.entriesByKey.set(key, 1);
    world.credit(m.id, -amount);
    world.pendingWithdrawals.push({ id: r.json.withdrawal.id, memberId: m.id, member: m, amount });
    world.acked.withdrawals.set(r.json.withdrawal.id, 'PENDIENTE');
  }
}

/** Member cancel, admin approve or admin reject of a pending withdrawal; racing deciders are fine. */
async function decideWithdrawal(world) {
  if (world.pendingWithdrawals.length === 0) return withdraw(world);
  const i = world.rng.int(0, world.pendingWithdrawals.length - 1);
  const w = world.pendingWithdrawals[i];
  if (world.rng() < 0.8) world.pendingWithdrawals.splice(i, 1);  // else leave it for a racing decision
  const roll = world.rng();
  const [op, path, tok, body, status, releases] =
      roll < 0.3 ? ['withdrawal_cancel', `/v1/withdrawals/${w.id}/cancel`, w.member.token, '', 'CANCELADO', true]
    : roll < 0.65 ? ['withdrawal_approve', `/v1/admin/withdrawals/${w.id}/approve`, world.admin, JSON.stringify({ bank_reference: `SPEI-${w.id}` }), 'PAGADO', false]
    : ['withdrawal_reject', `/v1/admin/withdrawals/${w.id}/reject`, world.admin, JSON.stringify({ reason: 'Cuenta no verificada' }), 'RECHAZADO', true];
  const key = world.key('wdd');
  const r = await world.call('POST', path, { token: tok, key, body });
  if (expectOneOf(world, op, r, [200], ['withdrawal_not_pending'])) {
    world.entriesByKey.set(key, releases ? 1 : 0);
    if (releases) world.credit(w.memberId, w.amount);
    world.acked.withdrawals.set(w.id, status);
  }
}

async function commissions(world) {
  const items = Array.from({ length: world.rng.int(1, 8) }, () => {
    const m = world.someMember();
    const amount = world.rng.int(100, 300000);
    world.commissionSeq = (world.commissionSeq ?? 0) + 1;
    return { external_id: `st-${world.tag}-c${world.commissionSeq}`, member_id: m.id, bonus_type: 'STRESS', period: '2026-11',
      amount_cents: amount, currency: 'MXN', source_amount_cents: amount, source_currency: 'MXN', rate_micros: 1000000 };
  });
  const r = await world.call('POST', '/v1/commissions', { token: world.service, key: world.key('cm'), body: JSON.stringify({ commissions: items }) });
  if (expectOneOf(world, 'commissions', r, [201], [])) {
    if (r.json.duplicates.length !== 0) world.stats.violation(`commissions: fresh external ids reported duplicate ${r.json.duplicates}`);
    for (const rec of r.json.recorded) {
      const item = items.find((x) => x.external_id === rec.external_id);
      world.acked.commissions.set(rec.id, item);
    }
  }
}

async function depositJob(world) {
  const r = await world.call('POST', '/v1/jobs/deposit-commissions', { token: world.rng() < 0.5 ? world.admin : world.service, body: '' });
  expectOneOf(world, 'deposit_job', r, [200], ['job_running']);
}

async function adjustment(world) {
  const m = world.someMember();
  const amount = world.rng() < 0.5 ? world.rng.int(1, 100000) : -world.rng.int(1, 300000);
  const body = JSON.stringify({ member_id: m.id, amount_cents: amount, reason: amount > 0 ? 'Bonificación de prueba' : 'Cargo de prueba' });
  const key = world.key('adj');
  const r = await world.call('POST', '/v1/admin/adjustments', { token: world.admin, key, body });
  if (expectOneOf(world, 'adjustment', r, [201], ['insufficient_funds'])) {
    world.entriesByKey.set(key, 1);
    world.credit(m.id, amount);
    world.acked.adjustments += 1;
  }
}

const MIX = [[transfer, 40], [order, 12], [cancelOrder, 6], [withdraw, 9], [decideWithdrawal, 11],
  [commissions, 6], [depositJob, 2], [adjustment, 8]];
const WEIGHT = MIX.reduce((s, [, w]) => s + w, 0);

/** One random operation of the mix. */
export function randomOperation(world) {
  let roll = world.rng() * WEIGHT;
  for (const [op, w] of MIX) { roll -= w; if (roll < 0) return op(world); }
  return transfer(world);
}

export const operations = { transfer, order, cancelOrder, withdraw, decideWithdrawal, commissions, depositJob, adjustment };

/**
 * At rest: deposits every pending commission, then compares the database with the model —
 * each wallet's balance, every acknowledged transfer, order, withdrawal and commission.
 * Returns the number of mismatches (each also recorded as a violation).
 */
export async function verifyModel(world) {
  for (let i = 0; i < 100; i += 1) {
    const r = await world.call('POST', '/v1/jobs/deposit-commissions', { token: world.admin, body: '' });
    if (r.status === 200 && r.json.commissions_deposited === 0) break;
  }
  for (const [id, item] of world.acked.commissions) {
    if (item.credited) continue;  // an earlier verification already counted it
    item.credited = true;
    world.credit(item.member_id, item.amount_cents);
  }
  let mismatches = 0;
  const miss = (message) => { mismatches += 1; world.stats.violation(message); };
  // Every acknowledged write's entries are there, exactly as many as it makes, and no entry
  // carries a key the clients were not told took effect.
  const byKey = new Map((await world.sql(`SELECT idempotency_key, count(*) FROM wallet_entries
      WHERE idempotency_key LIKE 'st-${world.tag}-%' GROUP BY 1`)).split('\n').filter(Boolean).map((l) => l.split('|')));
  for (const [key, n] of world.entriesByKey) {
    if (Number(byKey.get(key) ?? 0) !== n) miss(`key ${key}: ${byKey.get(key) ?? 0} entries, the acknowledged write makes ${n}`);
  }
  for (const [key, n] of byKey) if (!world.entriesByKey.has(key)) miss(`key ${key}: ${n} entries for a write never acknowledged`);
  // Selected by the stress members' numbers, never by lists of ids: a long run's lists
  // outgrow a command line.
  const ours = `SELECT id FROM members WHERE member_number LIKE 'ST-${world.tag}-%'`;
  const table = async (sql) => new Map((await world.sql(sql)).split('\n').filter(Boolean).map((l) => l.split('|')));
  const compare = (label, got, want) => {
    for (const [id, value] of want) if (got.get(String(id)) !== String(value)) miss(`${label} ${id}: ${got.get(String(id))} in the database, acknowledged ${value}`);
    if (got.size !== want.size) miss(`${label}s: ${got.size} in the database for the stress members, ${want.size} acknowledged`);
  };
  const balances = await table(`SELECT member_id, balance_cents FROM wallets WHERE member_id IN (${ours})`);
  compare('wallet', balances, world.expected);
  compare('transfer', await table(`SELECT id, amount_cents FROM transfers WHERE from_member_id IN (${ours})`), world.acked.transfers);
  compare('withdrawal', await table(`SELECT id, status FROM withdrawals WHERE member_id IN (${ours})`), world.acked.withdrawals);
  compare('order', await table(`SELECT id, status FROM orders WHERE member_id IN (${ours})`), world.acked.orders);
  const paid = new Map([...world.acked.commissions.keys()].map((id) => [id, 'PAID']));
  compare('commission', await table(`SELECT id, status FROM commissions_with_status WHERE member_id IN (${ours})`), paid);
  const adjustments = Number(await world.sql(`SELECT count(*) FROM audit_log WHERE action = 'wallet.adjust' AND target IN (SELECT id::text FROM (${ours}) m)`));
  if (adjustments !== world.acked.adjustments) miss(`adjustments: ${adjustments} in the database for the stress members, ${world.acked.adjustments} acknowledged`);
  return mismatches;
}
