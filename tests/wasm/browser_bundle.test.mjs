// The minified browser bundle (web/build.mjs) answers exactly as the unbundled API: the same
// seeded requests of all four operations give the same bytes through both, and the bundle's
// directory holds only what a browser fetches. The web glue runs under Node when it is handed
// the wasm bytes, as a page may do.
//
//   node --test tests/wasm/      (NNW_WEB_RULES: the bundle's directory, default build/web-rules)
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { invalidRequest } from '../parity/invalid.mjs';
import { Prng } from '../parity/prng.mjs';
import { cartRequest, clabeRequest, loyaltyRequest, travelRequest } from '../parity/requests.mjs';
import { DIST_DIR, WEB_RULES_DIR, loadDistRules } from './dist.mjs';

const SEED = 20261125;
const REQUESTS_PER_OPERATION = 100;

const { loadRules } = await import(pathToFileURL(path.join(WEB_RULES_DIR, 'index.browser.js')).href);
const wasmBinary = readFileSync(path.join(WEB_RULES_DIR, 'nnw_rules.wasm'));
const bundled = await loadRules({ wasmBinary });
const unbundled = await loadDistRules();

test('the bundle directory holds the one module and the one wasm, the dist/ wasm itself', () => {
  assert.deepEqual(readdirSync(WEB_RULES_DIR).sort(), ['index.browser.js', 'nnw_rules.wasm']);
  assert.ok(wasmBinary.equals(readFileSync(path.join(DIST_DIR, 'nnw_rules.wasm'))));
});

test('seeded requests of every operation give the unbundled API bytes', () => {
  const rng = new Prng(SEED);
  // [object call, text call, generator]: a broken draw is an object or raw text.
  const operations = {
    previewCart: ['previewCart', 'previewCart', cartRequest],
    previewCartJson: ['previewCartJson', 'previewCart', cartRequest],
    loyaltyStatus: ['loyaltyStatus', 'loyaltyStatus', loyaltyRequest],
    travelPoints: ['travelPoints', 'travelPoints', travelRequest],
    checkClabe: ['checkClabe', 'checkClabe', clabeRequest],
  };
  for (const [label, [objectCall, textCall, generate]] of Object.entries(operations)) {
    for (let i = 0; i < REQUESTS_PER_OPERATION; i++) {
      const valid = generate(rng);
      const broken = i % 4 === 3 ? invalidRequest(rng, valid) : { object: valid };
      const answer = (api) =>
        'text' in broken ? api.json[textCall](broken.text) : JSON.stringify(api[objectCall](broken.object));
      assert.equal(answer(bundled), answer(unbundled), `${label} ${i}`);
    }
  }
  assert.deepEqual(bundled.describe(), unbundled.describe());
});
