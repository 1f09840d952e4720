// The WebAssembly JS API beyond the vectors: the cart preview fast path gives byte for byte the
// JSON path's document (on seeded random carts, on values that need both int32 halves, on
// JavaScript shapes it must leave to the JSON path, across a memory growth), the configuration
// swaps without a reload, errors come back as values, and the module loads from dist/.
//
//   node --test tests/wasm/      (NNW_WASM_DIST: the dist/ directory, default build/wasm/wasm/dist)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { invalidRequest } from '../parity/invalid.mjs';
import { Prng } from '../parity/prng.mjs';
import { cartRequest } from '../parity/requests.mjs';
import { loadWasmRules } from '../parity/wasm.mjs';
import { DIST_DIR, loadDistRules } from './dist.mjs';

const SEED = 20261124;
const RANDOM_CARTS = 400;
const TWO_TO_32 = 2 ** 32;

const { api, fastAnswers } = await loadWasmRules(DIST_DIR);

// What the API sends C++ for an object (api.js): its JSON text, or '' when there is none.
function jsonText(request) {
  try {
    return JSON.stringify(request) ?? '';
  } catch {
    return '';
  }
}

// previewCart (fast path when it applies) against the C++ JSON path's own bytes; returns
// whether the fast path answered.
function assertSameAsJsonPath(request, message) {
  const before = fastAnswers();
  const fast = JSON.stringify(api.previewCart(request));
  assert.equal(fast, api.json.previewCart(jsonText(request)), message);
  return fastAnswers() > before;
}

function line(fields = {}) {
  return { sku: 'A', quantity: 1, unit_price_cents: 1, unit_pv: 1, ...fields };
}

function cart(overrides = {}) {
  return {
    market: 'MX',
    now: '2026-11-24T15:00:00Z',
    period_pv: 1200,
    cashback: null,
    lines: [{ sku: 'NN-OMEGA3', quantity: 2, unit_price_cents: 59900, unit_pv: 350 }],
    shipping_cents: 14900,
    ...overrides,
  };
}

