// Cart preview latency through the public JS API in Node: previewCart (the fast path) and
// previewCartJson (JSON text through the C++ engine and back), on bench/carts/ (the carts the
// native bench times), against the same rule written for json-rules-engine and run in the same
// process. Also the gzipped size of what a browser downloads: the .wasm and the minified bundle
// of its glue and the JS API.
//
//   node bench/node/preview.bench.mjs [--json out.json]
//   NNW_WASM_DIST: the WebAssembly dist/ directory (default build/wasm/wasm/dist)
//   NNW_WEB_RULES: the browser's copy of the rules (default build/web-rules, by web/build.mjs)
//
// Each figure is the median over RUNS runs of the per-call time, after a warm-up; a run repeats
// the call enough times to last about RUN_MS, and runs of the three subjects alternate.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

import { createReferenceEngine, referencePreview } from './json_rules_engine_preview.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CART_LINE_COUNTS = [20, 200];
const WARMUP_MS = 300;
const WARMUP_CALLS_MIN = 2000;
const WARMUP_MS_MAX = 3000;
const RUN_MS = 100;
const RUNS = 9;

let sink; // keeps every result reachable, so no call can be optimised away

function nowNs() {
  return process.hrtime.bigint();
}

// Calls `call` until both `durationMs` and `callsMin` are reached (JIT tiers settle by
// call count, not by time), but for no longer than WARMUP_MS_MAX; returns the calls made.
async function warmUp(call, isAsync, durationMs = WARMUP_MS, callsMin = WARMUP_CALLS_MIN) {
  const started = nowNs();
  const elapsedMs = () => Number(nowNs() - started) / 1e6;
  let calls = 0;
  while ((elapsedMs() < durationMs || calls < callsMin) && elapsedMs() < WARMUP_MS_MAX) {
    sink = isAsync ? await call() : call();
    calls++;
  }
  return { calls, elapsed_ms: elapsedMs() };
}

async function timeCalls(call, iterations, isAsync) {
  const started = nowNs();
  if (isAsync) for (let i = 0; i < iterations; i++) sink = await call();
  else for (let i = 0; i < iterations; i++) sink = call();
  return Number(nowNs() - started) / iterations;
}

// Median per-call latency in ns of each of `subjects` ({name: {call, isAsync}}). The runs
// alternate between subjects, so a burst of load elsewhere on the machine hits all of them
// rather than one, and the ratios between them stay fair.
async function measure(subjects) {
  const plans = {};
  for (const [name, { call, isAsync }] of Object.entries(subjects)) {
    const { calls, elapsed_ms } = await warmUp(call, isAsync);
    plans[name] = { call, isAsync, iterations: Math.max(1, Math.round((calls * RUN_MS) / elapsed_ms)), latencies_ns: [] };
  }
  for (let run = 0; run < RUNS; run++) {
    for (const plan of Object.values(plans)) plan.latencies_ns.push(await timeCalls(plan.call, plan.iterations, plan.isAsync));
  }
  return Object.fromEntries(Object.entries(plans).map(([name, { latencies_ns, iterations }]) => {
    latencies_ns.sort((a, b) => a - b);
    return [name, { latency_ns: latencies_ns[RUNS >> 1], latency_ns_min: latencies_ns[0], iterations_per_run: iterations }];
  }));
}

// Fairness check: json-rules-engine must arrive at the preview's numbers.
function assertSameNumbers(reference, preview) {
  for (const [key, value] of Object.entries(reference)) {
    if (key === 'lines') continue;
    assert.deepEqual(value, preview[key], `json-rules-engine disagrees on ${key}`);
  }
  reference.lines.forEach((line, i) => {
    for (const [key, value] of Object.entries(line)) assert.equal(value, preview.lines[i][key], `lines[${i}].${key}`);
  });
  assert.ok(preview.unlocks_cashback && preview.discount_cents > 0, 'the bench cart must cross with bonus units');
}

