// The stress harness of issue #7 (parts 1, 2, 3 and 5). `scripts/stress` runs it: the short
// form in scripts/test, `--long` for the published figures (docs/stress.md).
//
//   node tests/stress/run.mjs [--long] [--wallets N] [--hot N] [--operations N] [--clients N]
//        [--kills N] [--pg-restarts N] [--terminations N] [--overload-s N] [--seed N]
//        [--parts bank,abuse,overload] [--report FILE] [--deadline-s N]
//
// Exit status 0 only when every part ran and found no violation, within the deadline (short
// form 300 s, long form none; 0 for none): a server that hangs fails the run instead of
// holding up whatever runs it.
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serverBinary } from '../support/stack.mjs';
import { World } from './lib/world.mjs';
import { checkInvariants } from './lib/invariants.mjs';
import { verifyModel } from './lib/ops.mjs';
import { runBank } from './bank.mjs';
import { runAbuse } from './abuse.mjs';
import { runOverload } from './overload.mjs';
import { commit, reportFileProblem, writeReport } from './report.mjs';

const SHORT = { wallets: 80, hot: 4, operations: 3000, clients: 24, kills: 4, 'pg-restarts': 2, terminations: 3, 'overload-s': 8, 'capacity-s': 4, 'deadline-s': 300 };
const LONG = { wallets: 1000, hot: 5, operations: 1000000, clients: 64, kills: 100, 'pg-restarts': 20, terminations: 40, 'overload-s': 30, 'capacity-s': 10, 'deadline-s': 0 };

function parseArgs(argv) {
  const args = { long: false, parts: 'bank,abuse,overload', seed: String(Date.now() % 1000000) };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--long') args.long = true;
    else if (a.startsWith('--')) {
      const [k, v] = a.includes('=') ? a.slice(2).split('=') : [a.slice(2), argv[++i]];
      args[k] = v;
    }
  }
  const base = args.long ? LONG : SHORT;
  const out = { ...base, ...args };
  for (const k of Object.keys(base)) out[k] = Number(out[k]);
  out.seed = Number(out.seed);
  out.parts = new Set(String(out.parts).split(','));
  return out;
}

