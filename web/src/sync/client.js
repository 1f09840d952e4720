// The sync client: one member's copy of the server's state, kept in step and kept offline.
//
// It holds what the cart preview and the pages need (wallet, cashback, loyalty, travel, the
// checkout context, the catalog and the rules configuration), follows the server through the
// protocol of docs/sync.md — a snapshot, then the changes after a cursor, pulled when the
// WebSocket pokes — and keeps everything in storage so a reload while offline still previews
// carts with the last rules, catalog and balance. Writes go through a persisted queue whose
// client ids are the requests' Idempotency-Keys: a write sent twice takes effect once.
//
// No DOM here: the same module runs in the browser (localStorage, WebSocket, fetch) and in
// Node tests (given a storage object and `--experimental-websocket`).

const STORAGE_VERSION = 1;
const ENTRIES_KEPT = 50;                  // newest wallet entries kept for the Monedero page
const PULL_PAGE = 500;                    // changes per pull request (server max 1000)
const SETTLE_RETRY_MS = { first: 25, max: 2_000 };  // poked, the change not servable yet: pull again
const SAFETY_PULL_MS = 30_000;            // a pull now and then, should a poke be lost or the socket be dead
const SOCKET_BACKOFF_MS = { first: 500, max: 30_000 };
const WRITE_BACKOFF_MS = { first: 250, max: 30_000 };
const REQUEST_TIMEOUT_MS = 15_000;
const SOCKET_OPEN_TIMEOUT_MS = 10_000;    // a handshake that hangs (captive portal, dead route) is given up

