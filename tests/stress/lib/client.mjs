// The stress clients' HTTP: one request, and a write retried until the server gives a
// definitive answer. A retry sends the same method, path, Idempotency-Key and body bytes, so
// the server must either replay the first answer or apply the write for the first time.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class Stats {
  constructor() {
    this.statuses = new Map();   // "201" → count, "network" → count
    this.attempts = 0;
    this.retries = 0;
    this.replays = 0;
    this.violations = [];        // the first 200: anything the API promised and did not keep
    this.violationTotal = 0;
  }
  count(key) { this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1); }
  violation(message) {
    this.violationTotal += 1;
    if (this.violations.length < 200) this.violations.push(message);
  }
  summary() { return Object.fromEntries([...this.statuses.entries()].sort()); }
}

/**
 * One HTTP exchange. Returns { status, json, text, headers } or { status: 'network', error }.
 * A restarted server keeps its port, so the base URL stays valid across kills.
 */
export async function send(baseUrl, method, path, { token, key, body, headers = {}, timeoutMs = 15000 } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (key !== undefined) h['idempotency-key'] = key;
  try {
    const res = await fetch(`${baseUrl}${path}`, { method, headers: h, body, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let json;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    return { status: res.status, json, text, headers: res.headers };
  } catch (error) {
    return { status: 'network', error };
  }
}

/**
 * A write (or job) sent until the answer is definitive: any status below 500 except 429.
 * Network errors, timeouts, 5xx and 429 are retried with the same key and body. A 500 is a
 * bug and a 503/429 without Retry-After breaks the API's promise: both are violations.
 */
export async function sendUntilDefinitive(world, method, path, { token, key, body, deadlineMs = 180000, stats }) {
  const started = Date.now();
  for (let attempt = 0; ; attempt += 1) {
    stats.attempts += 1;
    if (attempt > 0) stats.retries += 1;
    const r = await send(world.baseUrl, method, path, { token, key, body });
    stats.count(String(r.status));
    if (r.status !== 'network') {
      if ((r.status === 503 || r.status === 429) && !r.headers.get('retry-after')) {
        stats.violation(`${method} ${path}: ${r.status} without Retry-After`);
      }
      if (r.status >= 500 && r.status !== 503) stats.violation(`${method} ${path}: ${r.status} ${r.text.slice(0, 300)}`);
      if (r.status === 409 && r.json?.error?.code === 'idempotency_key_reused') {
        stats.violation(`${method} ${path} key ${key}: idempotency_key_reused on a byte-identical retry`);
      }
      if (r.headers.get('idempotent-replayed') === 'true') stats.replays += 1;
      if (r.status < 500 && r.status !== 429) return r;
    }
    if (Date.now() - started > deadlineMs) {
      stats.violation(`${method} ${path} key ${key}: no definitive answer in ${deadlineMs} ms (last ${r.status})`);
      return r;
    }
    await sleep(Math.min(50 * 2 ** Math.min(attempt, 4), 500) + Math.random() * 50);
  }
}
