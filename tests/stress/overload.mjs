// Part 3 of issue #7: overload. The server is restarted with a small in-flight limit
// (NNW_MAX_IN_FLIGHT, docs/server.md "Limits") and a short pool wait; its capacity for
// transfers is measured closed-loop; then an open-loop load offers twice that rate for a
// while, without waiting for answers. The server must shed (503/429 with Retry-After) rather
// than queue without bound, its RSS (from /proc) must stay bounded, and once the load drops it
// must serve again. Every shed or unanswered transfer is retried afterwards with its key and
// body, and booked in the model like the rest, so the invariants cover overload too.
import { readFileSync } from 'node:fs';
import { send } from './lib/client.mjs';
import { transferRequest, bookTransfer } from './lib/ops.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function rssMb(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch { return 0; }
}

const OVERLOAD_ENV = { NNW_MAX_IN_FLIGHT: '64', NNW_DB_ACQUIRE_TIMEOUT_MS: '500' };

/** opts: seconds (overload), capacitySeconds, rssGrowthMaxMb, recoveryMaxMs. */
export async function runOverload(world, opts) {
  const failures = [];
  const rssGrowthMaxMb = opts.rssGrowthMaxMb ?? 400;
  const recoveryMaxMs = opts.recoveryMaxMs ?? 15000;
  await world.proc.stop('SIGTERM');
  await world.startServer(OVERLOAD_ENV);
  const pid = world.proc.child.pid;

  // Capacity: closed loop, 64 clients (the in-flight limit: the server saturated, not shedding).
  let done = 0;
  const capStart = Date.now();
  const capEnd = capStart + opts.capacitySeconds * 1000;
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (Date.now() < capEnd) {
      const t = transferRequest(world);
      bookTransfer(world, t, await world.call('POST', '/v1/transfers', { token: t.from.token, key: t.key, body: t.body }));
      done += 1;
    }
  }));
  const capacity = done / ((Date.now() - capStart) / 1000);
  const offeredRate = 2 * capacity;

  // Open loop at twice the capacity: requests leave on a clock, whatever the answers do.
  const rssBeforeMb = rssMb(pid);
  let rssPeakMb = rssBeforeMb;
  const rssSamples = [];
  const sampler = setInterval(() => { const v = rssMb(pid); rssSamples.push(v); rssPeakMb = Math.max(rssPeakMb, v); }, 200);
  const pending = [];      // shed or unanswered: retried with the same key and body afterwards
  const inFlight = new Set();
  const shedCodes = {};    // error code → count: overloaded (in-flight limit, pool wait), rate_limited
  const counts = { sent: 0, ok: 0, shed: 0, other: 0, network: 0, shedWithoutRetryAfter: 0, clientCapped: 0 };
  const started = Date.now();
  const end = started + opts.seconds * 1000;
  while (Date.now() < end) {
    // By the clock, not by loop turns: the rate offered is the rate sent, however slow a turn is.
    const due = Math.floor(offeredRate * ((Date.now() - started) / 1000)) - counts.sent - counts.clientCapped;
    for (let i = 0; i < due; i += 1) {
      if (inFlight.size >= 5000) { counts.clientCapped += 1; continue; }
      const t = transferRequest(world);
      counts.sent += 1;
      const p = send(world.baseUrl, 'POST', '/v1/transfers', { token: t.from.token, key: t.key, body: t.body, timeoutMs: 10000 }).then((r) => {
        inFlight.delete(p);
        if (r.status === 503 || r.status === 429) {
          counts.shed += 1;
          const code = r.json?.error?.code ?? 'none';
          shedCodes[code] = (shedCodes[code] ?? 0) + 1;
          if (!r.headers.get('retry-after')) counts.shedWithoutRetryAfter += 1;
          pending.push(t);
        } else if (r.status === 'network') { counts.network += 1; pending.push(t); }
        else if (r.status >= 500) { counts.other += 1; failures.push(`${r.status} during overload: ${r.text.slice(0, 200)}`); pending.push(t); }
        else { counts.ok += 1; bookTransfer(world, t, r); }
      });
      inFlight.add(p);
    }
    await sleep(10);
  }
  const sendWindowMs = Date.now() - started;
  await Promise.all([...inFlight]);
  const burstMs = Date.now() - started;
  clearInterval(sampler);

  // Recovery: the load is gone; the next requests must be served (not shed) again.
  const calm = Date.now();
  let recoveryMs = -1;
  while (Date.now() - calm < recoveryMaxMs) {
    const t = transferRequest(world);
    const r = await send(world.baseUrl, 'POST', '/v1/transfers', { token: t.from.token, key: t.key, body: t.body });
    if (typeof r.status === 'number' && r.status < 500 && r.status !== 429) { bookTransfer(world, t, r); recoveryMs = Date.now() - calm; break; }
    pending.push(t);
    await sleep(100);
  }
  for (const t of pending) {
    bookTransfer(world, t, await world.call('POST', '/v1/transfers', { token: t.from.token, key: t.key, body: t.body }));
  }

  if (counts.shed === 0) failures.push('nothing was shed at twice the measured capacity');
  if (counts.shedWithoutRetryAfter) failures.push(`${counts.shedWithoutRetryAfter} shed answers without Retry-After`);
  if (counts.ok === 0) failures.push('no request was served during the overload');
  if (rssPeakMb - rssBeforeMb > rssGrowthMaxMb) failures.push(`RSS grew ${rssPeakMb - rssBeforeMb} MB (limit ${rssGrowthMaxMb})`);
  if (recoveryMs < 0) failures.push(`not serving again ${recoveryMaxMs} ms after the load dropped`);
  if (world.proc.child.exitCode !== null || world.proc.child.pid !== pid) failures.push('the server process did not survive the overload');

  // Back to the default settings for whatever runs next.
  await world.proc.stop('SIGTERM');
  await world.startServer();
  return { capacity, offeredRate, sentRate: counts.sent / (sendWindowMs / 1000), seconds: opts.seconds, burstMs, ...counts, retriedAfter: pending.length,
    shedCodes, rssBeforeMb, rssPeakMb, rssSamples: rssSamples.length, recoveryMs, inFlightLimit: 64, failures };
}