describe('fast path', () => {
  test('seeded random carts give the JSON path bytes, mostly through the fast path', () => {
    const rng = new Prng(SEED);
    let answered = 0;
    for (let i = 0; i < RANDOM_CARTS; i++) {
      const request = cartRequest(rng);
      if (assertSameAsJsonPath(request, `cart ${i} (seed ${SEED})`)) answered++;
    }
    // Non-ASCII SKUs and refused requests take the JSON path; the rest must not.
    assert.ok(answered > RANDOM_CARTS / 2, `the fast path answered only ${answered} of ${RANDOM_CARTS}`);
  });

  test('seeded broken carts give the JSON path bytes (errors come from C++)', () => {
    const rng = new Prng(SEED + 1);
    for (let i = 0; i < RANDOM_CARTS; i++) {
      const broken = invalidRequest(rng, cartRequest(rng));
      if ('text' in broken) continue; // text never reaches the fast path
      assertSameAsJsonPath(broken.object, `broken cart ${i} (${broken.label ?? 'fields'}, seed ${SEED + 1})`);
    }
  });

  test('every cashback state, in both markets, through the fast path', () => {
    const periods = { '2026-11': 'this period', '2026-10': 'last period', '2024-01': 'long ago' };
    for (const market of ['MX', 'US']) {
      for (const [period, when] of Object.entries(periods)) {
        for (const status of ['AVAILABLE', 'USED', 'EXPIRED']) {
          for (const periodPv of [0, 2929, 2930, 3000]) {
            const cashback = { period, status, value_cents: 41930 };
            const request = cart({ market, period_pv: periodPv, cashback });
            assert.ok(assertSameAsJsonPath(request, `${market} ${status} ${when} at ${periodPv} PV`));
          }
        }
      }
    }
  });

  test('amounts past 2^31 and 2^32 cross as two int32 halves, exactly', () => {
    const maxLine = line({ sku: 'NN-MAX', quantity: 999, unit_price_cents: 100000000, unit_pv: 100000 });
    const lines = Array.from({ length: 200 }, () => ({ ...maxLine }));
    const heavy = cart({ period_pv: 0, lines, shipping_cents: 10000000 });
    assert.ok(assertSameAsJsonPath(heavy, '200 lines at every maximum'));
    assert.ok(api.previewCart(heavy).total_cents > TWO_TO_32 * 1000);
    for (const value of [0, 1, 2 ** 31 - 1, 2 ** 31, TWO_TO_32 - 1, TWO_TO_32, TWO_TO_32 + 1, 2 ** 52 + 3,
      Number.MAX_SAFE_INTEGER]) {
      const cashback = { period: '2026-11', status: 'AVAILABLE', value_cents: value };
      const request = cart({ lines: [maxLine], cashback });
      assert.ok(assertSameAsJsonPath(request, `AVAILABLE cashback of ${value}`));
      assert.equal(api.previewCart(request).cashback_after.value_cents, value);
    }
  });

  test('numbers outside int32 or the safe integers leave it to the JSON path', () => {
    const values = [2 ** 31, -(2 ** 31) - 1, TWO_TO_32, Number.MAX_SAFE_INTEGER + 1, 1.5, -0, NaN, Infinity, '2'];
    for (const value of values) {
      assertSameAsJsonPath(cart({ period_pv: value }), `period_pv ${String(value)}`);
      assertSameAsJsonPath(cart({ lines: [line({ quantity: value })] }), `quantity ${String(value)}`);
      assertSameAsJsonPath(cart({ cashback: { period: '2026-11', status: 'USED', value_cents: value } }),
        `value_cents ${String(value)}`);
    }
  });

  test('text it cannot copy byte for byte leaves it to the JSON path', () => {
    for (const sku of ['Ñ-1', 'NN\u0000', 'NN\n', 'x😀', '\u2028', '\u007f', 'x'.repeat(65), '']) {
      assertSameAsJsonPath(cart({ lines: [line({ sku })] }), JSON.stringify(sku));
    }
    assert.ok(assertSameAsJsonPath(cart({ lines: [line({ sku: 'a"b\\c' })] }),
      'quote and backslash are escaped alike by C++ and JSON.stringify'));
  });

  test('JavaScript shapes JSON.stringify reshapes leave it to the JSON path', () => {
    // A field on the prototype: property reads see it, JSON.stringify does not.
    class Line {
      constructor() {
        Object.assign(this, { sku: 'A', quantity: 1, unit_price_cents: 1 });
      }

      get unit_pv() {
        return 1;
      }
    }
    const withToJson = cart();
    Object.defineProperty(withToJson, 'toJSON', { value: () => cart({ period_pv: 2929 }) });
    const linesToJson = [line()];
    linesToJson.toJSON = () => [];
    const shapes = {
      'an unknown key': cart({ coupon: 'X' }),
      'an undefined member': cart({ extra: undefined }),
      'a class instance line': cart({ lines: [new Line()] }),
      'a null-prototype request': Object.assign(Object.create(null), cart()),
      'a non-enumerable toJSON': withToJson,
      'a toJSON on lines': cart({ lines: linesToJson }),
      'a hole in lines': cart({ lines: [, line()] }), // eslint-disable-line no-sparse-arrays
      'a Date for now': cart({ now: new Date('2026-11-24T15:00:00Z') }),
      'a boxed number': cart({ period_pv: new Number(3) }),
      'lines as an object': cart({ lines: { 0: line() } }),
      'a throwing getter': Object.defineProperty(cart(), 'period_pv', {
        enumerable: true,
        get() {
          throw new Error('no');
        },
      }),
    };
    for (const [label, request] of Object.entries(shapes)) assertSameAsJsonPath(request, label);
  });

  test('an enumerable property on Object.prototype leaves it to the JSON path', () => {
    // for-in would list it on every object; with no lines and no cashback, only the request's
    // own check sees it, and JSON.stringify would not send it.
    const request = cart({ lines: [] });
    const now = request.now;
    delete request.now;
    Object.prototype.now = now; // eslint-disable-line no-extend-native
    try {
      assert.equal(assertSameAsJsonPath(request, 'inherited now'), false);
    } finally {
      delete Object.prototype.now;
    }
    assert.ok(assertSameAsJsonPath({ ...request, now }, 'after the clean-up'));
  });

  test('skus kept from the previous call are exactly those sent again', () => {
    const withSku = (sku) => line({ sku, unit_price_cents: 100, unit_pv: 10 });
    const skus = ['NN-A', 'NN-B', 'NN-C'];
    const base = cart({ lines: skus.map(withSku) });
    assert.ok(assertSameAsJsonPath(base, 'first cart'));
    assert.ok(assertSameAsJsonPath(structuredClone(base), 'equal skus in new strings'));
    // The same position with another sku: C++ must see it (one byte over the limit here).
    const tooLong = cart({ lines: [withSku('NN-A'), withSku('x'.repeat(65)), withSku('NN-C')] });
    assert.equal(api.previewCart(tooLong).error.field, 'lines[1].sku');
    // After a declined call C++ may hold any of the skus; the next cart sends them all again.
    assert.ok(assertSameAsJsonPath(base, 'after a declined call'));
    assert.ok(assertSameAsJsonPath(cart({ lines: skus.slice(0, 1).map(withSku) }), 'fewer lines'));
    assert.ok(assertSameAsJsonPath(cart({ lines: [...skus, 'NN-D', 'NN-E'].map(withSku) }), 'more lines'));
    assert.ok(assertSameAsJsonPath(cart({ lines: [...skus].reverse().map(withSku) }), 'reordered lines'));
  });

  test('a cart declined in JavaScript after some of its skus were written sends them all again', () => {
    const withSku = (sku) => line({ sku, unit_price_cents: 100, unit_pv: 10 });
    const base = cart({ lines: ['NN-A', 'NN-B', 'NN-C'].map(withSku) });
    assert.ok(assertSameAsJsonPath(base, 'first cart'));
    // The first two skus are written before the third line turns the cart away, so C++ never
    // sees them: it still holds NN-A and NN-B. One sku too long (65 bytes) shows which it used.
    const tooLong = 'x'.repeat(65);
    for (const bad of [line({ quantity: 1.5 }), line({ sku: 'Ñ' }), line({ coupon: 'X' }), null]) {
      const declined = cart({ lines: [withSku(tooLong), withSku('NN-E'), bad] });
      assert.equal(assertSameAsJsonPath(declined, `declined by ${JSON.stringify(bad)}`), false);
      const next = cart({ lines: [tooLong, 'NN-E', 'NN-C'].map(withSku) });
      assert.equal(api.previewCart(next).error?.field, 'lines[0].sku', `after ${JSON.stringify(bad)}`);
      assert.ok(assertSameAsJsonPath(base, 'then the first cart again'));
    }
  });

  test('now and market kept from the previous call are exactly those sent again', () => {
    // At this instant it is already July in Chicago (CDT) but still June in Mexico City (CST):
    // a market mix-up shows in the period.
    const july = '2026-07-01T05:30:00Z';
    assert.equal(api.previewCart(cart({ now: july, market: 'US' })).period, '2026-07');
    assert.equal(api.previewCart(cart({ now: july })).period, '2026-06');
    const requests = [
      cart(),
      cart({ now: '2026-11-24T15:00:00.5Z' }), // a longer now moves the market
      cart({ now: '2026-11-24T15:00:00.5Z', market: 'US' }),
      cart({ market: 'US' }),
      cart(),
      cart({ now: '2025-01-01T00:00:00Zñ' }), // declined after writing most of now
      cart(),
      cart({ now: july }),
      cart({ now: july, market: 'USÑ' }), // declined after writing now and most of market
      cart({ now: july }),
      cart({ now: july, market: 'US' }),
      cart({ now: july }),
      cart({ now: `${'2026-11-24T15:00:00Z'.slice(0, 19)}Z` }), // equal text in a new string
      cart({ now: '2026-12-01T06:00:00Z', cashback: { period: '2026-11', status: 'AVAILABLE', value_cents: 5 } }),
      cart({ now: '2026-12-01T06:00:00Z' }),
      cart({ market: 'XX' }), // C++ declines: the JSON path writes the error
      cart(),
    ];
    for (const [i, request] of requests.entries()) assertSameAsJsonPath(request, `request ${i}`);
    assert.ok(assertSameAsJsonPath(cart(), 'the same cart again'));
  });

  test('keeps working after the wasm memory grows', () => {
    const request = cart({ period_pv: 2900 });
    const before = JSON.stringify(api.previewCart(request));
    // A 32 MB document is copied into wasm memory and parsed there: the heap must grow.
    const huge = api.checkClabe({ clabe: '0'.repeat(32 * 1024 * 1024) });
    assert.equal(huge.problem, 'WRONG_LENGTH');
    assert.ok(assertSameAsJsonPath(request, 'after the growth'));
    assert.equal(JSON.stringify(api.previewCart(request)), before);
  });
});

