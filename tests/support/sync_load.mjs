// Load and probes for the sync measurements (tests/sync/poke_latency.test.mjs and
// bench/sync/sync_bench.mjs): members made through the API, transfer load between them, and
// the commit → poke latency seen by a member's WebSocket.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { login, repoRoot } from './stack.mjs';

/** The shipped rules configuration with a transfer rate limit high enough for load runs. */
export function loadConfigFile(dir) {
  const config = JSON.parse(readFileSync(path.join(repoRoot, 'rules/config/default.json'), 'utf8'));
  for (const wallet of config.wallets) wallet.transfers_per_minute = 10000;
  const file = path.join(dir, 'rules-load.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

async function post(baseUrl, token, p, body) {
  const res = await fetch(`${baseUrl}${p}`, { method: 'POST', body: JSON.stringify(body),
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() } });
  const json = await res.json().catch(() => null);
  return { status: res.status, json };
}

/** n new MX members, each credited fundCents by an admin adjustment; with their tokens. */
export async function makeMembers(baseUrl, n, fundCents, prefix = 'LD') {
  const service = await login(baseUrl, { role: 'service' });
  const admin = await login(baseUrl, { role: 'admin' });
  const members = [];
  for (let i = 0; i < n; i += 1) {
    const id = randomUUID();
    const number = `${prefix}-${id.slice(0, 8)}`;
    const created = await post(baseUrl, service, '/v1/members', { id, member_number: number, display_name: `Carga ${i}`,
      email: `${number.toLowerCase()}@example.mx`, market: 'MX' });
    if (created.status !== 201) throw new Error(`member: ${created.status} ${JSON.stringify(created.json)}`);
    if (fundCents > 0) {
      const funded = await post(baseUrl, admin, '/v1/admin/adjustments', { member_id: id, amount_cents: fundCents, reason: 'Fondo de prueba de carga' });
      if (funded.status !== 201) throw new Error(`fund: ${funded.status} ${JSON.stringify(funded.json)}`);
    }
    members.push({ id, number, token: await login(baseUrl, { member_number: number }) });
  }
  return members;
}

/** One transfer; returns the HTTP status. */
export async function transfer(baseUrl, from, to, cents) {
  const { status } = await post(baseUrl, from.token, '/v1/transfers', { to_member_id: to.id, amount_cents: cents });
  return status;
}

/** `loops` concurrent clients sending transfers between random members until stop(). */
export function transferLoad(baseUrl, members, loops) {
  let running = true;
  const counts = { sent: 0, ok: 0, failed: 0 };
  const workers = Array.from({ length: loops }, async () => {
    while (running) {
      const from = members[Math.floor(Math.random() * members.length)];
      let to = members[Math.floor(Math.random() * members.length)];
      if (to === from) to = members[(members.indexOf(from) + 1) % members.length];
      counts.sent += 1;
      try {
        (await transfer(baseUrl, from, to, 1 + Math.floor(Math.random() * 100))) === 201 ? counts.ok += 1 : counts.failed += 1;
      } catch {
        counts.failed += 1;
      }
    }
  });
  return { counts, async stop() { running = false; await Promise.all(workers); } };
}

/** A member's poke socket with a queue of received messages and their arrival times. */
export async function pokeSocket(baseUrl, token) {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/sync/ws?access_token=${encodeURIComponent(token)}`);
  const queue = [];
  let wake = null;
  ws.onmessage = (event) => { queue.push({ at: performance.now(), message: JSON.parse(event.data) }); wake?.(); };
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('poke socket did not open')); });
  return {
    ws,
    clear() { queue.length = 0; },
    async next(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      while (queue.length === 0) {
        const left = deadline - performance.now();
        if (left <= 0) return null;
        await new Promise((resolve) => { wake = resolve; setTimeout(resolve, Math.min(left, 100)); });
      }
      return queue.shift();
    },
    close() { ws.close(); },
  };
}

/**
 * Commit → poke latency: each probe pair sends `samples / pairs` transfers one after another;
 * for each, the time from sending the request to the recipient's socket receiving the poke.
 * The commit happens between the two, so this is an upper bound on commit → poke; the time
 * from the 201 to the poke (a lower bound) and the transfer's own round trip come with it.
 */
export async function measurePokeLatency(baseUrl, pairs, samples, { timeoutMs = 10_000 } = {}) {
  const sockets = await Promise.all(pairs.map(([, to]) => pokeSocket(baseUrl, to.token)));
  await new Promise((r) => setTimeout(r, 300));  // subscriptions follow the handshake
  const upper = [];
  const lower = [];
  const roundTrip = [];
  let missed = 0;
  const perPair = Math.ceil(samples / pairs.length);
  await Promise.all(pairs.map(async ([from, to], i) => {
    const socket = sockets[i];
    for (let k = 0; k < perPair; k += 1) {
      socket.clear();
      const t0 = performance.now();
      const status = await transfer(baseUrl, from, to, 1);
      const t1 = performance.now();
      if (status !== 201) throw new Error(`probe transfer: ${status}`);
      const poke = await socket.next(timeoutMs);
      if (!poke) { missed += 1; continue; }
      upper.push(poke.at - t0);
      lower.push(Math.max(0, poke.at - t1));
      roundTrip.push(t1 - t0);
    }
  }));
  for (const s of sockets) s.close();
  return { upper, lower, roundTrip, missed };
}

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
