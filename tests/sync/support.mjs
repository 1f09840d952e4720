// What the sync tests share: the client library under a network the test can break, the
// rules in WebAssembly, and the server's own view of a member to compare against.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../support/stack.mjs';
import { SyncClient, MemoryStorage, cartRequest } from '../../web/src/sync/client.js';

export { SyncClient, MemoryStorage, cartRequest };

export const WASM_DIST = path.resolve(process.env.NNW_WASM_DIST ?? path.join(repoRoot, 'build/wasm/wasm/dist'));

/** A fresh WebAssembly rules engine, as the browser's client holds one. */
export async function loadWasmRules() {
  const { loadRules } = await import(pathToFileURL(path.join(WASM_DIST, 'index.node.mjs')).href);
  return loadRules();
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A network one client sees, that the test controls: `offline` fails every request and socket
 * at once; `loseResponse(n)` lets the next n writes reach the server and then drops the
 * answer (the client cannot tell whether they took effect and must send them again).
 */
export class FlakyNetwork {
  offline = false;
  #lose = 0;
  sent = [];           // every write request that reached the server: {key, path}
  responsesLost = 0;

  loseResponse(n = 1) { this.#lose += n; }

  fetch = async (url, init = {}) => {
    if (this.offline) throw new TypeError('fetch failed: offline');
    const key = init.headers?.['Idempotency-Key'];
    const response = await fetch(url, init);
    if (key) this.sent.push({ key, path: new URL(url).pathname });
    if (key && this.#lose > 0) {
      this.#lose -= 1;
      this.responsesLost += 1;
      await response.arrayBuffer();
      throw new TypeError('fetch failed: connection reset');
    }
    return response;
  };

  get WebSocket() {
    const network = this;
    return function FlakySocket(url) {
      if (!network.offline) return new globalThis.WebSocket(url);
      // Offline: a socket that fails as a lost network makes it fail, at once.
      const dead = { readyState: 3, close() {}, send() { throw new Error('offline'); } };
      setTimeout(() => { dead.onerror?.({}); dead.onclose?.({ code: 1006 }); }, 0);
      return dead;
    };
  }
}

async function getJson(baseUrl, token, p, init = {}) {
  const res = await fetch(`${baseUrl}${p}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
  const body = await res.json();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${p}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** The server's view of what a client holds, read through the API now. */
export async function serverView(baseUrl, token) {
  const snapshot = (await getJson(baseUrl, token, '/v1/sync')).snapshot;
  const [cashback, loyalty, orders, withdrawals, checkout, catalog] = await Promise.all([
    getJson(baseUrl, token, '/v1/members/me/cashback'),
    getJson(baseUrl, token, '/v1/members/me/loyalty'),
    getJson(baseUrl, token, '/v1/members/me/orders'),
    getJson(baseUrl, token, '/v1/members/me/withdrawals'),
    getJson(baseUrl, token, '/v1/checkout/preview', { method: 'POST', body: '{"lines":[]}' }),
    getJson(baseUrl, token, `/v1/catalog?currency=${snapshot.wallet.currency}`),
  ]);
  return comparable({
    wallet: snapshot.wallet,
    rules_version: snapshot.rules_version,
    catalog_version: snapshot.catalog_version,
    cashbacks: cashback.cashbacks,
    loyalty_status: loyalty.status,
    loyalty_rewards: loyalty.rewards,
    orders: orders.orders,
    withdrawals: withdrawals.withdrawals,
    checkout: checkout.rules_request,
    catalog_products: catalog.products,
  });
}

/** The same fields from a client's local state. */
export function clientView(state) {
  return comparable({
    wallet: state.wallet,
    rules_version: state.rules_version,
    catalog_version: state.catalog?.catalog_version ?? null,
    cashbacks: state.cashback?.cashbacks ?? [],
    loyalty_status: state.loyalty?.status ?? null,
    loyalty_rewards: state.loyalty?.rewards ?? [],
    orders: Object.values(state.orders),
    withdrawals: Object.values(state.withdrawals),
    checkout: state.checkout,
    catalog_products: state.catalog?.products ?? [],
  });
}

// What must agree, reduced to the facts (a client keeps change payloads, the API returns
// fuller documents): balances, statuses and amounts by id, the preview's inputs.
function comparable(v) {
  const byId = (list, id, fields) => Object.fromEntries([...list].map((x) => [x[id] ?? x.id,
    Object.fromEntries(fields.map((f) => [f, x[f] ?? null]))]).sort(([a], [b]) => String(a).localeCompare(String(b))));
  return {
    balance_cents: v.wallet?.balance_cents ?? null,
    last_entry_id: v.wallet?.last_entry_id ?? null,
    wallet_status: v.wallet?.status ?? null,
    rules_version: v.rules_version,
    catalog_version: v.catalog_version,
    cashbacks: byId(v.cashbacks, 'id', ['status', 'value_cents', 'period']),
    loyalty: v.loyalty_status && { points: v.loyalty_status.points, status: v.loyalty_status.status,
      consecutive_months: v.loyalty_status.consecutive_months, period: v.loyalty_status.period },
    loyalty_rewards: byId(v.loyalty_rewards, 'id', ['status', 'reward_id']),
    orders: byId(v.orders, 'order_id', ['status', 'total_cents', 'wallet_cents']),
    withdrawals: byId(v.withdrawals, 'withdrawal_id', ['status', 'amount_cents']),
    checkout: v.checkout && { market: v.checkout.market, period_pv: v.checkout.period_pv,
      cashback: v.checkout.cashback ?? null, shipping_cents: v.checkout.shipping_cents },
    catalog_products: byId(v.catalog_products, 'sku', ['unit_price_cents', 'pv', 'active']),
  };
}