describe('configuration swap', () => {
  test('a changed threshold takes effect at once, on both paths', async () => {
    const rules = await loadDistRules();
    const original = rules.describe();
    const request = cart({ period_pv: 1000 });
    assert.equal(rules.previewCart(request).pv_threshold, 2930);

    const lowered = structuredClone(original.config);
    lowered.cashback.pv_threshold = 1500;
    const swapped = rules.loadConfig(lowered);
    assert.deepEqual(Object.keys(swapped), ['rules_version']);
    assert.notEqual(swapped.rules_version, original.rules_version);
    assert.equal(rules.version(), swapped.rules_version);

    const preview = rules.previewCart(request);
    assert.equal(preview.rules_version, swapped.rules_version);
    assert.equal(preview.pv_threshold, 1500);
    assert.equal(preview.unlocks_cashback, true);
    assert.equal(JSON.stringify(preview), rules.json.previewCart(JSON.stringify(request)));

    // The same content as text (reformatted) is the same configuration: same version.
    const reformatted = JSON.stringify(original.config, null, 2);
    assert.deepEqual(rules.loadConfig(reformatted), { rules_version: original.rules_version });
    assert.equal(rules.previewCart(request).pv_threshold, 2930);
  });

  test('a refused configuration keeps the old one', async () => {
    const rules = await loadDistRules();
    const version = rules.version();
    const request = cart({ period_pv: 2900 });
    const expected = JSON.stringify(rules.previewCart(request));
    const broken = structuredClone(rules.describe().config);
    broken.cashback.pv_threshold = -1;
    for (const config of [broken, '{', '', '[]', { schema: 1 }]) {
      const result = rules.loadConfig(config);
      assert.equal(result.error?.code, 'invalid_config', JSON.stringify(result));
      assert.equal(rules.version(), version);
      assert.equal(JSON.stringify(rules.previewCart(request)), expected);
    }
  });
});