const line = (part, text) => console.log(`STRESS ${part}: ${text}`);

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const reportProblem = opts.report ? reportFileProblem(opts.report) : null;
  if (reportProblem) { console.error(`stress: --report ${reportProblem}`); process.exit(2); }
  const logDir = process.env.NNW_STRESS_LOG_DIR ?? mkdtempSync(path.join(tmpdir(), 'nnw-stress-logs-'));
  const server = serverBinary();
  console.log(`== stress (${opts.long ? 'long' : 'short'} form): seed ${opts.seed}, server ${server}, logs ${logDir}`);
  const logFile = path.join(logDir, 'server.log');
  const logStart = existsSync(logFile) ? statSync(logFile).size : 0;  // a reused log dir: this run's part only
  const world = new World({ server, logDir, walletCount: opts.wallets, hotCount: opts.hot, seed: opts.seed });
  const results = { opts, server: path.relative(process.cwd(), server) || server, started: new Date().toISOString(), commit: commit() };
  let failed = false;
  const t0 = Date.now();
  const deadlineS = opts['deadline-s'];
  let deadlineTimer;
  const deadline = new Promise((_, reject) => {
    if (deadlineS > 0) deadlineTimer = setTimeout(() => reject(new Error(`the run did not finish within ${deadlineS} s (--deadline-s): a hung server or client; server log ${logFile}`)), deadlineS * 1000);
  });
  const runParts = async () => {
    await world.start();
    await world.populate({ fundCents: 5_000_000, hotFundCents: 500_000 });
    console.log(`   set up: ${world.members.length} wallets (${opts.hot} hot) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    if (opts.parts.has('bank')) {
      const before = world.stats.violationTotal;
      const bank = await runBank(world, { clients: opts.clients, operations: opts.operations, kills: opts.kills,
        pgStops: opts['pg-restarts'], terminations: opts.terminations, checkEveryMs: opts.long ? 10000 : 2500 });
      const mismatches = await verifyModel(world);
      const final = await checkInvariants(world.databaseUrl);
      for (const v of final.violated) world.stats.violation(`final check: ${v}`);
      const c = bank.chaos;
      const shortfall = [c.kills < opts.kills, c.pgStops < opts['pg-restarts'], c.terminations < opts.terminations].some(Boolean);
      if (shortfall) world.stats.violation(`chaos: ran ${c.kills}/${opts.kills} kills, ${c.pgStops}/${opts['pg-restarts']} PostgreSQL restarts, ${c.terminations}/${opts.terminations} terminations`);
      const violations = world.stats.violationTotal - before;
      results.bank = { ...bank, mismatches, final: final.figures, violations, ops: Object.fromEntries([...world.ops].map(([k, v]) => [k, { ...v }])),
        attempts: world.stats.attempts, retries: world.stats.retries, replays: world.stats.replays, statuses: world.stats.summary() };
      line('bank', `${bank.operations} operations in ${bank.seconds.toFixed(1)} s (${(bank.operations / bank.seconds).toFixed(0)} ops/s), `
        + `${world.members.length} wallets, ${world.stats.attempts} requests (${world.stats.retries} retries, ${world.stats.replays} replays), `
        + `${c.checks} live checks + final, ${final.figures.entries} entries; violations ${violations}`);
      line('crash', `${c.kills} SIGKILLs and ${c.restarts} restarts, ${c.pgStops} PostgreSQL immediate stops (503 seen ${c.answered503}, `
        + `recovered in ${c.pgRecoveryMs.join('/')} ms), ${c.terminations} terminations (${c.backendsTerminated} backends, ${c.backendsBusy} mid-statement or mid-transaction); violations ${violations}`);
      if (violations) failed = true;
    }

    if (opts.parts.has('abuse')) {
      const abuse = await runAbuse(world);
      results.abuse = abuse;
      line('abuse', `${abuse.requests} requests over ${abuse.routes} routes, ${abuse.bad} not a clear 4xx, 5xx ${abuse.fiveHundreds}, ledger ${abuse.unchanged ? 'unchanged' : 'CHANGED'}`);
      if (abuse.bad || abuse.fiveHundreds || !abuse.unchanged) failed = true;
    }

    if (opts.parts.has('overload')) {
      const before = world.stats.violationTotal;
      const over = await runOverload(world, { seconds: opts['overload-s'], capacitySeconds: opts['capacity-s'] });
      const mismatches = await verifyModel(world);
      const final = await checkInvariants(world.databaseUrl);
      for (const v of final.violated) world.stats.violation(`final check after overload: ${v}`);
      const violations = world.stats.violationTotal - before + over.failures.length;
      results.overload = { ...over, mismatches, violations };
      line('overload', `capacity ${over.capacity.toFixed(0)} req/s, offered ${over.offeredRate.toFixed(0)} req/s (sent ${over.sentRate.toFixed(0)}/s) for ${over.seconds} s: `
        + `${over.sent} sent, ${over.ok} ok, ${over.shed} shed (429/503 with Retry-After), ${over.other} other; `
        + `RSS ${over.rssBeforeMb} → peak ${over.rssPeakMb} MB; recovered in ${over.recoveryMs} ms; violations ${violations}`);
      for (const f of over.failures) console.log(`   overload: ${f}`);
      if (violations) failed = true;
    }
  };
  const parts = runParts();
  parts.catch(() => {});  // after the deadline, a late failure of the abandoned parts is not news
  try {
    await Promise.race([parts, deadline]);
  } catch (e) {
    failed = true;
    results.error = String(e?.message ?? e).slice(0, 300);
    console.error(e);
  } finally {
    clearTimeout(deadlineTimer);
    const drained = await world.stop().catch(() => true);
    if (!drained) { failed = true; world.stats.violation('the server was not drained 30 s after SIGTERM: killed'); }
    // A sanitizer report (the debug build's ASan and UBSan, the native-tsan build's
    // ThreadSanitizer) in the server's log is a bug even if no answer showed it.
    const log = existsSync(logFile) ? readFileSync(logFile).subarray(logStart).toString('utf8') : '';
    const sanitizer = log.split('\n').filter((l) => /AddressSanitizer|LeakSanitizer|ThreadSanitizer|runtime error:/.test(l));
    for (const l of sanitizer.slice(0, 5)) world.stats.violation(`sanitizer: ${l.slice(0, 300)}`);
    if (sanitizer.length) { failed = true; line('sanitizer', `${sanitizer.length} report lines in ${logFile}`); }
    results.seconds = (Date.now() - t0) / 1000;
    results.violations = world.stats.violations;
    results.violationTotal = world.stats.violationTotal;
    for (const v of world.stats.violations.slice(0, 40)) console.log(`   VIOLATION ${v}`);
  }
  results.failed = failed;
  if (opts.report) writeReport(opts.report, results);
  console.log(`== stress ${failed ? 'FAILED' : 'passed'} in ${results.seconds.toFixed(0)} s`);
  process.exit(failed ? 1 : 0);
}

main();
