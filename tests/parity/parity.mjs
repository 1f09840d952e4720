// The randomized parity run: the same request text through the native rules (nnw_rules_eval)
// and the WebAssembly JSON path must give byte-identical response documents, and for cart
// previews JSON.stringify of the JS API's previewCart (its fast path) must give those bytes
// too. That is the promise "the number a member sees in the cart is the number the server
// books", checked on requests aimed at the rules' edges (requests.mjs) and on broken ones
// (invalid.mjs), so error documents are compared as well.
//
//   node tests/parity/parity.mjs [--count 100000] [--seed N] [--batch 2000]
//                                [--native build/native-release/tests/nnw_rules_eval]
//                                [--native-processes 2]
// Two native processes by default: a sanitizer build of nnw_rules_eval is slower than the
// WebAssembly side, and on two cores two of them keep up with it.
//   NNW_WASM_DIST: the WebAssembly dist/ directory (default build/wasm/wasm/dist)
//
// Prints "N passed, M failed" and exits 1 on any mismatch, showing the first few in full
// (all of the first 100 go to tests/artifacts/parity-mismatches.jsonl).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { Coverage } from './coverage.mjs';
import { invalidRequest } from './invalid.mjs';
import { NativeEvaluator } from './native.mjs';
import { Prng } from './prng.mjs';
import { cartRequest, clabeRequest, loyaltyRequest, travelRequest } from './requests.mjs';
import { loadWasmRules } from './wasm.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEFAULT_SEED = 20261124;
const INVALID_PERCENT = 5;
const MISMATCHES_SHOWN = 3;
const MISMATCHES_SAVED = 100;
const SHOWN_CHARS_MAX = 2000;
const DIFF_CONTEXT_CHARS = 120;
// Requests handled between two returns to the event loop, which is when Node moves batches
// into the native processes' stdin and their answers out of their stdout.
const YIELD_EVERY = 64;

const OPERATIONS = {
  preview_cart: { weight: 70, generate: cartRequest, wasm: (api, text) => api.json.previewCart(text) },
  loyalty_status: { weight: 15, generate: loyaltyRequest, wasm: (api, text) => api.json.loyaltyStatus(text) },
  travel_points: { weight: 10, generate: travelRequest, wasm: (api, text) => api.json.travelPoints(text) },
  check_clabe: { weight: 5, generate: clabeRequest, wasm: (api, text) => api.json.checkClabe(text) },
};
const OPERATION_WEIGHTS = Object.entries(OPERATIONS).map(([name, { weight }]) => [weight, name]);

function parseOptions() {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '100000' },
      seed: { type: 'string', default: String(DEFAULT_SEED) },
      batch: { type: 'string', default: '2000' },
      native: { type: 'string', default: path.join(REPO_ROOT, 'build/native-release/tests/nnw_rules_eval') },
      'native-processes': { type: 'string', default: '2' },
    },
  });
  const processes = Number(values['native-processes']);
  const count = Number(values.count);
  const seed = Number(values.seed);
  const batch = Number(values.batch);
  if (!Number.isSafeInteger(count) || count < 1) throw new Error(`--count must be a positive integer, not ${values.count}`);
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`--seed must be a 32-bit unsigned integer, not ${values.seed}`);
  if (!Number.isSafeInteger(batch) || batch < 1 || batch > 10000) throw new Error(`--batch must be 1..10000, not ${values.batch}`);
  if (!Number.isSafeInteger(processes) || processes < 1 || processes > 8) {
    throw new Error(`--native-processes must be 1..8, not ${values['native-processes']}`);
  }
  const dist = path.resolve(process.env.NNW_WASM_DIST ?? path.join(REPO_ROOT, 'build/wasm/wasm/dist'));
  return { count, seed, batch, processes, native: path.resolve(values.native), dist };
}

// One request: its operation, its text, the JavaScript value it is the JSON of (absent when
// the text itself was broken) and, for a value JSON.stringify reshapes, what is odd about it.
function nextRequest(rng) {
  const operation = rng.weighted(OPERATION_WEIGHTS);
  const valid = OPERATIONS[operation].generate(rng);
  const broken = rng.chance(INVALID_PERCENT) ? invalidRequest(rng, valid) : { object: valid };
  const hasObject = 'object' in broken;
  const text = hasObject ? JSON.stringify(broken.object) : broken.text;
  if (typeof text !== 'string' || text.includes('\n')) throw new Error(`generator defect: unusable request text ${text}`);
  return { operation, text, hasObject, object: broken.object, label: broken.label };
}

function errorCode(response) {
  return response.startsWith('{"error":') ? (/"code":"([a-z_]+)"/.exec(response)?.[1] ?? '?') : null;
}

// The JS API's previewCart answer as text, or the exception it threw.
function fastPathText(api, object) {
  try {
    return JSON.stringify(api.previewCart(object));
  } catch (error) {
    return `threw ${error?.stack ?? error}`;
  }
}

class Tally {
  passed = 0;
  failed = 0;
  mismatches = [];
  byOperation = Object.fromEntries(Object.keys(OPERATIONS).map((name) => [name, { results: 0, errors: 0 }]));
  errorCodes = new Map();
  coverage = new Coverage();
  fastPathChecks = 0;

  record(request, native, wasm, fast) {
    const same = native === wasm && (fast === undefined || fast === native);
    if (!same) {
      this.failed++;
      if (this.mismatches.length < MISMATCHES_SAVED) this.mismatches.push({ ...request, object: undefined, native, wasm, fast });
      return;
    }
    this.passed++;
    const code = errorCode(native);
    const counts = this.byOperation[request.operation];
    if (code === null) {
      counts.results++;
      this.coverage.add(request.operation, native);
    } else {
      counts.errors++;
      this.errorCodes.set(code, (this.errorCodes.get(code) ?? 0) + 1);
    }
  }
}

