// Generators of well-formed requests for the four operations (docs/rules-api.md), steered
// toward the edges where two implementations could disagree: the PV threshold, the crossing
// unit, cashback periods and statuses, local month and window boundaries, DST changes, campaign
// and promo-window edges, repeated event ids and ranks, CLABE check digits. Some draws are
// well-formed but break a cross-field rule (a future cashback, duplicate order ids): their
// error documents are compared like any other answer.
import {
  DAY_S,
  HOUR_S,
  MAX_INSTANT_S,
  addMonths,
  clampInstant,
  daysInMonth,
  formatInstant,
  formatPeriod,
  interestingInstant,
  localDayStart,
  nearOffset,
  periodOf,
} from './calendar.mjs';

// Mirrors rules/config/default.json; only used to aim at edges.
export const LIMITS = Object.freeze({
  cart_lines_max: 200,
  line_quantity_max: 999,
  unit_price_cents_max: 100000000,
  unit_pv_max: 100000,
  shipping_cents_max: 10000000,
  period_pv_max: 1000000000,
  orders_max: 5000,
  events_max: 10000,
  promo_windows_max: 24,
  id_length_max: 64,
});
const PV_THRESHOLD = 2930;
const SAFE_MAX = Number.MAX_SAFE_INTEGER;
const MARKETS = ['MX', 'US'];
const CASHBACK_STATUSES = ['AVAILABLE', 'USED', 'EXPIRED'];
const KITS = ['FULL_SUPPLEMENT', 'FULL_SKIN', 'FULL_PROTECT'];
const RANKS = ['VISIONARIO', 'EMPRENDEDOR', 'CREATIVO', 'INNOVADOR', 'EMBAJADOR_TRANSFORMADOR',
  'EMBAJADOR_INSPIRADOR', 'EMBAJADOR_CONSCIENTE', 'EMBAJADOR_SOLIDARIO'];
const CATALOG = [
  ['NN-OMEGA3', 59900, 350], ['NN-COLAGENO', 74900, 420], ['NN-PROBIOTIC', 45900, 260],
  ['NN-SKIN-SERUM', 89900, 510], ['NN-PROTEIN', 119900, 640], ['NN-VITAMIN-C', 24900, 140],
  ['NN-TE-VERDE', 19900, 110], ['NN-MAGNESIO', 34900, 190], ['NN-MUESTRA', 0, 0], ['NN-FOLLETO', 1500, 0],
];
// Printable ASCII including the characters JSON escapes, then text the fast path leaves to the
// JSON path: accents, emoji (4 UTF-8 bytes, 2 UTF-16 units), control characters, U+2028.
const ASCII = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';
const NON_ASCII = ['ñ', 'é', 'Ü', '€', '中', '😀', '\u0000', '\u0001', '\n', '\t', '\u001f', '\u007f', '\u2028', '\ufeff'];

export function text(rng, length) {
  let out = '';
  for (let i = 0; i < length; i++) out += ASCII[rng.below(ASCII.length)];
  return out;
}

function mixedText(rng, length) {
  let out = '';
  for (let i = 0; i < length; i++) out += rng.chance(70) ? ASCII[rng.below(ASCII.length)] : rng.pick(NON_ASCII);
  return out;
}

// `base` (ASCII) padded with two-byte 'ñ' to exactly the 64-byte limit: 64 bytes but fewer
// UTF-16 units.
function fillTo64Bytes(base) {
  const free = LIMITS.id_length_max - base.length;
  return base + 'ñ'.repeat(free >> 1) + (free % 2 === 1 ? 'x' : '');
}

// An id of 1..64 bytes (the limit counts UTF-8 bytes, the trap a JS length check falls into):
// `base`, or in `oddPercent` cases out of 100 random ASCII, exactly 64 bytes, or non-ASCII.
function identifier(rng, base, oddPercent = 15) {
  if (!rng.chance(oddPercent)) return base;
  return rng.weighted([
    [40, () => text(rng, rng.between(1, LIMITS.id_length_max))],
    [20, () => text(rng, LIMITS.id_length_max)],
    [20, () => fillTo64Bytes(base)],
    [20, () => mixedText(rng, rng.between(1, 16))],
  ]);
}