describe('errors are values', () => {
  test('a request with no JSON form gets invalid_json from C++', () => {
    for (const request of [undefined, { period_pv: 1n }, () => 1]) {
      assert.deepEqual(api.previewCart(request),
        { error: { code: 'invalid_json', message: 'the body is not valid JSON', field: '' } });
    }
    const cyclic = cart();
    cyclic.self = cyclic;
    assert.equal(api.loyaltyStatus(cyclic).error.code, 'invalid_json');
  });

  test('a wrong document gets the error document, not an exception', () => {
    assert.equal(api.travelPoints('campaign').error.code, 'invalid_type');
    assert.deepEqual(api.checkClabe({ clabe: 2 }).error.field, 'clabe');
    assert.equal(api.previewCart(cart({ market: 'BR' })).error.code, 'unknown_market');
  });
});

describe('loading', () => {
  test('loads from the dist directory with its defaults', async () => {
    const rules = await loadDistRules();
    assert.match(rules.version(), /^[0-9a-f]{16}$/);
    const description = rules.describe();
    assert.equal(description.rules_version, rules.version());
    assert.deepEqual(description.config.markets.map((m) => m.code), ['MX', 'US']);
    assert.equal(rules.checkClabe({ clabe: '002180700123456781' }).bank_code, '002');
  });

  test('takes the wasm as a path or as bytes', async () => {
    const wasmPath = path.join(DIST_DIR, 'nnw_rules.wasm');
    const byPath = await loadDistRules({ wasmPath });
    const byBytes = await loadDistRules({ wasmBinary: readFileSync(wasmPath) });
    assert.equal(byPath.version(), byBytes.version());
    assert.deepEqual(byPath.previewCart(cart()), byBytes.previewCart(cart()));
  });

  test('engines are independent', async () => {
    const [a, b] = await Promise.all([loadDistRules(), loadDistRules()]);
    const config = a.describe().config;
    config.cashback.discount_bp = 5000;
    a.loadConfig(config);
    assert.notEqual(a.version(), b.version());
    assert.notEqual(a.previewCart(cart({ period_pv: 2900 })).cashback_generated_cents,
      b.previewCart(cart({ period_pv: 2900 })).cashback_generated_cents);
  });
});
