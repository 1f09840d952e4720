// The stress world: a throwaway seeded cluster, one server process that the harness may kill
// and restart on the same port, many members with funded wallets, and the clients' model of
// what the server acknowledged. The model counts only definitive answers, so at rest every
// wallet's balance must equal its initial balance plus the effects the clients were told of.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  repoRoot, startCluster, serverEnv, seedDemo, startServer, psql, freePort,
} from '../../support/stack.mjs';
import { token } from './jwt.mjs';
import { Stats, sendUntilDefinitive } from './client.mjs';

/** A free port in 20000–29999: below the ephemeral range and away from scripts/pg's. */
async function quietPort() {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 10000);
    const free = await new Promise((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** Runs fn over items, at most `limit` at a time. */
export async function pool(limit, items, fn) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) { const i = next++; await fn(items[i], i); }
  });
  await Promise.all(workers);
}

/** A deterministic PRNG (mulberry32) so a failing run can be repeated with its seed. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  next.pick = (xs) => xs[Math.floor(next() * xs.length)];
  return next;
}

/**
 * The rules configuration the load runs under: the shipped one with the per-sender
 * transfer rate and daily limits raised, so many clients can move money between a thousand
 * wallets without every other transfer being a 429 (the limits themselves are tested in
 * tests/server/transfers_api_test.cpp).
 */
