// Commit → poke latency under load: transfers between load members keep the server busy while
// probe members time each transfer to its recipient's poke. The figure is reported (and
// written to tests/artifacts/sync-poke-latency/poke-latency.json); bench/sync/sync_bench.mjs makes the full
// measurement for docs/benchmarks-sync.md. Asserted here: every poke arrived, and each named a
// transaction the recipient's next pulls deliver.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { artifactDir, startStack } from '../support/stack.mjs';
import { loadConfigFile, makeMembers, measurePokeLatency, percentile, pokeSocket, transfer, transferLoad } from '../support/sync_load.mjs';

const SAMPLES = Number(process.env.NNW_POKE_SAMPLES ?? 200);
let stack;
let dir;

before(async () => {
  dir = artifactDir('sync-poke-latency');
  stack = await startStack({ env: { NNW_RULES_CONFIG: loadConfigFile(dir) }, logDir: dir });
});
after(async () => { await stack?.stop(); });

test('a poke names a transaction the next pulls deliver', async () => {
  const [from, to] = await makeMembers(stack.baseUrl, 2, 100000, 'PX');
  const socket = await pokeSocket(stack.baseUrl, to.token);
  await new Promise((r) => setTimeout(r, 300));
  const start = await fetch(`${stack.baseUrl}/v1/sync`, { headers: { authorization: `Bearer ${to.token}` } }).then((r) => r.json());
  assert.equal(await transfer(stack.baseUrl, from, to, 250), 201);
  const poke = await socket.next(5000);
  assert.ok(poke, 'poked');
  assert.equal(poke.message.scope, 'member');
  const xid = BigInt(poke.message.xid);
  let cursor = start.cursor;
  const changes = [];
  for (let i = 0; i < 100 && BigInt(cursor.split('.')[0]) <= xid; i += 1) {
    const page = await fetch(`${stack.baseUrl}/v1/sync?cursor=${cursor}`, { headers: { authorization: `Bearer ${to.token}` } }).then((r) => r.json());
    changes.push(...page.changes);
    cursor = page.cursor;
  }
  assert.ok(BigInt(cursor.split('.')[0]) > xid, 'the cursor passed the poked transaction');
  assert.ok(changes.some((c) => c.kind === 'WALLET_ENTRY' && c.payload.amount_cents === 250), 'with the credit in it');
  socket.close();
});

test(`commit → poke latency under transfer load (${SAMPLES} samples)`, { timeout: 240_000 }, async () => {
  const load = await makeMembers(stack.baseUrl, 20, 10_000_000, 'LD');
  const probes = await makeMembers(stack.baseUrl, 8, 10_000_000, 'PB');
  const pairs = [[probes[0], probes[1]], [probes[2], probes[3]], [probes[4], probes[5]], [probes[6], probes[7]]];
  const background = transferLoad(stack.baseUrl, load, 4);
  const started = performance.now();
  const result = await measurePokeLatency(stack.baseUrl, pairs, SAMPLES);
  const seconds = (performance.now() - started) / 1000;
  await background.stop();

  const figures = {
    samples: result.upper.length,
    missed: result.missed,
    poke_upper_ms: { p50: percentile(result.upper, 50), p99: percentile(result.upper, 99), max: Math.max(...result.upper) },
    poke_after_201_ms: { p50: percentile(result.lower, 50), p99: percentile(result.lower, 99) },
    transfer_round_trip_ms: { p50: percentile(result.roundTrip, 50), p99: percentile(result.roundTrip, 99) },
    background_transfers_per_s: Math.round(background.counts.ok / seconds),
    server: 'native-debug (ASan + UBSan)',
  };
  console.log(`poke latency: ${JSON.stringify(figures)}`);
  writeFileSync(path.join(dir, 'poke-latency.json'), `${JSON.stringify(figures, null, 2)}\n`);

  assert.equal(result.missed, 0, 'every probe transfer poked its recipient');
  assert.equal(result.upper.length, Math.ceil(SAMPLES / pairs.length) * pairs.length);
  assert.ok(background.counts.ok > 0, 'the background load ran');
  assert.equal(background.counts.failed, 0, 'no background transfer failed');
});
