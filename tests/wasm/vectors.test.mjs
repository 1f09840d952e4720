// Every case of every tests/vectors/*.json file through the WebAssembly JS API: the same
// documents the native vector test (tests/rules/vectors_test.cpp) checks, so both targets are
// held to one expectation. Cart previews go through both the fast path and the JSON path.
//
//   node --test tests/wasm/      (NNW_WASM_DIST: the dist/ directory, default build/wasm/wasm/dist)
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { loadDistRules } from './dist.mjs';

const VECTORS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../vectors');

const rules = await loadDistRules();

// A request goes as an object through the public API, a raw request_text as-is through the
// text layer (it may not be JSON at all).
function through(objectCall, textCall) {
  return (c) => ('request_text' in c ? JSON.parse(textCall(c.request_text)) : objectCall(c.request));
}

const OPERATIONS = {
  preview_cart: through(previewBothPaths, rules.json.previewCart),
  loyalty_status: through(rules.loyaltyStatus, rules.json.loyaltyStatus),
  travel_points: through(rules.travelPoints, rules.json.travelPoints),
  check_clabe: through(rules.checkClabe, rules.json.checkClabe),
  load_config: loadConfigOnFreshEngine,
};

// The fast path must agree with the JSON path to the byte, and errors always come from C++.
function previewBothPaths(request) {
  const fast = rules.previewCart(request);
  const json = rules.previewCartJson(request);
  assert.equal(JSON.stringify(fast), JSON.stringify(json), 'fast path and JSON path differ');
  return fast;
}

// A configuration is loaded into an engine of its own; a refused one leaves that engine's
// version as it was.
async function loadConfigOnFreshEngine(c) {
  const engine = await loadDistRules();
  const before = engine.version();
  const load = through(engine.loadConfig, engine.json.loadConfig);
  const result = load(c);
  if (result.error) assert.equal(engine.version(), before, 'a refused configuration changed the version');
  else assert.equal(engine.version(), result.rules_version);
  return result;
}

function assertMatches(actual, expected, version) {
  if ('error' in expected) {
    assert.deepEqual(Object.keys(actual), ['error'], `expected an error, got ${JSON.stringify(actual)}`);
    const { code, field, message } = actual.error;
    assert.deepEqual({ code, field }, { code: expected.error.code, field: expected.error.field });
    assert.equal(typeof message, 'string');
    assert.notEqual(message, '');
    return;
  }
  const { rules_version: rulesVersion, ...rest } = actual;
  if (rulesVersion !== undefined) assert.equal(rulesVersion, version);
  assert.deepEqual(rest, expected);
}

const files = readdirSync(VECTORS_DIR).filter((name) => name.endsWith('.json')).sort();

test('there are vector files', () => {
  assert.ok(files.length > 0, `no vectors in ${VECTORS_DIR}`);
});

for (const file of files) {
  const { operation, cases } = JSON.parse(readFileSync(path.join(VECTORS_DIR, file), 'utf8'));
  describe(file, () => {
    test('names a known operation', () => assert.ok(operation in OPERATIONS, `unknown operation ${operation}`));
    for (const c of cases) {
      test(c.name, async () => {
        const run = OPERATIONS[operation];
        assertMatches(await run(c), c.expected, rules.version());
      });
    }
  });
}
