// The sync protocol's figures (issue #5), against a real server and PostgreSQL:
//   1. commit → poke latency under transfer load (p50/p99), beside the transfer's own round trip;
//   2. pull latency with and without changes, beside GET /healthz in the same run;
//   3. open idle poke sockets and the server's memory (VmRSS) at --sockets connections.
// Writes docs/benchmarks-sync.md (or --out) with the machine, the commit and the figures.
//
//   node --experimental-websocket bench/sync/sync_bench.mjs [--server BIN] [--sockets 10000]
//        [--samples 1000] [--pulls 2000] [--out docs/benchmarks-sync.md]
//
// scripts/bench-sync runs it with the release server and raises the open-file limit.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot, startStack } from '../../tests/support/stack.mjs';
import { loadConfigFile, makeMembers, measurePokeLatency, percentile, pokeSocket, transfer, transferLoad } from '../../tests/support/sync_load.mjs';

const { values: opts } = parseArgs({ options: {
  server: { type: 'string', default: path.join(repoRoot, 'build/native-release/server/nnw_server') },
  sockets: { type: 'string', default: '10000' },
  samples: { type: 'string', default: '1000' },
  pulls: { type: 'string', default: '2000' },
  out: { type: 'string', default: path.join(repoRoot, 'docs/benchmarks-sync.md') },
} });
const SOCKETS = Number(opts.sockets);
const SAMPLES = Number(opts.samples);
const PULLS = Number(opts.pulls);

const fmt = (ms) => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]);
}

async function timed(n, fn) {
  const times = [];
  for (let i = 0; i < n; i += 1) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  return times;
}

const loadStart = loadavg()[0];
const dir = mkdtempSync(path.join(tmpdir(), 'nnw-sync-bench-'));
const stack = await startStack({ server: opts.server, env: { NNW_RULES_CONFIG: loadConfigFile(dir) }, logDir: dir });
const report = {};
try {
  const base = stack.baseUrl;
  const pid = stack.servers[0].child.pid;

  // ---- 1. commit → poke under load
  console.error('poke latency under load …');
  const load = await makeMembers(base, 50, 10_000_000, 'LD');
  const probes = await makeMembers(base, 8, 10_000_000, 'PB');
  const pairs = [[probes[0], probes[1]], [probes[2], probes[3]], [probes[4], probes[5]], [probes[6], probes[7]]];
  const background = transferLoad(base, load, 8);
  await sleep(1000);
  const t0 = performance.now();
  const ok0 = background.counts.ok;
  const poke = await measurePokeLatency(base, pairs, SAMPLES);
  const loadRate = (background.counts.ok - ok0) / ((performance.now() - t0) / 1000);
  await background.stop();
  report.poke = { pairs: pairs.length, samples: poke.upper.length, missed: poke.missed, load_transfers_per_s: loadRate, failed: background.counts.failed,
    upper_p50: percentile(poke.upper, 50), upper_p99: percentile(poke.upper, 99), upper_max: Math.max(...poke.upper),
    lower_p50: percentile(poke.lower, 50), lower_p99: percentile(poke.lower, 99),
    rtt_p50: percentile(poke.roundTrip, 50), rtt_p99: percentile(poke.roundTrip, 99) };

  // ---- 2. pull latency
  console.error('pull latency …');
  const [puller, payer] = probes;
  const auth = { headers: { authorization: `Bearer ${puller.token}` } };
  const pull = async (cursor) => (await fetch(`${base}/v1/sync${cursor ? `?cursor=${cursor}` : ''}`, auth)).json();
  let cursor = (await pull()).cursor;
  for (let i = 0; i < 50 && (await pull(cursor)).changes.length > 0; i += 1) cursor = (await pull(cursor)).cursor;
  const health = await timed(PULLS, async () => { await (await fetch(`${base}/healthz`)).text(); });
  const quiet = await timed(PULLS, async () => { cursor = (await pull(cursor)).cursor; });
  const withChanges = [];
  let pulledChanges = 0;
  for (let i = 0; i < Math.min(PULLS, 500); i += 1) {
    await transfer(base, payer, puller, 1);
    // Pull until the credit is in (normally the first pull); time each pull that returns changes.
    for (let k = 0; k < 50; k += 1) {
      const ts = performance.now();
      const page = await pull(cursor);
      const took = performance.now() - ts;
      cursor = page.cursor;
      if (page.changes.length > 0) { withChanges.push(took); pulledChanges += page.changes.length; break; }
    }
  }
  const snapshot = await timed(200, async () => { await pull(); });
  report.pull = { n: PULLS, quiet_p50: percentile(quiet, 50), quiet_p99: percentile(quiet, 99),
    changes_n: withChanges.length, changes_avg: pulledChanges / withChanges.length,
    changes_p50: percentile(withChanges, 50), changes_p99: percentile(withChanges, 99),
    snapshot_p50: percentile(snapshot, 50), snapshot_p99: percentile(snapshot, 99),
    health_p50: percentile(health, 50), health_p99: percentile(health, 99) };

  // ---- 3. idle sockets
  console.error(`opening ${SOCKETS} idle sockets …`);
  await sleep(500);
  const rssBefore = rssKiB(pid);
  const sockets = [];
  const members = [...load, ...probes];
  const opening = [];
  for (let i = 0; i < SOCKETS; i += 1) {
    opening.push(pokeSocket(base, members[i % members.length].token).then((s) => sockets.push(s), () => {}));
    if (opening.length >= 200) { await Promise.all(opening); opening.length = 0; }
  }
  await Promise.all(opening);
  await sleep(3000);
  const open = sockets.filter((s) => s.ws.readyState === 1).length;
  const rssAfter = rssKiB(pid);
  // Still alive: a poke reaches a socket opened first.
  sockets[0].clear();
  await transfer(base, payer, members[0], 1);
  const alive = (await sockets[0].next(5000)) !== null;
  report.sockets = { asked: SOCKETS, open, rss_before_kib: rssBefore, rss_after_kib: rssAfter,
    per_socket_bytes: ((rssAfter - rssBefore) * 1024) / Math.max(1, open), poke_after_open: alive };
  for (const s of sockets) s.close();
} finally {
  const codes = await stack.stop();
  report.exit = codes;
  if (codes.every((c) => c === 0)) rmSync(dir, { recursive: true, force: true });  // else its server log stays
}

