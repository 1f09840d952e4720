// A stand-in for the lead's web/src/sync/client.js with the same interface, used until that
// file lands on main: the member's state from GET /v1/sync (snapshot, then changes after the
// cursor), pulled again on each WebSocket poke; writes queued in storage while offline and
// sent with their client_id as the Idempotency-Key.
const RETRY_MS_MAX = 15000;

export class SyncClient {
  constructor({ baseUrl = '', token, storage = null, rules = null }) {
    this.baseUrl = baseUrl;
    this.token = token;
    this.storage = storage;
    this.rules = rules;
    this.state = null;
    this.connection = 'connecting';
    this.pending = [];
    this.listeners = new Set();
    this.waiters = new Map();
    this.socket = null;
    this.retryMs = 500;
    this.stopped = false;
    this.pulling = null;
    this.key = `nnw.sync.${token.split('.')[1] ?? 'anon'}`;
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(type, detail = {}) {
    for (const fn of this.listeners) fn(this, { type, ...detail });
  }

  setConnection(connection) {
    if (this.connection === connection) return;
    this.connection = connection;
    this.emit('connection');
  }

  async start() {
    const stored = this.storage?.getItem(this.key);
    if (stored) {
      const parsed = JSON.parse(stored);
      this.state = parsed.state;
      this.pending = parsed.pending.map((p) => ({ ...p, state: 'queued' }));
      this.emit('state');
      this.emit('pending');
    }
    this.onOnline = () => { this.setConnection('connecting'); this.refresh(); this.openSocket(); };
    this.onOffline = () => this.setConnection('offline');
    addEventListener('online', this.onOnline);
    addEventListener('offline', this.onOffline);
    if (!navigator.onLine) this.setConnection('offline');
    await this.refresh();
    this.openSocket();
  }

  stop() {
    this.stopped = true;
    removeEventListener('online', this.onOnline);
    removeEventListener('offline', this.onOffline);
    this.socket?.close();
  }

  persist() {
    this.storage?.setItem(this.key, JSON.stringify({ state: this.state, pending: this.pending }));
  }

  async fetchJson(path, init = {}) {
    const response = await fetch(this.baseUrl + path, {
      ...init,
      headers: { Authorization: `Bearer ${this.token}`, ...(init.headers ?? {}) },
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  refresh() {
    this.pulling ??= this.pull().finally(() => { this.pulling = null; });
    return this.pulling;
  }

  /** A poke whose change is not yet settled on the server finds nothing: pull again shortly. */
  async poked(tries = 6) {
    if (this.pulling) await this.pulling;  // it may have started before the poked change
    const applied = await this.refresh();
    if (applied === 0 && tries > 1 && !this.stopped) setTimeout(() => this.poked(tries - 1), 250);
  }

  async pull() {
    let applied = 0;
    try {
      let more = true;
      while (more) {
        const cursor = this.state?.cursor ? `?cursor=${encodeURIComponent(this.state.cursor)}` : '';
        const { status, body } = await this.fetchJson(`/v1/sync${cursor}`);
        if (status !== 200) throw new Error(`sync ${status}`);
        await this.apply(body);
        applied += body.changes.length + (body.snapshot ? 1 : 0);
        more = body.has_more;
      }
      this.setConnection('online');
      await this.flush();
    } catch {
      this.setConnection('offline');
    }
    return applied;
  }

  async apply(page) {
    const before = this.state;
    if (page.snapshot) {
      this.state = { orders: {}, withdrawals: {}, entries: [], catalog: before?.catalog ?? null,
        rules_config: before?.rules_config ?? null, ...page.snapshot };
    }
    const state = this.state;
    for (const change of page.changes) {
      const p = change.payload;
      if (change.kind === 'WALLET_ENTRY') {
        if (!state.entries.some((e) => e.entry_id === p.entry_id)) {
          state.entries = [p, ...state.entries].sort((a, b) => b.entry_id - a.entry_id).slice(0, 50);
        }
        if (state.entries[0].entry_id === p.entry_id) state.wallet = { ...state.wallet, balance_cents: p.balance_after_cents };
      } else if (change.kind === 'ORDER') state.orders[p.order_id] = p;
      else if (change.kind === 'WITHDRAWAL') state.withdrawals[p.withdrawal_id] = p;
      else if (change.kind === 'CASHBACK') {
        const list = (state.cashback?.cashbacks ?? []).filter((c) => c.id !== p.cashback_id);
        state.cashback = { ...state.cashback, cashbacks: [{ ...p, id: p.cashback_id }, ...list] };
      } else if (change.kind === 'CATALOG') state.catalog_version = null;
      else if (change.kind === 'RULES') state.rules_version = p.rules_version ?? null;
    }
    state.cursor = page.cursor;
    await this.refreshShared();
    this.persist();
    this.emit('state');
  }

  async refreshShared() {
    const state = this.state;
    if (!state.catalog || state.catalog.catalog_version !== state.catalog_version) {
      const currency = state.wallet?.currency ?? 'MXN';
      const { body } = await this.fetchJson(`/v1/catalog?currency=${currency}`);
      state.catalog = body;
      state.catalog_version = body.catalog_version;
      this.emit('catalog');
    }
    if (!state.rules_config || state.rules_config.rules_version !== state.rules_version) {
      const { body } = await this.fetchJson('/v1/rules');
      state.rules_config = body;
      state.rules_version = body.rules_version;
      if (this.rules && this.rules.version() !== body.rules_version) this.rules.loadConfig(body.config);
      this.emit('rules');
    }
  }

  openSocket() {
    if (this.stopped || this.socket) return;
    const url = new URL(`${this.baseUrl}/v1/sync/ws`, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('access_token', this.token);
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => { this.retryMs = 500; this.refresh(); };
    socket.onmessage = () => this.poked();
    socket.onclose = () => {
      this.socket = null;
      if (this.stopped) return;
      this.setConnection(navigator.onLine ? 'connecting' : 'offline');
      setTimeout(() => this.openSocket(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MS_MAX);
    };
  }

  submit({ kind, method, path, body }) {
    const item = { client_id: `${kind}-${crypto.randomUUID()}`, kind, method, path, body, state: 'queued', attempts: 0, last_error: null };
    this.pending.push(item);
    this.persist();
    this.emit('pending');
    const done = new Promise((resolve) => this.waiters.set(item.client_id, resolve));
    this.flush();
    return done;
  }

  async flush() {
    if (this.flushing || this.connection === 'offline') return;
    this.flushing = true;
    let sent = false;
    try {
      while (this.pending.length > 0 && this.connection !== 'offline') {
        const item = this.pending[0];
        item.state = 'sending';
        item.attempts += 1;
        this.emit('pending');
        let result;
        try {
          result = await this.fetchJson(item.path, {
            method: item.method,
            headers: { 'Idempotency-Key': item.client_id },
            body: item.body === undefined ? undefined : JSON.stringify(item.body),
          });
        } catch (e) {
          item.state = 'retrying';
          item.last_error = String(e.message ?? e);
          this.setConnection('offline');
          this.emit('pending');
          setTimeout(() => this.flush(), this.retryMs);
          return;
        }
        if (result.status >= 500 || result.status === 429) {
          item.state = 'retrying';
          item.last_error = result.body?.error?.message ?? `HTTP ${result.status}`;
          this.emit('pending');
          setTimeout(() => this.flush(), 2000);
          return;
        }
        this.pending.shift();
        sent = true;
        this.persist();
        this.emit('pending');
        const outcome = result.status < 300
          ? { outcome: 'applied', status: result.status, response: result.body }
          : { outcome: 'rejected', status: result.status, error: result.body?.error ?? result.body };
        this.emit(outcome.outcome, { item, result: outcome });
        this.waiters.get(item.client_id)?.(outcome);
        this.waiters.delete(item.client_id);
      }
    } finally {
      this.flushing = false;
    }
    if (sent) this.refresh();
  }
}