function market(rng) {
  return rng.pick(MARKETS);
}

// Optional keys are sometimes null and sometimes absent: both mean "not given".
function optional(rng, object, key, value) {
  if (value !== null) object[key] = value;
  else if (rng.chance(50)) object[key] = null;
  return object;
}

// The same keys in a random order now and then: readers look keys up, they must not rely on order.
function maybeShuffleKeys(rng, object) {
  if (!rng.chance(10)) return object;
  return Object.fromEntries(rng.shuffled(Object.entries(object)));
}

// ---- cart preview ----

function cartLineCount(rng) {
  return rng.weighted([
    [3, 0],
    [50, () => rng.between(1, 3)],
    [30, () => rng.between(4, 12)],
    [11, () => rng.between(13, 40)],
    [4, () => rng.between(41, 199)],
    [2, LIMITS.cart_lines_max],
  ]);
}

function cartLine(rng, index, oddSkuPercent) {
  const [sku, price, pv] = rng.pick(CATALOG);
  return {
    sku: identifier(rng, rng.chance(50) ? sku : `${sku}-${index}`, oddSkuPercent),
    quantity: rng.weighted([
      [60, () => rng.between(1, 3)], [25, () => rng.between(4, 20)],
      [10, () => rng.between(1, LIMITS.line_quantity_max)], [5, LIMITS.line_quantity_max],
    ]),
    // Odd cents make 70% land on half a centavo: the rounding rule's edge.
    unit_price_cents: rng.weighted([
      [65, price], [8, 0], [5, LIMITS.unit_price_cents_max], [10, () => 2 * rng.between(0, 50) + 1],
      [12, () => rng.between(0, LIMITS.unit_price_cents_max)],
    ]),
    unit_pv: rng.weighted([
      [65, pv], [12, 0], [3, LIMITS.unit_pv_max], [20, () => rng.between(0, 5000)],
    ]),
  };
}

// period_pv placed relative to the cart: crossing at a chosen unit (mid-line), just below, at
// and just above the threshold with the whole cart, already past it, or anywhere.
function periodPv(rng, lines) {
  const cartPv = lines.reduce((sum, line) => sum + line.quantity * line.unit_pv, 0);
  const withPv = lines.map((line, index) => ({ line, index })).filter(({ line }) => line.unit_pv > 0);
  const value = rng.weighted([
    [35, () => {
      if (withPv.length === 0) return PV_THRESHOLD - 1;
      const { index, line } = rng.pick(withPv);
      const before = lines.slice(0, index).reduce((sum, l) => sum + l.quantity * l.unit_pv, 0);
      const unit = rng.between(1, line.quantity);
      // The running total first reaches T at `unit` when it lands anywhere in that unit's PV.
      return PV_THRESHOLD - before - unit * line.unit_pv + rng.between(0, line.unit_pv - 1);
    }],
    [20, () => PV_THRESHOLD - cartPv + rng.pick([-1, 0, 1])],
    [15, () => rng.pick([PV_THRESHOLD, PV_THRESHOLD + 1, rng.between(PV_THRESHOLD, 100000), LIMITS.period_pv_max])],
    [20, () => rng.between(0, PV_THRESHOLD - 1)],
    [10, 0],
  ]);
  return Math.min(LIMITS.period_pv_max, Math.max(0, value));
}