console.error(JSON.stringify(report));  // the raw figures, whatever happens to the page below
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot }).toString().trim();
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const p = report.poke;
const q = report.pull;
const s = report.sockets;
const md = `# Sync benchmarks

Measured by \`scripts/bench-sync\` (\`bench/sync/sync_bench.mjs\`) at commit ${commit} on
${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, the release
server (\`${path.relative(repoRoot, opts.server)}\`) and a private PostgreSQL 15 (\`scripts/pg --fast\`) on the same
machine; the load generator (Node) shares the two cores (1-minute load average ${loadStart.toFixed(1)} at the
start, ${loadavg()[0].toFixed(1)} at the end). Figures are this run's; the
references beside them (the transfer's own round trip, \`GET /healthz\`) are measured in the same run.

## Commit → poke latency under load (target p99 ≤ 1 s)

${p.samples} probe transfers (${p.pairs} pairs, one at a time per pair) while 8 clients kept
transferring between 50 members (${Math.round(p.load_transfers_per_s)} transfers/s beside the probes;
${p.failed} failed). Latency = request sent → poke received at the recipient's socket (the commit lies
between: an upper bound). ${p.missed} pokes missed.

| | p50 | p99 | max |
|---|---|---|---|
| request → poke (upper bound) | ${fmt(p.upper_p50)} | **${fmt(p.upper_p99)}** | ${fmt(p.upper_max)} |
| 201 received → poke (lower bound) | ${fmt(p.lower_p50)} | ${fmt(p.lower_p99)} | |
| the transfer's round trip (reference) | ${fmt(p.rtt_p50)} | ${fmt(p.rtt_p99)} | |

Ratio p99 poke / p99 transfer round trip: ${(p.upper_p99 / p.rtt_p99).toFixed(2)}×. Target ${p.upper_p99 <= 1000 ? 'met' : 'missed'}.

## Pull latency

Sequential \`GET /v1/sync\` by one member over Node's fetch (keep-alive), no load from this benchmark.

| | n | p50 | p99 |
|---|---|---|---|
| no changes (cursor current) | ${q.n} | ${fmt(q.quiet_p50)} | ${fmt(q.quiet_p99)} |
| with changes (${q.changes_avg.toFixed(1)} per pull on average) | ${q.changes_n} | ${fmt(q.changes_p50)} | ${fmt(q.changes_p99)} |
| snapshot (no cursor) | 200 | ${fmt(q.snapshot_p50)} | ${fmt(q.snapshot_p99)} |
| \`GET /healthz\` (reference) | ${q.n} | ${fmt(q.health_p50)} | ${fmt(q.health_p99)} |

Ratio no-change pull / healthz at p50: ${(q.quiet_p50 / q.health_p50).toFixed(2)}×.

## Idle poke sockets (target 10,000 in ≤ 1 GiB)

| asked | open after 3 s | server RSS before | after | per socket | a poke still arrives |
|---|---|---|---|---|---|
| ${s.asked} | ${s.open} | ${(s.rss_before_kib / 1024).toFixed(1)} MiB | **${(s.rss_after_kib / 1024).toFixed(1)} MiB** | ${Math.round(s.per_socket_bytes)} B | ${s.poke_after_open ? 'yes' : 'no'} |

Target ${s.open >= 10000 && s.rss_after_kib <= 1024 * 1024 ? 'met' : (s.open < 10000 ? `not shown (${s.open} open)` : 'missed')}: ${(s.rss_after_kib / (1024 * 1024)).toFixed(3)} GiB of the 1 GiB budget.

Server exit status after SIGTERM: ${JSON.stringify(report.exit)}.
`;
writeFileSync(opts.out, md);
console.log(md);