async function benchCart(api, lineCount) {
  const cart = JSON.parse(readFileSync(path.join(REPO_ROOT, `bench/carts/cart_${lineCount}_lines.json`), 'utf8'));
  const fastText = JSON.stringify(api.previewCart(cart));
  assert.equal(fastText, JSON.stringify(api.previewCartJson(cart)), 'fast path and JSON path differ');
  const engine = createReferenceEngine();
  assertSameNumbers(await referencePreview(engine, cart), api.previewCart(cart));
  return {
    lines: lineCount,
    ...(await measure({
      fast_path: { call: () => api.previewCart(cart), isAsync: false },
      json_path: { call: () => api.previewCartJson(cart), isAsync: false },
      json_rules_engine: { call: () => referencePreview(engine, cart), isAsync: true },
    })),
  };
}

// Every file of the browser's copy of the rules, which holds exactly what a browser fetches
// (the bundle and the .wasm it loads; web/build.mjs).
function browserSize(webRules) {
  const files = readdirSync(webRules).sort().map((file) => {
    const bytes = readFileSync(path.join(webRules, file));
    return { file, size_bytes: bytes.length, gzip_bytes: gzipSync(bytes).length };
  });
  const sum = (key) => files.reduce((total, file) => total + file[key], 0);
  return { dir: path.relative(REPO_ROOT, webRules), files, size_bytes: sum('size_bytes'), gzip_bytes: sum('gzip_bytes') };
}

function printTable(result) {
  const us = (ns) => `${(ns / 1000).toFixed(2)} µs`;
  console.log(`Node ${result.node}, ${result.dist}`);
  for (const cart of result.carts) {
    const ratio = cart.json_rules_engine.latency_ns / cart.fast_path.latency_ns;
    console.log(`  ${String(cart.lines).padStart(3)} lines: previewCart ${us(cart.fast_path.latency_ns)}, ` +
      `previewCartJson ${us(cart.json_path.latency_ns)}, json-rules-engine ${us(cart.json_rules_engine.latency_ns)} ` +
      `(${ratio.toFixed(1)}× the fast path)`);
  }
  console.log(`  browser download: ${result.size.size_bytes} bytes, ${result.size.gzip_bytes} gzipped`);
}

async function main() {
  const { values } = parseArgs({ options: { json: { type: 'string' } } });
  const loadAverage = os.loadavg();
  const dist = path.resolve(process.env.NNW_WASM_DIST ?? path.join(REPO_ROOT, 'build/wasm/wasm/dist'));
  const { loadRules } = await import(pathToFileURL(path.join(dist, 'index.node.mjs')).href);
  const api = await loadRules();
  // CPU time over wall time while measuring: under 1 when other work took the core from us.
  const cpuBefore = process.cpuUsage();
  const wallBefore = nowNs();
  const carts = [];
  for (const lineCount of CART_LINE_COUNTS) carts.push(await benchCart(api, lineCount));
  const cpu = process.cpuUsage(cpuBefore);
  const cpuShare = ((cpu.user + cpu.system) * 1000) / Number(nowNs() - wallBefore);
  assert.ok(sink !== undefined);
  const reference = JSON.parse(readFileSync(path.join(REPO_ROOT, 'bench/node_modules/json-rules-engine/package.json'), 'utf8'));
  const result = {
    node: process.version,
    load_avg: loadAverage,
    cpu_share: cpuShare,
    dist: path.relative(REPO_ROOT, dist),
    rules_version: api.version(),
    json_rules_engine_version: reference.version,
    method: { warmup_ms: WARMUP_MS, warmup_calls_min: WARMUP_CALLS_MIN, warmup_ms_max: WARMUP_MS_MAX, runs: RUNS,
      run_ms: RUN_MS },
    carts,
    size: browserSize(path.resolve(process.env.NNW_WEB_RULES ?? path.join(REPO_ROOT, 'build/web-rules'))),
  };
  printTable(result);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
}

await main();
