// Convergence: four members' sync clients against one real server and database while
// transfers between them, commission deposits, orders (one cancelled), a cashback expiry and a
// catalog change happen at once; one client is offline for part of the run and queues writes
// meanwhile; some answers are lost on the way back, so the client must send again. At the end
// every client's local state equals the server's, reached by pokes and pulls alone, and no
// write took effect twice.
//
//   node --experimental-websocket --test tests/sync/
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import path from 'node:path';
import { artifactDir, startStack, tail } from '../support/stack.mjs';
import { FlakyNetwork, MemoryStorage, SyncClient, cartRequest, clientView, loadWasmRules, serverView, sleep } from './support.mjs';

const MEMBERS = ['NN-1001', 'NN-1002', 'NN-1003', 'NN-1004'];
const memberId = (number) => `00000000-0000-4000-8000-00000000${number.slice(3)}`;
const nowInstant = () => new Date().toISOString().slice(0, 19) + 'Z';

let stack;
let logDir;
const members = {};  // number → { token, client, network, rules, storage }

before(async () => {
  logDir = artifactDir('sync-convergence');
  stack = await startStack({ logDir });
  for (const number of MEMBERS) {
    const token = await stack.login({ member_number: number });
    const network = new FlakyNetwork();
    const rules = await loadWasmRules();
    const storage = new MemoryStorage();
    const client = new SyncClient({ baseUrl: stack.baseUrl, token, memberId: memberId(number), storage, rules,
      fetch: network.fetch, WebSocket: network.WebSocket });
    members[number] = { token, client, network, rules, storage };
  }
});

after(async () => {
  for (const m of Object.values(members)) m.client?.stop();
  const codes = await stack?.stop();
  assert.deepEqual(codes, [0], `the server drained and exited 0 (log: ${logDir})`);
});

