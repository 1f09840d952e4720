// Parts 1 and 2 of issue #7: the bank workload under load, with crashes. Closed-loop clients
// run random operations while a chaos loop SIGKILLs the server (and restarts it on the same
// port), stops PostgreSQL in immediate mode (the server must answer 503 meanwhile and recover
// by itself once it is back) and terminates the server's database connections mid-transaction.
// A checker reads the invariants from SQL every few seconds; at rest the model is compared.
import { send } from './lib/client.mjs';
import { checkInvariants } from './lib/invariants.mjs';
import { randomOperation } from './lib/ops.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function killAndRestart(world, chaos) {
  await sleep(world.rng.int(0, 300));
  await world.killServer();
  chaos.kills += 1;
  await sleep(world.rng.int(0, 400));   // clients meet a closed port meanwhile
  await world.startServer();
  chaos.restarts += 1;
}

/**
 * PostgreSQL down in immediate mode: while it is down the server must answer (503 with
 * Retry-After on /readyz and on a write), and once it is back the same process must serve
 * again without a restart.
 */
async function restartDatabase(world, chaos) {
  world.dbDown = true;
  const downWrites = [];
  await world.cluster.stopDatabase('immediate');
  chaos.pgStops += 1;
  const pid = world.proc.child.pid;
  const deadline = Date.now() + 5000;
  let seen503 = false;
  while (Date.now() < deadline && !seen503) {
    const ready = await send(world.baseUrl, 'GET', '/readyz', { timeoutMs: 5000 });
    const key = world.key('down');
    const body = JSON.stringify({ member_id: world.members[0].id, amount_cents: 1, reason: 'Durante la caída' });
    const write = await send(world.baseUrl, 'POST', '/v1/admin/adjustments', { token: world.admin, key, body, timeoutMs: 10000 });
    downWrites.push({ key, body });  // retried with the same key once PostgreSQL is back
    if (ready.status === 503 && write.status === 503 && ready.headers.get('retry-after') && write.headers.get('retry-after')) seen503 = true;
    else await sleep(200);
  }
  if (!seen503) world.stats.violation('PostgreSQL down: the server did not answer 503 with Retry-After on /readyz and a write');
  else chaos.answered503 += 1;
  await sleep(world.rng.int(300, 1500));
  for (let attempt = 1; ; attempt += 1) {
    try { await world.cluster.startDatabase(); break; } catch (e) {
      if (attempt === 5) throw e;
      await sleep(1000);  // the old postmaster's socket may linger a moment
    }
  }
  world.dbDown = false;
  const back = Date.now();
  for (;;) {
    const r = await send(world.baseUrl, 'GET', '/readyz', { timeoutMs: 5000 });
    if (r.status === 200) break;
    if (Date.now() - back > 30000) { world.stats.violation('PostgreSQL back: the server not ready within 30 s'); break; }
    await sleep(100);
  }
  if (world.proc.child.pid !== pid || world.proc.child.exitCode !== null) world.stats.violation('the server process did not survive the database restart');
  chaos.pgRecoveryMs.push(Date.now() - back);
  for (const { key, body } of downWrites) {
    const r = await world.call('POST', '/v1/admin/adjustments', { token: world.admin, key, body });
    if (r.status === 201) { world.credit(world.members[0].id, 1); world.entriesByKey.set(key, 1); world.acked.adjustments += 1; }
    else world.stats.violation(`adjustment sent while PostgreSQL was down: ${r.status} ${r.text}`);
  }
}

/** Terminates the server's backends while writes are in flight (psql's own are spared). */
async function terminateBackends(world, chaos) {
  const [n, busy] = (await world.sql(`SELECT count(pg_terminate_backend(pid)), count(*) FILTER (WHERE state <> 'idle')
     FROM pg_stat_activity
     WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
       AND application_name <> 'psql'`)).split('|').map(Number);
  chaos.terminations += 1;
  chaos.backendsTerminated += n;
  chaos.backendsBusy += busy;  // in a statement or a transaction when terminated
}

/**
 * Runs the workload. opts: clients, operations (stop after this many), kills, pgStops,
 * terminations (chaos events spread over the run), checkEveryMs.
 */
export async function runBank(world, opts) {
  const chaos = { kills: 0, restarts: 0, pgStops: 0, answered503: 0, terminations: 0, backendsTerminated: 0, backendsBusy: 0, pgRecoveryMs: [], checks: 0, checkViolations: [] };
  let done = false;
  const started = Date.now();
  const startOps = world.operations;
  let chaosDone = false;
  // The clients keep going until the operations are done and every chaos event has happened.
  const clients = Array.from({ length: opts.clients }, async () => {
    while (world.operations - startOps < opts.operations || !chaosDone) await randomOperation(world);
  });

  // Chaos events at random points of the run, by operations done, in a shuffled order.
  const events = [
    ...Array(opts.kills).fill(killAndRestart), ...Array(opts.pgStops).fill(restartDatabase),
    ...Array(opts.terminations).fill(terminateBackends)];
  for (let i = events.length - 1; i > 0; i -= 1) { const j = world.rng.int(0, i); [events[i], events[j]] = [events[j], events[i]]; }
  let chaosError;
  const chaosLoop = (async () => {
    try {
      for (let i = 0; i < events.length && !done; i += 1) {
        const at = startOps + Math.floor(((i + 0.2 + world.rng() * 0.6) / events.length) * opts.operations * 0.9);
        while (!done && world.operations < at) await sleep(20);
        if (!done) await events[i](world, chaos);
      }
    } catch (e) {
      chaosError = e;  // e.g. PostgreSQL would not start again: reported once the clients stop
    } finally {
      chaosDone = true;
    }
  })();

  const checker = (async () => {
    while (!done) {
      await sleep(opts.checkEveryMs);
      if (done || world.dbDown) continue;
      try {
        const { violated } = await checkInvariants(world.databaseUrl);
        chaos.checks += 1;
        if (violated.length) chaos.checkViolations.push(...violated);
      } catch { /* the database went down under the check: the next one counts */ }
    }
  })();

  const progress = setInterval(() => {
    const n = world.operations - startOps;
    process.stdout.write(`   … ${n} operations, ${(n / ((Date.now() - started) / 1000)).toFixed(0)}/s, kills ${chaos.kills}, pg restarts ${chaos.pgStops}\n`);
  }, opts.progressEveryMs ?? 15000);
  await Promise.all(clients);
  done = true;
  clearInterval(progress);
  await Promise.all([chaosLoop, checker]);
  if (chaosError) throw chaosError;
  const seconds = (Date.now() - started) / 1000;
  for (const v of chaos.checkViolations) world.stats.violation(`continuous check: ${v}`);
  return { chaos, seconds, operations: world.operations - startOps };
}
