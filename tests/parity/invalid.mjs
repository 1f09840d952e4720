// Deliberately invalid requests, made by breaking one thing in a well-formed one: a wrong JSON
// type, a missing or unknown field, a number out of range or outside the safe integers, a bad
// timestamp, period or enumerated string, an oversized array; or by damaging the JSON text
// itself. Object-form breaks also include JavaScript values that JSON.stringify reshapes
// (undefined members, holes, boxed numbers, a hidden toJSON), which only the cart fast path
// sees as objects.
//
// Text never contains a raw line feed (the native evaluator reads one request per line) nor a
// lone UTF-16 surrogate (Node and embind would encode it differently on the way to C++), so
// invalid UTF-8 is not covered here.
import { LIMITS, text } from './requests.mjs';

// One past each documented bound, per field name.
const PAST_LIMIT = {
  quantity: LIMITS.line_quantity_max + 1,
  unit_price_cents: LIMITS.unit_price_cents_max + 1,
  unit_pv: LIMITS.unit_pv_max + 1,
  shipping_cents: LIMITS.shipping_cents_max + 1,
  period_pv: LIMITS.period_pv_max + 1,
  value_cents: Number.MAX_SAFE_INTEGER + 1,
};
const ARRAY_LIMIT = {
  lines: LIMITS.cart_lines_max,
  orders: LIMITS.orders_max,
  events: LIMITS.events_max,
  promo_windows: LIMITS.promo_windows_max,
};
const BAD_NUMBERS = [-1, 0, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53, -(2 ** 53), 2 ** 63, 2 ** 64, 1e21, -1e21, 1.5,
  -0.5, 1e-7, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
const BAD_STRINGS = ['', ' ', 'x'.repeat(LIMITS.id_length_max + 1), 'ñ'.repeat(33), 'MX ', 'mx', 'BR', 'PLATINO',
  'available', 'KIT', '2026-13', '2026-1', '1999-12', '2200-01', '2026-00', '2026-11-24',
  '2026-02-29T12:00:00Z', '2028-02-30T00:00:00Z', '2026-11-24T15:00:00.000Z', '2026-11-24 15:00:00Z',
  '2026-11-24T15:00:00', '2026-11-24T15:00:00+00:00', '2026-11-24T15:00:00z', '2026-11-24T24:00:00Z',
  '2026-11-24T15:60:00Z', '2026-11-24T15:00:60Z', '1999-12-31T23:59:59Z', '2200-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z', '+2026-11-24T15:00:00Z', '２０２６-11-24T15:00:00Z'];
const OTHER_TYPES = ['2', 2.5, true, false, [], {}, 7, 'x', -3];
const UNKNOWN_KEYS = ['qty', 'coupon', 'extra', 'Market', 'market ', 'line', '', 'ñ', 'rules_version', 'error'];
const RAW_LITERALS = ['', ' ', 'null', 'true', '0', '[]', '{}', '"x"', '{"', '}', 'nul', '{"market":"MX",}', '[{}]',
  '{"a":1}{"b":2}', '\u0000'];
const NUMBER_SPELLINGS = ['01', '1.0', '1e2', '-0', '+1', '.5', '1.', 'NaN', 'Infinity', '0x10', '9007199254740993',
  '18446744073709551616', '-9223372036854775809', '1E400', '-0.0', '2.0e0'];
const STRING_SPELLINGS = ['"\\ud800"', '"\\udc00\\ud800"', '"\\x41"', '"\\u00e9"', '"\\/"', '"\\u0000"', '"\\U0041"',
  '"\t"'];

function isContainer(value) {
  return typeof value === 'object' && value !== null;
}

// Every (container, key) slot of a document, depth first, with its depth; the root has
// container null and depth 0.
function slots(root) {
  const out = [{ container: null, key: null, value: root, depth: 0 }];
  const visit = (value, depth) => {
    for (const key of Object.keys(value)) {
      const child = value[key];
      out.push({ container: value, key: Array.isArray(value) ? Number(key) : key, value: child, depth });
      if (isContainer(child)) visit(child, depth + 1);
    }
  };
  if (isContainer(root)) visit(root, 1);
  return out;
}

function replacement(rng, slot) {
  const { key, value } = slot;
  if (typeof value === 'number') {
    return rng.weighted([[40, () => (key in PAST_LIMIT ? PAST_LIMIT[key] : rng.pick(BAD_NUMBERS))],
      [40, () => rng.pick(BAD_NUMBERS)], [20, () => rng.pick(OTHER_TYPES)]]);
  }
  if (typeof value === 'string') return rng.weighted([[75, () => rng.pick(BAD_STRINGS)], [25, () => rng.pick(OTHER_TYPES)]]);
  if (Array.isArray(value) && key in ARRAY_LIMIT && value.length > 0 && rng.chance(50)) {
    // One item past the bound, repeating the items there are.
    return Array.from({ length: ARRAY_LIMIT[key] + 1 }, (_, i) => value[i % value.length]);
  }
  return rng.pick([...OTHER_TYPES, null]);
}

// A slot satisfying `fits`, half the time among the document's top-level fields (few, and
// each one of them matters), otherwise among all; null when none fits.
function pickSlot(rng, all, fits) {
  const candidates = all.filter(fits);
  const topLevel = candidates.filter((slot) => slot.depth <= 1);
  const pool = topLevel.length > 0 && rng.chance(50) ? topLevel : candidates;
  return pool.length > 0 ? rng.pick(pool) : null;
}

const isPlainObjectValue = (slot) => isContainer(slot.value) && !Array.isArray(slot.value);

// Breaks one thing in `root` (in place where it can); returns {object, label?} with the
// resulting root.
function breakObject(rng, root) {
  const all = slots(root);
  const kind = rng.weighted([[55, 'replace'], [15, 'delete'], [15, 'unknown'], [10, 'element'], [5, 'js']]);
  if (kind === 'js' && rng.chance(50)) return jsShape(rng, root);
  const slot = {
    replace: () => pickSlot(rng, all, () => true),
    delete: () => pickSlot(rng, all, (s) => isContainer(s.container) && !Array.isArray(s.container)),
    unknown: () => pickSlot(rng, all, isPlainObjectValue),
    element: () => pickSlot(rng, all, (s) => Array.isArray(s.value)),
    js: () => pickSlot(rng, all, (s) => s.container !== null),
  }[kind]() ?? all[0];
  const { container, key } = slot;
  if (kind === 'unknown' && isPlainObjectValue(slot)) slot.value[rng.pick(UNKNOWN_KEYS)] = 1;
  else if (kind === 'element' && Array.isArray(slot.value)) {
    slot.value.splice(rng.below(slot.value.length + 1), 0, rng.pick([...OTHER_TYPES, null]));
  } else if (container === null) return { object: rng.pick([...OTHER_TYPES, null]) };
  else if (kind === 'delete') delete container[key];
  else if (kind === 'js') {
    const value = rng.pick([undefined, new Number(3), new String('MX')]);
    container[key] = value;
    return { object: root, label: `${key} is ${value === undefined ? 'undefined' : `a boxed ${typeof value.valueOf()}`}` };
  } else container[key] = replacement(rng, slot);
  return { object: root };
}

// Values JSON.stringify turns into another document than the object's own fields suggest;
// the label names the trick, since the request text alone cannot show it.
function jsShape(rng, root) {
  if (!isContainer(root)) return { object: root };
  return rng.weighted([
    [25, () => ({ object: { ...root, extra: undefined }, label: 'a member whose value is undefined' })],
    [20, () => ({ object: Object.assign(Object.create(null), root), label: 'an object without prototype' })],
    [20, () => {
      if (Array.isArray(root.lines)) root.lines.length += 1;
      return { object: root, label: 'a hole at the end of lines' };
    }],
    [15, () => {
      Object.defineProperty(root, '__proto__', { value: {}, enumerable: true });
      return { object: root, label: 'an own enumerable __proto__ member' };
    }],
    [20, () => {
      const shown = { ...root, period_pv: 0, lines: [] };
      Object.defineProperty(root, 'toJSON', { value: () => shown, enumerable: false });
      return { object: root, label: 'a non-enumerable toJSON (the text is its result; the own fields differ)' };
    }],
  ]);
}

// Damage to the JSON text of a well-formed request.
function breakText(rng, valid) {
  // A key's closing quote anchors the match, so digits inside timestamps are left alone.
  const firstNumber = /":-?\d+/;
  const firstString = /":"(?:[^"\\]|\\.)*"/;
  return rng.weighted([
    [15, () => valid.slice(0, rng.below(valid.length))],
    [8, () => valid.replace(/}$/, ',}')],
    [8, () => valid + rng.pick([' x', '}', '{}', '\u0000', ' //c', ','])],
    [5, () => `\ufeff${valid}`],
    [8, () => `${rng.pick([' ', '\t', '\r', ' \t'])}${valid}${rng.pick(['', ' ', '\r', '\t'])}`],
    [5, () => valid.replace(':', '=')],
    [5, () => valid.replaceAll('"', "'")],
    [5, () => {
      const depth = rng.between(14, 20);
      return '['.repeat(depth) + valid + ']'.repeat(depth);
    }],
    [12, () => valid.replace(firstNumber, `":${rng.pick(NUMBER_SPELLINGS)}`)],
    [10, () => valid.replace(firstString, `":${rng.pick(STRING_SPELLINGS)}`)],
    [6, () => valid.replace(/}$/, `,${rng.pick(['"market":"US"', '"now":"2026-11-24T15:00:00Z"', '"clabe":"0"', '"lines":[]'])}}`)],
    [3, () => `/*c*/${valid}`],
    [10, () => rng.pick([...RAW_LITERALS, text(rng, rng.between(1, 40)).replaceAll('\n', '')])],
  ]);
}

// {object, label?} for a broken document that is still a JavaScript value, {text} for broken
// JSON text.
export function invalidRequest(rng, validObject) {
  if (rng.chance(30)) return { text: breakText(rng, JSON.stringify(validObject)) };
  return breakObject(rng, validObject);
}