// The member's latest cashback: this period, a past one, or (refused) a future one, in every
// status, worth nothing, a little, or the most a safe integer holds.
function cashback(rng, marketCode, now) {
  const current = periodOf(marketCode, now);
  const period = rng.weighted([
    [45, current],
    [25, () => addMonths(current, -1)],
    [15, () => addMonths(current, -rng.between(2, 30))],
    [4, () => addMonths(current, 1)],
    [1, () => addMonths(current, rng.between(2, 40))],
    // The UTC month of `now`, which differs from the local one for a few hours a month.
    [5, () => ({ year: new Date(now * 1000).getUTCFullYear(), month: new Date(now * 1000).getUTCMonth() + 1 })],
  ]);
  return {
    period: formatPeriod(period),
    status: rng.pick(CASHBACK_STATUSES),
    value_cents: rng.weighted([
      [10, 0], [45, () => rng.between(1, 500000)], [15, () => rng.between(1, 100)],
      [10, SAFE_MAX], [10, () => rng.between(0, SAFE_MAX)], [10, () => rng.between(500000, 100000000)],
    ]),
  };
}

export function cartRequest(rng) {
  const marketCode = market(rng);
  const now = interestingInstant(rng, marketCode);
  // Odd SKUs cluster in a few carts: one non-ASCII SKU sends a whole cart down the JSON path,
  // and most carts should reach the fast path.
  const oddSkuPercent = rng.chance(15) ? 20 : 0;
  const lines = Array.from({ length: cartLineCount(rng) }, (_, i) => cartLine(rng, i, oddSkuPercent));
  const request = { market: marketCode, now: formatInstant(now), period_pv: periodPv(rng, lines) };
  optional(rng, request, 'cashback', rng.chance(60) ? cashback(rng, marketCode, now) : null);
  request.lines = lines;
  request.shipping_cents = rng.weighted([
    [40, 14900], [20, 0], [5, LIMITS.shipping_cents_max], [35, () => rng.between(0, LIMITS.shipping_cents_max)],
  ]);
  return maybeShuffleKeys(rng, request);
}

// ---- loyalty status ----

// An instant in local day `day` of `period`: at its first second, its last, or in between.
function localInstant(rng, marketCode, period, day) {
  const start = localDayStart(marketCode, period, day);
  return rng.weighted([[20, start], [15, start + DAY_S - 1], [65, () => start + rng.between(0, DAY_S - 1)]]);
}

// When an order placed at `placedAt` in `period` is cancelled: never, before or exactly at
// the window's close (day 8 00:00 local), after it, after `now`, at once, or (refused) before
// it was placed. Every other choice is kept at or after placedAt.
function cancelledAt(rng, marketCode, period, placedAt, now, flaws) {
  if (flaws.cancelledBeforePlaced && rng.chance(10)) return placedAt - rng.between(1, DAY_S);
  const close = localDayStart(marketCode, period, 8);
  const cancelled = rng.weighted([
    [70, null],
    [6, () => close - rng.between(1, 3 * DAY_S)],
    [5, close],
    [5, () => close + rng.between(1, 20 * DAY_S)],
    [5, () => now + rng.between(0, 2 * DAY_S)],
    [4, placedAt],
  ]);
  return cancelled === null ? null : Math.max(placedAt, cancelled);
}

// The orders a member placed in one month: in the window (day 1-7), at its edges, after it,
// several at once (earliest wins, ties by request order), or none.
function monthOrders(rng, marketCode, period, now, nextId, flaws) {
  const days = rng.weighted([
    [40, () => [rng.between(1, 7)]],
    [15, () => []],
    [12, () => [rng.between(8, daysInMonth(period))]],
    [10, () => [rng.pick([1, 7, 8])]],
    [13, () => Array.from({ length: rng.between(2, 4) }, () => rng.between(1, 9))],
    [10, () => [rng.between(1, daysInMonth(period))]],
  ]);
  const orders = [];
  let tiedAt = null;
  for (const day of days) {
    const placedAt = tiedAt !== null && rng.chance(30) ? tiedAt : clampInstant(localInstant(rng, marketCode, period, day));
    tiedAt = placedAt;
    const cancelled = cancelledAt(rng, marketCode, period, placedAt, now, flaws);
    const order = { id: identifier(rng, nextId()), placed_at: formatInstant(placedAt) };
    optional(rng, order, 'cancelled_at', cancelled === null ? null : formatInstant(clampInstant(cancelled)));
    orders.push(order);
  }
  return orders;
}