/** Which derived documents a change kind makes stale (refetched once per pull). */
const STALE_BY_KIND = {
  ORDER: ['checkout', 'loyalty'],
  CASHBACK: ['cashback', 'checkout'],
  LOYALTY: ['loyalty'],
  LOYALTY_REWARD: ['loyalty'],
  TRAVEL_EVENT: ['travel'],
  CATALOG: ['catalog'],
  RULES: ['rules'],
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const jitter = (ms) => Math.round(ms * (0.75 + Math.random() * 0.5));
const backoff = ({ first, max }, attempt) => Math.min(max, first * 2 ** Math.min(attempt, 16));

/** An error the server answered (status and its JSON error object), or a transport failure. */
export class RequestError extends Error {
  constructor(status, error, retryAfterMs) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;            // 0: no answer (offline, timeout, connection reset)
    this.error = error ?? null;      // the server's {code, message, field, …}
    this.retryAfterMs = retryAfterMs ?? null;
  }
  /** Worth sending again with the same key: no answer, a timeout, overload or a server error. */
  get transient() {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** Storage that forgets (when none is given, e.g. a private window without localStorage). */
export class MemoryStorage {
  #items = new Map();
  getItem(key) { return this.#items.has(key) ? this.#items.get(key) : null; }
  setItem(key, value) { this.#items.set(key, String(value)); }
  removeItem(key) { this.#items.delete(key); }
}

function newClientId() {
  return globalThis.crypto?.randomUUID?.() ?? `w-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export class SyncClient {
  #baseUrl; #token; #storage; #fetch; #WebSocket; #rules; #key;
  #state; #queue; #connection = 'offline'; #listeners = new Set();
  #socket = null; #socketAttempt = 0; #socketTimer = null; #safetyTimer = null;
  #running = false; #pulling = null; #pullAgain = false; #pokedXid = 0n; #waitingForPoke = false;
  #flushing = null; #waiters = new Map(); #writeTimer = null;
  #onOnline = () => this.reconnect();
  #safetyPullMs;

  /**
   * @param {object} options
   * @param {string} [options.baseUrl]  origin of the API ('' in the browser: same origin)
   * @param {string} options.token      the member's bearer token
   * @param {string} options.memberId   the member's id (names the stored state)
   * @param {Storage} [options.storage] localStorage or alike; MemoryStorage when absent
   * @param {object} [options.rules]    the WebAssembly rules (loadRules()): new configs are loaded into it
   * @param {number} [options.safetyPullMs] the period of the pull that runs without pokes (30 s)
   */
  constructor({ baseUrl = '', token, memberId, storage, fetch: fetchImpl, WebSocket: WebSocketImpl, rules,
    safetyPullMs = SAFETY_PULL_MS } = {}) {
    if (!token) throw new TypeError('SyncClient needs the member token');
    if (!memberId) throw new TypeError('SyncClient needs the member id');
    this.#baseUrl = baseUrl.replace(/\/$/, '');
    this.#token = token;
    this.#storage = storage ?? globalThis.localStorage ?? new MemoryStorage();
    this.#fetch = fetchImpl ?? globalThis.fetch.bind(globalThis);
    this.#WebSocket = WebSocketImpl ?? globalThis.WebSocket;
    this.#rules = rules ?? null;
    this.#safetyPullMs = safetyPullMs;
    this.#key = `nnw.sync.v${STORAGE_VERSION}.${memberId}`;
    this.#state = this.#load('state') ?? emptyState(memberId);
    this.#queue = (this.#load('queue') ?? []).map((w) => ({ ...w, state: 'queued' }));
    // A configuration kept from an earlier visit goes into the engine before anything else, so
    // an offline preview computes with the rules the server used last.
    if (this.#rules && this.#state.rules_config) this.#swapRules(this.#state.rules_config);
  }

  // ---- what the pages read ----

  /** The member's state as last pulled (a plain object; do not mutate). */
  get state() { return this.#state; }
  /** 'online' (socket open), 'connecting', or 'offline'. */
  get connection() { return this.#connection; }
  /** Writes not yet acknowledged or rejected, oldest first. */
  get pending() { return this.#queue.map(({ client_id, kind, method, path, body, state, attempts, last_error }) =>
    ({ client_id, kind, method, path, body, state, attempts, last_error })); }

  /** listener(client, event); event.type: state, connection, pending, applied, rejected, rules, catalog, unauthorized. */
  subscribe(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // ---- life cycle ----

  async start() {
    if (this.#running) return;
    this.#running = true;
    globalThis.addEventListener?.('online', this.#onOnline);
    this.#openSocket();
    this.#safetyTimer = setInterval(() => this.#safetyPull(), this.#safetyPullMs);
    this.#kickQueue();
    try {
      await this.refresh();
    } catch (e) {
      if (!(e instanceof RequestError) || !e.transient) throw e;  // offline: the stored state stays
    }
  }

  stop() {
    this.#running = false;
    globalThis.removeEventListener?.('online', this.#onOnline);
    clearInterval(this.#safetyTimer);
    clearTimeout(this.#socketTimer);
    clearTimeout(this.#writeTimer);
    if (this.#socket) { this.#socket.onclose = null; this.#socket.close(); this.#socket = null; }
    this.#setConnection('offline');
  }

  /** Pulls until nothing is left (one pull at a time; a call during a pull runs one more after it). */
  refresh() {
    if (this.#pulling) { this.#pullAgain = true; return this.#pulling; }
    this.#pulling = (async () => {
      try {
        do {
          this.#pullAgain = false;
          await this.#pullAll();
        } while (this.#pullAgain);
      } finally {
        this.#pulling = null;
      }
    })();
    return this.#pulling;
  }

  // ---- writes ----

  /**
   * Queues a write and resolves when the server has answered it for good:
   * {outcome:'applied', status, response} or {outcome:'rejected', status, error}.
   * The client id (given, else a new UUID) is sent as the Idempotency-Key.
   */
  submit({ kind, method = 'POST', path, body = null, client_id: clientId = newClientId() }) {
    if (!path?.startsWith('/')) throw new TypeError('submit needs an absolute API path');
    const existing = this.#queue.find((w) => w.client_id === clientId);
    if (!existing) {
      this.#queue.push({ client_id: clientId, kind, method, path, body, state: 'queued', attempts: 0, last_error: null });
      this.#save('queue', this.#queue);
      this.#emit({ type: 'pending' });
    }
    const done = new Promise((resolve) => {
      const list = this.#waiters.get(clientId) ?? [];
      list.push(resolve);
      this.#waiters.set(clientId, list);
    });
    this.#kickQueue();
    return done;
  }

  // ---- internals: HTTP ----

  async #request(method, path, { body, headers = {}, auth = true } = {}) {
    const init = { method, headers: { ...headers }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) };
    if (auth) init.headers.Authorization = `Bearer ${this.#token}`;
    if (body !== undefined && body !== null) {
      init.headers['Content-Type'] = 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    let response;
    try {
      response = await this.#fetch(`${this.#baseUrl}${path}`, init);
    } catch (e) {
      throw new RequestError(0, { code: 'network_error', message: String(e?.message ?? e) });
    }
    const text = await response.text().catch(() => '');
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    if (response.status === 304) return { status: 304, json: null, headers: response.headers };
    if (!response.ok) {
      const retryAfter = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
      const error = new RequestError(response.status, json?.error ?? { code: 'http_error', message: text.slice(0, 200) },
        Number.isFinite(retryAfter) ? retryAfter * 1000 : null);
      if (response.status === 401) this.#emit({ type: 'unauthorized', error: error.error });
      throw error;
    }
    return { status: response.status, json, headers: response.headers };
  }

  // ---- internals: pull ----

  async #pullAll() {
    // Documents owed a refetch survive a failed pull (kept with the cursor that passed their
    // changes), so a refetch that failed is made by the next pull instead of being forgotten.
    const stale = new Set(this.#state.stale ?? []);
    for (let page = 0; page < 10_000; page += 1) {
      const cursor = this.#state.cursor;
      const query = cursor ? `?cursor=${encodeURIComponent(cursor)}&limit=${PULL_PAGE}` : '';
      const { json } = await this.#request('GET', `/v1/sync${query}`);
      if (json.snapshot) {
        this.#applySnapshot(json.snapshot, json.cursor);
        for (const doc of ['loyalty', 'travel', 'checkout', 'entries', 'withdrawals', 'orders']) stale.add(doc);
        if (json.snapshot.catalog_version !== this.#state.catalog?.catalog_version) stale.add('catalog');
        if (json.snapshot.rules_version !== this.#state.rules_config?.rules_version) stale.add('rules');
      } else {
        for (const change of json.changes) this.#applyChange(change, stale);
        this.#state = { ...this.#state, cursor: json.cursor };
      }
      this.#state = { ...this.#state, stale: [...stale] };
      if (!json.has_more) break;
    }
    await this.#refreshDocuments(stale);
    this.#state = { ...this.#state, stale: [] };
    this.#save('state', this.#state);
    this.#emit({ type: 'state' });
  }

  /**
   * After a poke: pull until the cursor has passed the poked transaction. A commit becomes
   * servable only once every older transaction in the database has ended (docs/sync.md), so a
   * pull right after the poke may come back without it: pull again, sooner first.
   */
  async #pullAfterPoke(xid) {
    if (xid > this.#pokedXid) this.#pokedXid = xid;
    if (this.#waitingForPoke) return;  // the loop below is already waiting; it now waits for this one too
    this.#waitingForPoke = true;
    try {
      for (let attempt = 0; this.#running; attempt += 1) {
        try {
          await this.refresh();
          if (cursorXid(this.#state.cursor) > this.#pokedXid) return;
        } catch {
          // A pull that failed (a connection reset, a timeout) is tried again below.
        }
        await sleep(Math.min(SETTLE_RETRY_MS.max, SETTLE_RETRY_MS.first * 2 ** Math.min(attempt, 10)));
      }
    } finally {
      this.#waitingForPoke = false;
    }
  }

  #applySnapshot(snapshot, cursor) {
    const old = this.#state;
    this.#state = {
      ...old,
      member_id: snapshot.member_id,
      cursor,
      rules_version: snapshot.rules_version,
      catalog_version: snapshot.catalog_version,
      wallet: snapshot.wallet,
      cashback: snapshot.cashback,
      // The status now; the rest of the document (rewards) until its refetch, which every snapshot owes.
      loyalty: snapshot.loyalty ? { ...old.loyalty, status: snapshot.loyalty } : null,
    };
  }

  #applyChange(change, stale) {
    const p = change.payload;
    const s = this.#state;
    for (const doc of STALE_BY_KIND[change.kind] ?? []) stale.add(doc);
    switch (change.kind) {
      case 'WALLET_ENTRY': {
        // Entry ids grow with each wallet's balance: an entry already counted cannot set it back.
        if (s.wallet && p.entry_id > (s.wallet.last_entry_id ?? 0)) {
          this.#state = { ...s, wallet: { ...s.wallet, balance_cents: p.balance_after_cents, last_entry_id: p.entry_id } };
        }
        const entries = [p, ...this.#state.entries.filter((e) => e.entry_id !== p.entry_id)]
          .sort((x, y) => y.entry_id - x.entry_id).slice(0, ENTRIES_KEPT);
        this.#state = { ...this.#state, entries };
        break;
      }
      case 'ORDER':
        this.#state = { ...s, orders: { ...s.orders, [p.order_id]: { ...s.orders[p.order_id], ...p } } };
        break;
      case 'WITHDRAWAL':
        this.#state = { ...s, withdrawals: { ...s.withdrawals, [p.withdrawal_id]: { ...s.withdrawals[p.withdrawal_id], ...p } } };
        break;
      case 'CASHBACK': {
        // Applied at once (the cart preview needs it), then the full document is refetched.
        const list = s.cashback?.cashbacks ?? [];
        const known = list.some((c) => c.id === p.cashback_id);
        const merged = known ? list.map((c) => (c.id === p.cashback_id ? { ...c, status: p.status, value_cents: p.value_cents } : c))
          : [{ id: p.cashback_id, period: p.period, status: p.status, value_cents: p.value_cents, currency: p.currency,
            expires_at: p.expires_at }, ...list];
        this.#state = { ...s, cashback: { ...(s.cashback ?? {}), cashbacks: merged } };
        break;
      }
      case 'CATALOG':
        break;
      case 'RULES':
        if (p.rules_version) this.#state = { ...s, rules_version: p.rules_version };
        break;
      default:
        break;  // LOYALTY, LOYALTY_REWARD, TRAVEL_EVENT: their documents are refetched
    }
  }

  /** Refetches the documents the pulled changes made stale, all at once. */
  async #refreshDocuments(stale) {
    const me = '/v1/members/me';
    const tasks = [];
    const set = (patch) => { this.#state = { ...this.#state, ...patch }; };
    if (stale.has('cashback')) tasks.push(this.#request('GET', `${me}/cashback`).then(({ json }) => set({ cashback: json })));
    if (stale.has('loyalty')) tasks.push(this.#request('GET', `${me}/loyalty`).then(({ json }) => set({ loyalty: json })));
    if (stale.has('travel')) {
      // No campaign running (404 no_active_campaign) is a state, not a failure.
      tasks.push(this.#request('GET', `${me}/travel`).then(({ json }) => set({ travel: json }),
        (e) => { if (e instanceof RequestError && e.status === 404) set({ travel: null }); else throw e; }));
    }
    if (stale.has('entries')) {
      tasks.push(this.#request('GET', `${me}/wallet/entries?limit=${ENTRIES_KEPT}`).then(({ json }) => set({ entries: json.entries.map(entryOf) })));
    }
    if (stale.has('withdrawals')) {
      tasks.push(this.#request('GET', `${me}/withdrawals`).then(({ json }) =>
        set({ withdrawals: Object.fromEntries(json.withdrawals.map((w) => [w.id, { withdrawal_id: w.id, ...w }])) })));
    }
    if (stale.has('orders')) {
      tasks.push(this.#request('GET', `${me}/orders`).then(({ json }) =>
        set({ orders: Object.fromEntries(json.orders.map((o) => [o.id, { order_id: o.id, ...o }])) })));
    }
    if (stale.has('checkout')) tasks.push(this.#refreshCheckout());
    if (stale.has('catalog')) tasks.push(this.#refreshCatalog());
    if (stale.has('rules')) tasks.push(this.#refreshRules());
    const results = await Promise.allSettled(tasks);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** The member's inputs to a cart preview as the server books them (POST /v1/checkout/preview, empty cart). */
  async #refreshCheckout() {
    const { json } = await this.#request('POST', '/v1/checkout/preview', { body: { lines: [] } });
    const { market, period_pv: periodPv, cashback, shipping_cents: shippingCents } = json.rules_request;
    this.#state = { ...this.#state, checkout: { market, period: json.preview.period, period_pv: periodPv, cashback, shipping_cents: shippingCents } };
  }

  async #refreshCatalog() {
    const currency = this.#state.wallet?.currency ?? 'MXN';
    const old = this.#state.catalog;
    const headers = old?.currency === currency && old.etag ? { 'If-None-Match': old.etag } : {};
    const { status, json, headers: h } = await this.#request('GET', `/v1/catalog?currency=${encodeURIComponent(currency)}`, { headers, auth: false });
    if (status === 304) return;
    this.#state = { ...this.#state, catalog: { ...json, etag: h.get('ETag') } };
    this.#emit({ type: 'catalog', catalog_version: json.catalog_version });
  }

  async #refreshRules() {
    const old = this.#state.rules_config;
    const headers = old?.etag ? { 'If-None-Match': old.etag } : {};
    const { status, json, headers: h } = await this.#request('GET', '/v1/rules', { headers, auth: false });
    if (status === 304) return;
    const rulesConfig = { ...json, etag: h.get('ETag') };
    this.#swapRules(rulesConfig);
    this.#state = { ...this.#state, rules_config: rulesConfig, rules_version: json.rules_version };
    this.#emit({ type: 'rules', rules_version: json.rules_version });
  }

  /** Loads a configuration into the WebAssembly engine, unless it already computes with it. */
  #swapRules(rulesConfig) {
    if (!this.#rules || this.#rules.version() === rulesConfig.rules_version) return;
    const result = this.#rules.loadConfig(rulesConfig.config);
    if (result?.error) throw new Error(`the server's rules configuration did not load: ${result.error.message}`);
    if (result.rules_version !== rulesConfig.rules_version) {
      throw new Error(`rules version ${result.rules_version} computed, ${rulesConfig.rules_version} served`);
    }
  }

  // A socket can look open long after its network died (a phone changing networks sends no
  // FIN): a periodic pull that gets no answer closes it, so the socket reconnects with backoff
  // and the page shows the connection lost.
  #safetyPull() {
    if (this.#connection !== 'online') return;
    this.refresh().catch((e) => {
      if (e instanceof RequestError && e.status === 0) this.#abandonSocket();
    });
  }

  /** Gives the socket up without waiting for a close handshake a dead network cannot finish. */
  #abandonSocket() {
    const socket = this.#socket;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
    try { socket.close(); } catch { /* already closing */ }
    this.#socket = null;
    this.#setConnection('offline');
    this.#reconnectSoon();
  }

  // ---- internals: the poke socket ----

  #openSocket() {
    if (!this.#running || !this.#WebSocket) return;
    const origin = this.#baseUrl || globalThis.location?.origin || '';
    const url = `${origin.replace(/^http/, 'ws')}/v1/sync/ws?access_token=${encodeURIComponent(this.#token)}`;
    this.#setConnection('connecting');
    let socket;
    try {
      socket = new this.#WebSocket(url);
    } catch {
      this.#reconnectSoon();
      return;
    }
    this.#socket = socket;
    const openTimer = setTimeout(() => { if (socket.readyState !== 1) socket.close(); }, SOCKET_OPEN_TIMEOUT_MS);
    socket.onopen = () => {
      clearTimeout(openTimer);
      this.#socketAttempt = 0;
      this.#setConnection('online');
      // Whatever happened while the socket was down: pull it, and send what was queued.
      this.refresh().catch(() => {});
      this.#kickQueue();
    };
    socket.onmessage = (event) => {
      let message = null;
      try { message = JSON.parse(event.data); } catch { return; }
      if (message?.type !== 'changes') return;
      let xid = 0n;
      try { xid = BigInt(message.xid ?? 0); } catch { xid = 0n; }
      this.#pullAfterPoke(xid).catch(() => {});
    };
    socket.onerror = () => {};  // onclose follows
    socket.onclose = () => {
      clearTimeout(openTimer);
      if (this.#socket === socket) this.#socket = null;
      this.#setConnection('offline');
      this.#reconnectSoon();
    };
  }

  #reconnectSoon(delayMs) {
    if (!this.#running) return;
    clearTimeout(this.#socketTimer);
    if (this.#socket && delayMs === 0) return;  // already open or opening
    const wait = delayMs ?? jitter(backoff(SOCKET_BACKOFF_MS, this.#socketAttempt++));
    this.#socketTimer = setTimeout(() => { if (!this.#socket) this.#openSocket(); }, wait);
  }

  /** For tests and the page's "reconnect" button: drop the socket as a network loss would. */
  dropConnection() { this.#socket?.close(); }

  /** The network is back (the browser's `online` event, a "retry" button): reconnect and send now. */
  reconnect() {
    this.#socketAttempt = 0;
    this.#reconnectSoon(0);
    clearTimeout(this.#writeTimer);
    this.#kickQueue();
  }

  #setConnection(connection) {
    if (this.#connection === connection) return;
    this.#connection = connection;
    this.#emit({ type: 'connection', connection });
  }

  // ---- internals: the write queue ----

  #kickQueue() {
    if (!this.#running || this.#flushing) return;
    clearTimeout(this.#writeTimer);
    this.#flushing = this.#flush().finally(() => { this.#flushing = null; });
  }

  /** Sends queued writes oldest first; a transient failure waits and retries, a rejection moves on. */
  async #flush() {
    while (this.#running && this.#queue.length > 0) {
      const write = this.#queue[0];
      write.state = 'sending';
      write.attempts += 1;
      this.#emit({ type: 'pending' });
      try {
        const { status, json } = await this.#request(write.method, write.path,
          { body: write.body, headers: { 'Idempotency-Key': write.client_id } });
        this.#settle(write, { outcome: 'applied', status, response: json });
      } catch (e) {
        const error = e instanceof RequestError ? e : new RequestError(0, { code: 'client_error', message: String(e) });
        if (!error.transient) {
          this.#settle(write, { outcome: 'rejected', status: error.status, error: error.error });
          continue;
        }
        write.state = 'retrying';
        write.last_error = error.error;
        this.#save('queue', this.#queue);
        this.#emit({ type: 'pending' });
        const wait = error.retryAfterMs ?? jitter(backoff(WRITE_BACKOFF_MS, write.attempts - 1));
        this.#writeTimer = setTimeout(() => this.#kickQueue(), wait);
        return;
      }
    }
  }

  #settle(write, result) {
    this.#queue = this.#queue.filter((w) => w.client_id !== write.client_id);
    this.#save('queue', this.#queue);
    this.#emit({ type: result.outcome, client_id: write.client_id, kind: write.kind, ...result });
    this.#emit({ type: 'pending' });
    for (const resolve of this.#waiters.get(write.client_id) ?? []) resolve(result);
    this.#waiters.delete(write.client_id);
    // Applied or rejected, the server's state moved or must be shown as it is: pull it.
    this.refresh().catch(() => {});
  }

  // ---- internals: storage and events ----

  #load(name) {
    try {
      const text = this.#storage.getItem(`${this.#key}.${name}`);
      return text ? JSON.parse(text) : null;
    } catch {
      return null;
    }
  }

  #save(name, value) {
    try {
      this.#storage.setItem(`${this.#key}.${name}`, JSON.stringify(value));
    } catch {
      // Storage full or refused: the state lives on in memory; the next save tries again.
    }
  }

  #emit(event) {
    for (const listener of this.#listeners) {
      try { listener(this, event); } catch (e) { queueMicrotask(() => { throw e; }); }
    }
  }
}

/** The transaction-id half of a cursor "<xid>.<id>", as a BigInt (0 without a cursor). */
function cursorXid(cursor) {
  try { return cursor ? BigInt(cursor.slice(0, cursor.indexOf('.'))) : 0n; } catch { return 0n; }
}

function emptyState(memberId) {
  return {
    member_id: memberId,
    cursor: null,
    rules_version: null,
    catalog_version: null,
    wallet: null,
    entries: [],
    orders: {},
    withdrawals: {},
    cashback: null,
    loyalty: null,
    travel: null,
    checkout: null,
    stale: [],
    catalog: null,
    rules_config: null,
  };
}

/** A wallet entry from GET …/wallet/entries, keyed like a WALLET_ENTRY change's payload (entry_id). */
function entryOf(e) {
  return { entry_id: e.id, ...e };
}

/**
 * The rules request for a cart, built from the synced state exactly as the server builds it
 * (POST /v1/checkout/preview): the member's booked inputs, the catalog's prices and PV.
 * `quantities` maps SKU → units; `now` is an Instant ("YYYY-MM-DDTHH:MM:SSZ").
 */
export function cartRequest(state, quantities, now) {
  const bySku = new Map((state.catalog?.products ?? []).map((p) => [p.sku, p]));
  const lines = [];
  for (const [sku, quantity] of quantities) {
    const product = bySku.get(sku);
    if (!product || quantity <= 0) continue;
    lines.push({ sku, quantity, unit_price_cents: product.unit_price_cents, unit_pv: product.pv });
  }
  const checkout = state.checkout ?? {};
  return {
    market: checkout.market ?? state.wallet?.market ?? 'MX',
    now,
    period_pv: checkout.period_pv ?? 0,
    cashback: checkout.cashback ?? null,
    lines,
    shipping_cents: checkout.shipping_cents ?? 0,
  };
}