async function until(what, predicate, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function api(token, method, p, body, key) {
  const headers = { authorization: `Bearer ${token}` };
  if (key) headers['Idempotency-Key'] = key;
  const res = await fetch(`${stack.baseUrl}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json().catch(() => null);
  return { status: res.status, json };
}

/** An order through the client: previewed locally in WebAssembly, confirmed with the totals shown. */
function submitOrder(m, quantities, walletShare) {
  const request = cartRequest(m.client.state, quantities, nowInstant());
  const preview = m.rules.previewCart(request);
  assert.ok(!preview.error, JSON.stringify(preview));
  const walletCents = walletShare === 'all' ? preview.total_cents : Math.min(walletShare, preview.total_cents);
  const lines = request.lines.map(({ sku, quantity }) => ({ sku, quantity }));
  return {
    preview,
    done: m.client.submit({ kind: 'order', path: '/v1/orders', body: {
      lines, wallet_cents: walletCents, rules_version: preview.rules_version,
      displayed: { subtotal_cents: preview.subtotal_cents, discount_cents: preview.discount_cents,
        shipping_cents: preview.shipping_cents, total_cents: preview.total_cents } } }),
  };
}

/** A cart that crosses 2,930 PV on its very last unit: the cashback is generated AVAILABLE. */
function crossingOnLastUnit(m) {
  const products = [...m.client.state.catalog.products].filter((p) => p.pv > 0).sort((a, b) => b.pv - a.pv);
  const missing = m.client.state.checkout.period_pv >= 2930 ? null : 2930 - m.client.state.checkout.period_pv;
  assert.ok(missing, 'the member has not crossed 2,930 PV this period yet');
  // One unit of the smallest product that crosses alone; else big units up to below 2,930, then one more.
  const alone = products.filter((p) => p.pv >= missing).pop();
  if (alone) return new Map([[alone.sku, 1]]);
  const [big] = products;
  const quantities = new Map([[big.sku, Math.floor((missing - 1) / big.pv)]]);
  const rest = missing - quantities.get(big.sku) * big.pv;
  const last = products.filter((p) => p.sku !== big.sku && p.pv >= rest).pop() ?? products.find((p) => p.sku !== big.sku);
  quantities.set(last.sku, 1);
  return quantities;
}

test('every client converges on the server while everything happens at once', { timeout: 180_000 }, async () => {
  for (const m of Object.values(members)) await m.client.start();
  await until('all clients online', () => Object.values(members).every((m) => m.client.connection === 'online'));
  for (const [number, m] of Object.entries(members)) {
    assert.equal(m.client.state.member_id, memberId(number));
    assert.ok(m.client.state.catalog?.products.length > 0, 'the catalog is synced');
    assert.equal(m.rules.version(), m.client.state.rules_version, 'the engine computes with the server\'s rules');
  }

  const admin = await stack.login({ role: 'admin' });
  const service = await stack.login({ role: 'service' });
  const results = [];  // every write's outcome
  const track = (label, promise) => results.push(promise.then((r) => ({ label, ...r })));

  // NN-1004 drops off the network; what it does meanwhile is queued.
  const offline = members['NN-1004'];
  offline.network.offline = true;
  offline.client.dropConnection();
  await until('NN-1004 offline', () => offline.client.connection !== 'online');

  // Transfers between all four, some answers lost on the way back (sent again, same key).
  members['NN-1001'].network.loseResponse(2);
  members['NN-1003'].network.loseResponse(1);
  const transfer = (from, to, cents) => track(`transfer ${from}→${to}`,
    members[from].client.submit({ kind: 'transfer', path: '/v1/transfers', body: { to_member_number: to, amount_cents: cents, note: 'sync' } }));
  const round = [['NN-1001', 'NN-1002', 1500], ['NN-1002', 'NN-1003', 2200], ['NN-1003', 'NN-1001', 900],
    ['NN-1004', 'NN-1001', 1234], ['NN-1001', 'NN-1004', 4321], ['NN-1002', 'NN-1004', 777], ['NN-1004', 'NN-1003', 555]];
  for (const [from, to, cents] of round) transfer(from, to, cents);
  assert.ok(offline.client.pending.length >= 2, 'the offline client shows its writes as pending');

  // The same write submitted twice with one client id: one effect.
  const twiceId = 'twice-' + Date.now();
  for (let i = 0; i < 2; i += 1) {
    track('transfer twice', members['NN-1002'].client.submit({ kind: 'transfer', path: '/v1/transfers', client_id: twiceId,
      body: { to_member_number: 'NN-1001', amount_cents: 4200 } }));
  }

  // Commissions for everyone, deposited by the job while the rest goes on.
  const commissions = MEMBERS.map((number, i) => ({ external_id: `sync-${Date.now()}-${i}`, member_id: memberId(number),
    bonus_type: 'UNINIVEL', period: nowInstant().slice(0, 7), amount_cents: 10000 + i * 111, currency: 'MXN',
    source_amount_cents: 10000 + i * 111, source_currency: 'MXN', rate_micros: 1000000 }));
  const recorded = await api(service, 'POST', '/v1/commissions', { commissions }, `sync-commissions-${Date.now()}`);
  assert.equal(recorded.status, 201, JSON.stringify(recorded.json));

  // NN-1002's crossing order generates an AVAILABLE cashback; NN-1003 pays an order from the wallet.
  const crossing = submitOrder(members['NN-1002'], crossingOnLastUnit(members['NN-1002']), 0);
  assert.equal(crossing.preview.unlocks_cashback, true, JSON.stringify(crossing.preview));
  assert.equal(crossing.preview.cashback_after.status, 'AVAILABLE');
  track('crossing order', crossing.done);
  const paid = submitOrder(members['NN-1003'], new Map([['NN-OMEGA3', 2]]), 'all');
  track('paid order', paid.done);
  const deposit = api(admin, 'POST', '/v1/jobs/deposit-commissions');

  // A catalog change concerns everyone.
  const catalogCsv = await fetch(`${stack.baseUrl}/v1/catalog?currency=MXN`).then((r) => r.json());

  const crossingResult = await crossing.done;
  assert.equal(crossingResult.outcome, 'applied', JSON.stringify(crossingResult));
  const paidResult = await paid.done;
  assert.equal(paidResult.outcome, 'applied', JSON.stringify(paidResult));
  assert.equal((await deposit).status, 200);

  // NN-1003 cancels its order (refund); NN-1002's cashback reaches the end of its month.
  track('cancel', members['NN-1003'].client.submit({ kind: 'cancel', path: `/v1/orders/${paidResult.response.order.id}/cancel` }));
  // A cashback never changes its end (migration 0025), so the month is ended with the
  // transaction's triggers off (the tests' superuser may do that; the server may not).
  await stack.sql(`SET LOCAL session_replication_role = replica;
                   UPDATE cashbacks SET expires_at = now() - interval '1 second'
                    WHERE member_id = '${memberId('NN-1002')}' AND status = 'AVAILABLE'`);
  const expiry = await api(admin, 'POST', '/v1/jobs/expire-cashbacks');
  assert.equal(expiry.status, 200, JSON.stringify(expiry.json));

  // A write that the server rejects comes back with its reason and does not block the queue.
  const rejected = members['NN-1001'].client.submit({ kind: 'transfer', path: '/v1/transfers',
    body: { to_member_number: 'NN-1001', amount_cents: 100 } });
  transfer('NN-1001', 'NN-1003', 333);
  const rejection = await rejected;
  assert.equal(rejection.outcome, 'rejected');
  assert.equal(rejection.error.code, 'same_member');

  // A product's price changes (the admin's CSV import): a CATALOG change for everyone.
  const usd = await fetch(`${stack.baseUrl}/v1/catalog?currency=USD`).then((r) => r.json());
  const product = catalogCsv.products.find((p) => p.sku === 'NN-VITC');
  const usdPrice = usd.products.find((p) => p.sku === 'NN-VITC')?.unit_price_cents;
  const money = (cents) => (cents === undefined ? '' : `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`);
  const imported = await fetch(`${stack.baseUrl}/v1/admin/catalog`, { method: 'PUT',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv', 'idempotency-key': `sync-catalog-${Date.now()}` },
    body: `sku,name,category,kit,pv,active,price_MXN,price_USD\n${product.sku},${product.name},${product.category},` +
      `${product.kit},${product.pv},true,${money(product.unit_price_cents + 100)},${money(usdPrice)}\n` });
  assert.equal(imported.status, 200, await imported.text());

  // NN-1004 back online after a while: its queue drains, its view catches up by itself.
  await sleep(1500);
  assert.ok(offline.client.pending.length >= 2, 'still queued while offline');
  offline.network.offline = false;

  const outcomes = await Promise.all(results);
  for (const o of outcomes) {
    if (o.label === 'transfer twice') continue;
    assert.equal(o.outcome, 'applied', `${o.label}: ${JSON.stringify(o.error ?? o.response)}`);
  }
  const twice = outcomes.filter((o) => o.label === 'transfer twice');
  assert.equal(twice.length, 2);
  assert.deepEqual(twice[0], twice[1], 'one client id, one answer');

  // Converged: every client equals the server, by pokes and pulls alone (no refresh call here).
  for (const [number, m] of Object.entries(members)) {
    let last;
    await until(`${number} converged`, async () => {
      if (m.client.pending.length > 0) return false;
      const expected = await serverView(stack.baseUrl, m.token);
      last = { expected, actual: clientView(m.client.state) };
      try { assert.deepEqual(last.actual, last.expected); return true; } catch { return false; }
    }, 20000).catch(() => assert.deepEqual(last.actual, last.expected, `${number} did not converge; server log:\n${tail(path.join(logDir, 'server-0.log'))}`));
  }
  const nn1002 = clientView(members['NN-1002'].client.state);
  assert.ok(Object.values(nn1002.cashbacks).some((c) => c.status === 'EXPIRED'), 'the expiry reached the client');
  assert.equal(members['NN-1004'].client.state.catalog.products.find((p) => p.sku === product.sku).unit_price_cents,
    product.unit_price_cents + 100, 'the new price reached the client that was offline');

  // At most once: every key the clients sent took effect once, though some were sent twice.
  const sentKeys = Object.values(members).flatMap((m) => m.network.sent.map((s) => s.key));
  const lost = Object.values(members).reduce((n, m) => n + m.network.responsesLost, 0);
  assert.equal(lost, 3, 'three answers were lost and the writes sent again');
  assert.ok(sentKeys.length > new Set(sentKeys).size, 'some writes went out more than once');
  const transfersByKey = await stack.sql(`SELECT count(*) FROM transfers WHERE note = 'sync'
      GROUP BY from_member_id, to_member_id, amount_cents HAVING count(*) > 1`);
  assert.equal(transfersByKey, '', 'no transfer booked twice');
  const twiceBooked = await stack.sql(`SELECT count(*) FROM transfers WHERE amount_cents = 4200`);
  assert.equal(twiceBooked, '1', 'the write submitted twice was booked once');
  const ledger = await stack.sql(`SELECT count(*) FROM wallets w WHERE w.balance_cents <>
      (SELECT coalesce(sum(amount_cents), 0) FROM wallet_entries e WHERE e.wallet_id = w.id)`);
  assert.equal(ledger, '0', 'every balance is the sum of its entries');
});