export function loyaltyRequest(rng) {
  const marketCode = market(rng);
  const now = interestingInstant(rng, marketCode);
  const current = periodOf(marketCode, now);
  // Histories start up to five years back, so many cross a year end; the month after `now`
  // holds orders that have not happened yet.
  const monthsBack = rng.weighted([[10, 0], [50, () => rng.between(1, 6)], [30, () => rng.between(7, 24)],
    [10, () => rng.between(25, 60)]]);
  // A few histories carry one refused flaw each: a repeated order id, or a cancellation
  // before its order was placed.
  const flaws = { repeatedIds: rng.chance(3), cancelledBeforePlaced: rng.chance(3) };
  let counter = 1000;
  const nextId = () => (flaws.repeatedIds && rng.chance(10) ? `o-${counter}` : `o-${++counter}`);
  let orders = [];
  for (let back = monthsBack; back >= -1; back--) {
    const period = addMonths(current, -back);
    if (period.year < 2000 || period.year > 2199) continue;
    orders.push(...monthOrders(rng, marketCode, period, now, nextId, flaws));
  }
  if (rng.below(500) === 0) orders = bulkOrders(rng, marketCode, current, now, nextId);
  if (rng.chance(30)) orders = rng.shuffled(orders);
  return maybeShuffleKeys(rng, { market: marketCode, now: formatInstant(now), orders });
}

// Up to the orders limit: the documented bound on the loop over orders.
function bulkOrders(rng, marketCode, current, now, nextId) {
  const count = rng.pick([LIMITS.orders_max, rng.between(500, LIMITS.orders_max)]);
  return Array.from({ length: count }, () => {
    const period = addMonths(current, -rng.between(0, 36));
    return { id: nextId(), placed_at: formatInstant(clampInstant(localInstant(rng, marketCode, period, rng.between(1, 10)))) };
  });
}

// ---- travel points ----

function campaign(rng) {
  const marketCode = market(rng);
  // Far enough from the last supported instant for a year-long campaign to fit.
  const starts = rng.chance(70)
    ? localDayStart(marketCode, { year: rng.between(2024, 2028), month: rng.between(1, 12) }, 1)
    : Math.min(interestingInstant(rng, marketCode), MAX_INSTANT_S - 400 * DAY_S);
  const ends = clampInstant(starts + rng.between(1, 12) * 30 * DAY_S + rng.pick([0, 0, HOUR_S, rng.between(1, DAY_S)]));
  const closed = rng.chance(40);
  const result = {
    id: identifier(rng, `${new Date(starts * 1000).getUTCFullYear()}-S${rng.between(1, 2)}`),
    starts_at: formatInstant(starts),
    ends_at: formatInstant(ends),
    status: closed ? 'CERRADA' : 'ACTIVA',
  };
  const closedAt = closed
    ? rng.weighted([[40, ends], [30, () => ends + nearOffset(rng)], [30, () => rng.between(starts, ends)]])
    : null;
  optional(rng, result, 'closed_at', closedAt === null ? null : formatInstant(clampInstant(closedAt)));
  const windows = rng.chance(80) ? promoWindows(rng, starts, ends) : null;
  if (windows !== null) {
    result.promo_windows = windows.map((w) => ({ starts_at: formatInstant(w.starts), ends_at: formatInstant(w.ends) }));
  }
  return { campaign: result, starts, ends, closedAt, windows: windows ?? [] };
}

// Half-open windows inside the campaign, some touching its start or end, some overlapping.
function promoWindows(rng, starts, ends) {
  const count = rng.weighted([[20, 0], [60, () => rng.between(1, 3)], [18, () => rng.between(4, 10)],
    [2, LIMITS.promo_windows_max]]);
  return Array.from({ length: count }, () => {
    const from = rng.weighted([[20, starts], [80, () => rng.between(starts, ends - 1)]]);
    const to = rng.weighted([[20, ends], [80, () => rng.between(from + 1, Math.min(ends, from + 30 * DAY_S))]]);
    return { starts: from, ends: to };
  });
}