// The WebAssembly answers to a batch: the JSON path's text, and for cart previews given as a
// value, JSON.stringify of previewCart's answer.
async function wasmAnswers(requests, wasm, tally) {
  const json = [];
  const fast = [];
  for (let i = 0; i < requests.length; i++) {
    const { operation, text, hasObject, object } = requests[i];
    json.push(OPERATIONS[operation].wasm(wasm.api, text));
    const checksFastPath = operation === 'preview_cart' && hasObject;
    fast.push(checksFastPath ? fastPathText(wasm.api, object) : undefined);
    if (checksFastPath) tally.fastPathChecks++;
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise(setImmediate);
  }
  return { json, fast };
}

// Batches go to the native processes in turn, and each process has its next batch queued
// before the current one is compared, so the processes and this thread all keep working;
// at most processes + 1 batches exist at once.
async function runAll(options, rng, natives, wasm, tally) {
  const inFlight = [];
  let sent = 0;
  let batchIndex = 0;
  const launch = () => {
    if (sent >= options.count) return;
    const size = Math.min(options.batch, options.count - sent);
    const requests = Array.from({ length: size }, () => nextRequest(rng));
    inFlight.push({ requests, native: natives[batchIndex++ % natives.length].evaluate(requests) });
    sent += size;
  };
  for (let i = 0; i <= natives.length; i++) launch();
  while (inFlight.length > 0) {
    const { requests, native } = inFlight.shift();
    const answers = await wasmAnswers(requests, wasm, tally);
    launch();
    const nativeTexts = await native;
    for (let i = 0; i < requests.length; i++) tally.record(requests[i], nativeTexts[i], answers.json[i], answers.fast[i]);
  }
}

function clip(text) {
  return text.length <= SHOWN_CHARS_MAX ? text : `${text.slice(0, SHOWN_CHARS_MAX)}… (${text.length} chars)`;
}

// The two texts around their first difference, so a one-digit change in a 40 kB document shows.
function difference(label, expected, actual) {
  if (actual === undefined) return [`  ${label}: not checked`];
  if (actual === expected) return [`  ${label}: same as native`];
  let at = 0;
  while (at < expected.length && expected[at] === actual[at]) at++;
  const from = Math.max(0, at - DIFF_CONTEXT_CHARS);
  const excerpt = (text) => JSON.stringify(text.slice(from, at + DIFF_CONTEXT_CHARS));
  return [`  ${label}: differs from native at char ${at} (native ${expected.length} chars, this ${actual.length})`,
    `    native: …${excerpt(expected)}…`, `    ${label}: …${excerpt(actual)}…`];
}

function reportMismatches(tally) {
  const file = path.join(REPO_ROOT, 'tests/artifacts/parity-mismatches.jsonl');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, tally.mismatches.map((m) => JSON.stringify(m)).join('\n') + '\n');
  for (const m of tally.mismatches.slice(0, MISMATCHES_SHOWN)) {
    console.log(`\nMISMATCH ${m.operation}`);
    console.log(`  request: ${clip(m.text)}`);
    if (m.label) console.log(`  JS value: ${m.label}`);
    console.log(`  native:  ${clip(m.native)}`);
    for (const line of [...difference('wasm json', m.native, m.wasm), ...difference('fast path', m.native, m.fast)]) {
      console.log(line);
    }
  }
  console.log(`\n${tally.mismatches.length} mismatching requests (the first ${MISMATCHES_SAVED} at most) written to ` +
    `${path.relative(process.cwd(), file)}`);
}

function reportSummary(options, tally, wasm, elapsedMs) {
  const total = tally.passed + tally.failed;
  console.log(`parity: seed ${options.seed}, ${total} requests in ${(elapsedMs / 1000).toFixed(1)} s ` +
    `(${Math.round(total / (elapsedMs / 1000))}/s): native ${path.relative(process.cwd(), options.native)} ` +
    `vs WebAssembly ${path.relative(process.cwd(), options.dist)}`);
  for (const [name, { results, errors }] of Object.entries(tally.byOperation)) {
    console.log(`  ${name.padEnd(15)} ${String(results + errors).padStart(7)} matched: ` +
      `${String(results).padStart(7)} results, ${String(errors).padStart(6)} errors`);
  }
  const codes = [...tally.errorCodes].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ${n}`);
  console.log(`  error codes: ${codes.join(', ') || 'none'}`);
  for (const line of tally.coverage.lines()) console.log(`  outcomes, ${line}`);
  console.log(`  preview_cart through the JS API's previewCart: ${tally.fastPathChecks} checked, ` +
    `${wasm.fastAnswers()} answered by the fast path`);
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
}

async function main() {
  const options = parseOptions();
  const wasm = await loadWasmRules(options.dist);
  const natives = Array.from({ length: options.processes }, () => new NativeEvaluator(options.native));
  const rng = new Prng(options.seed);
  const tally = new Tally();
  const started = process.hrtime.bigint();
  try {
    await runAll(options, rng, natives, wasm, tally);
  } finally {
    for (const native of natives) native.close();
  }
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (tally.failed > 0) reportMismatches(tally);
  reportSummary(options, tally, wasm, elapsedMs);
  process.exitCode = tally.failed === 0 ? 0 : 1;
}

main().catch((error) => {
  console.error(`parity: ${error?.stack ?? error}`);
  process.exitCode = 2;
});