function stressRulesConfig(dir) {
  const config = JSON.parse(readFileSync(path.join(repoRoot, 'rules/config/default.json'), 'utf8'));
  for (const w of config.wallets) {
    w.transfers_per_minute = 10000;
    w.transfer_daily_max_cents = 1_000_000_000_000;
  }
  const file = path.join(dir, 'rules-stress.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

export class World {
  constructor({ server, logDir, walletCount, hotCount, seed, serverEnvExtra = {} }) {
    Object.assign(this, { server, logDir, walletCount, hotCount, serverEnvExtra });
    this.rng = prng(seed);
    this.tag = `${Date.now().toString(36)}${seed.toString(36)}`;
    this.stats = new Stats();
    this.members = [];            // { id, number, token }
    this.expected = new Map();    // member id → balance the clients were told of
    this.orders = new Map();      // member id → [{ id, wallet_cents }] confirmed, not cancelled
    this.pendingWithdrawals = []; // { id, memberId, amount }
    this.acked = { transfers: new Map(), orders: new Map(), withdrawals: new Map(), commissions: new Map(), adjustments: 0 };
    this.entriesByKey = new Map(); // Idempotency-Key → wallet entries its acknowledged write made
    this.ops = new Map();         // op name → { ok, refused }
    this.serverStarts = 0;
    this.dbDown = false;
    this.keySeq = 0;
  }

  key(kind) { this.keySeq += 1; return `st-${this.tag}-${kind}-${this.keySeq}`; }
  credit(memberId, cents) { this.expected.set(memberId, (this.expected.get(memberId) ?? 0) + cents); }
  tally(op, ok) {
    const t = this.ops.get(op) ?? { ok: 0, refused: 0 };
    if (ok) t.ok += 1; else t.refused += 1;
    this.ops.set(op, t);
  }
  get operations() { let n = 0; for (const t of this.ops.values()) n += t.ok + t.refused; return n; }

  async start() {
    mkdirSync(this.logDir, { recursive: true });
    // PostgreSQL is stopped and restarted on its port many times: a port outside scripts/pg's
    // range (54329 up), so no other test cluster takes it while it is down.
    this.cluster = await startCluster({ port: await quietPort() });
    this.databaseUrl = this.cluster.databaseUrl;
    // scripts/pg --fast turns synchronous_commit off, and then an immediate stop loses commits
    // already acknowledged (the first runs of this harness caught exactly that). The crash
    // tests need a durable commit; fsync may stay off, since the OS itself never crashes here.
    await psql(this.databaseUrl, 'ALTER SYSTEM SET synchronous_commit = on');
    await psql(this.databaseUrl, 'SELECT pg_reload_conf()');
    this.env = serverEnv(this.databaseUrl, { NNW_RULES_CONFIG: stressRulesConfig(this.cluster.dir), ...this.serverEnvExtra });
    await seedDemo(this.server, this.env);
    this.secret = this.env.NNW_JWT_SECRET;
    this.admin = token(this.secret, 'stress-admin', 'admin');
    this.service = token(this.secret, 'stress-service', 'service');
    this.port = await freePort();
    await this.startServer();
  }

  async startServer(extraEnv = {}) {
    if (this.serverStarts === 0) {
      // Whatever way this process ends, its server does not outlive it.
      process.on('exit', () => { if (this.proc?.child.exitCode === null) this.proc.child.kill('SIGKILL'); });
    }
    this.serverStarts += 1;
    this.proc = await startServer(this.server, { ...this.env, ...extraEnv },
      { port: this.port, logFile: path.join(this.logDir, 'server.log'), readyTimeoutMs: 60000 });
    this.baseUrl = this.proc.baseUrl;
    return this.proc;
  }

  /** SIGKILL: no drain, no goodbye; in-flight transactions die with their connections. */
  async killServer() {
    this.proc.child.kill('SIGKILL');
    await this.proc.exited;
  }

  /** SIGTERM, then the cluster. Returns false when the server was still not drained after
   *  30 s (its grace is 20 s): it was stuck, and got a SIGKILL so its cluster could go. */
  async stop() {
    let drained = true;
    if (this.proc) {
      drained = await Promise.race([this.proc.stop('SIGTERM').then(() => true), sleep(30000, false, { ref: false })]);
      if (!drained) await this.killServer();
    }
    if (this.cluster) await this.cluster.destroy();
    return drained;
  }

  sql(text) { return psql(this.databaseUrl, text); }

  call(method, pathname, opts) { return sendUntilDefinitive(this, method, pathname, { ...opts, stats: this.stats }); }

  /** Creates the members (service role), funds each with an admin adjustment, reads the catalog. */
  async populate({ fundCents, hotFundCents }) {
    const specs = Array.from({ length: this.walletCount }, (_, i) => ({
      id: randomUUID(), number: `ST-${this.tag}-${i}`,
    }));
    await pool(16, specs, async (m, i) => {
      const body = JSON.stringify({ id: m.id, member_number: m.number, display_name: `Socio de prueba ${i}`,
        email: `st${i}.${this.tag}@example.mx`, market: 'MX' });
      const r = await this.call('POST', '/v1/members', { token: this.service, key: this.key('member'), body });
      if (r.status !== 201) throw new Error(`creating member ${i}: ${r.status} ${r.text}`);
      m.token = token(this.secret, m.id, 'member');
      this.expected.set(m.id, 0);
      this.orders.set(m.id, []);
    });
    this.members = specs;
    this.hot = specs.slice(0, this.hotCount);
    await pool(16, specs, async (m, i) => {
      const amount = i < this.hotCount ? hotFundCents : fundCents;
      const key = this.key('fund');
      const r = await this.call('POST', '/v1/admin/adjustments', { token: this.admin, key,
        body: JSON.stringify({ member_id: m.id, amount_cents: amount, reason: 'Saldo inicial de la prueba de carga' }) });
      if (r.status !== 201) throw new Error(`funding member ${i}: ${r.status} ${r.text}`);
      this.credit(m.id, amount);
      this.entriesByKey.set(key, 1);
      this.acked.adjustments += 1;
    });
    const catalog = await fetch(`${this.baseUrl}/v1/catalog?currency=MXN`).then((r) => r.json());
    this.skus = catalog.products.filter((p) => p.active).map((p) => p.sku);
  }

  /** A member, a hot one about a third of the time. */
  someMember() { return this.rng() < 0.35 ? this.rng.pick(this.hot) : this.rng.pick(this.members); }
}