// When an event happened: on the campaign's or a promo window's edges (±1 s), inside, or outside.
function eventInstant(rng, campaignWindow, edges) {
  return clampInstant(rng.weighted([
    [45, () => rng.pick(edges) + rng.pick([-1, 0, 0, 1])],
    [45, () => rng.between(campaignWindow.starts, campaignWindow.ends - 1)],
    [10, () => rng.pick(edges) + rng.between(-60 * DAY_S, 60 * DAY_S)],
  ]));
}

// Ids drawn from a pool smaller than the event count repeat (replays); ranks and directs
// repeat by construction (a rank counts once, a (direct, rank) pair once).
function travelEvent(rng, campaignWindow, edges, idPool, closedAt) {
  const type = rng.weighted([[40, 'KIT_SOLD'], [35, 'RANK_REACHED'], [25, 'DIRECT_RANK_REACHED']]);
  const event = { id: identifier(rng, `ev-${rng.between(1, idPool)}`), type };
  if (type === 'KIT_SOLD') event.kit = rng.pick(KITS);
  if (type === 'DIRECT_RANK_REACHED') event.direct_id = identifier(rng, `M-${rng.between(1001, 1004)}`);
  if (type !== 'KIT_SOLD') event.rank = rng.pick(RANKS);
  const at = eventInstant(rng, campaignWindow, edges);
  event.at = formatInstant(at);
  const received = rng.weighted([
    [50, null], [15, at], [15, () => at + rng.between(1, 3 * DAY_S)],
    [20, () => (closedAt === null ? at + 5 : closedAt + rng.pick([-1, 0, 1]))],
  ]);
  return optional(rng, event, 'received_at', received === null ? null : formatInstant(clampInstant(received)));
}

export function travelRequest(rng) {
  const { campaign: campaignDoc, starts, ends, closedAt, windows } = campaign(rng);
  const count = rng.weighted([[5, 0], [62, () => rng.between(1, 10)], [30, () => rng.between(11, 60)],
    [3, () => rng.between(61, 400)]]);
  const idPool = Math.max(1, Math.ceil(count * rng.pick([0.5, 0.9, 1.5, 4])));
  const edges = [starts, ends];
  for (const w of windows) edges.push(w.starts, w.ends);
  const events = Array.from({ length: count }, () => travelEvent(rng, { starts, ends }, edges, idPool, closedAt));
  return maybeShuffleKeys(rng, { campaign: campaignDoc, events });
}

// ---- CLABE ----

const BANK_CODES = ['002', '012', '014', '021', '030', '036', '044', '058', '072', '127', '137', '646'];
const CLABE_WEIGHTS = [3, 7, 1];

function digits(rng, count) {
  let out = '';
  for (let i = 0; i < count; i++) out += String(rng.below(10));
  return out;
}

function clabeCheckDigit(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (Number(first17[i]) * CLABE_WEIGHTS[i % 3]) % 10;
  return (10 - (sum % 10)) % 10;
}

// Valid numbers, a wrong check digit, wrong lengths, and non-digits (letters, spaces, Arabic
// and full-width digits, multi-byte characters that make 18 characters but more bytes).
export function clabeRequest(rng) {
  const first17 = rng.pick(BANK_CODES) + digits(rng, 14);
  const valid = first17 + clabeCheckDigit(first17);
  const position = rng.below(18);
  const clabe = rng.weighted([
    [50, valid],
    [15, () => first17 + ((clabeCheckDigit(first17) + rng.between(1, 9)) % 10)],
    [10, () => valid.slice(0, rng.pick([0, 1, 16, 17])) + rng.pick(['', '0', '00'])],
    [5, () => `${valid}${digits(rng, rng.between(1, 18))}`],
    [15, () => valid.slice(0, position) + rng.pick(['A', ' ', '-', '٣', '３', 'é', '😀', '\u0000']) + valid.slice(position + 1)],
    [5, () => rng.pick([` ${valid}`, `${valid} `, valid.replace(/(\d{3})(\d{3})/, '$1 $2'), mixedText(rng, 18)])],
  ]);
  return { clabe };
}
