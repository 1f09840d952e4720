// The cart preview's crossing-order rule written for json-rules-engine, the reference the
// WebAssembly API is timed against. It computes what a rule engine would have to compute to
// show the same cart: cart PV, PV after the order, whether the cart crosses the 2,930 PV
// threshold, the crossing unit, the cashback generated (70% of the units up to it, rounded
// once per line), the discount on the bonus units after it (70% per line, capped by that
// cashback) and the line and cart totals. Facts do the arithmetic, the rule decides whether
// the discount applies. It leaves out what the C++ rules also do (input validation, the market
// calendar, an incoming cashback's state, the response document), so the comparison favours
// json-rules-engine.
import { Engine } from 'json-rules-engine';

const PV_THRESHOLD = 2930;
const DISCOUNT_BP = 7000;
const BASIS_POINTS_WHOLE = 10000;

// round(amount × 70%), half away from zero; exact, as amount × 7000 stays below 2^53 here.
function discountOf(amountCents) {
  return Math.floor((amountCents * DISCOUNT_BP + BASIS_POINTS_WHOLE / 2) / BASIS_POINTS_WHOLE);
}

async function cartPv(params, almanac) {
  const lines = await almanac.factValue('lines');
  let pv = 0;
  for (const line of lines) pv += line.quantity * line.unit_pv;
  return pv;
}

async function periodPvAfter(params, almanac) {
  return (await almanac.factValue('period_pv')) + (await almanac.factValue('cart_pv'));
}

// The unit at which the running PV first reaches the threshold, and the units after it.
async function crossing(params, almanac) {
  const lines = await almanac.factValue('lines');
  let runningPv = await almanac.factValue('period_pv');
  for (let i = 0; i < lines.length; i++) {
    const { quantity, unit_pv: unitPv } = lines[i];
    if (unitPv > 0 && runningPv < PV_THRESHOLD && runningPv + quantity * unitPv >= PV_THRESHOLD) {
      const unit = Math.ceil((PV_THRESHOLD - runningPv) / unitPv);
      let bonusUnits = quantity - unit;
      for (let j = i + 1; j < lines.length; j++) bonusUnits += lines[j].quantity;
      return { line: i, unit, bonus_units: bonusUnits };
    }
    runningPv += quantity * unitPv;
  }
  return { line: null, unit: null, bonus_units: 0 };
}

// 70% of the public price of the units up to and including the crossing unit.
async function cashbackGenerated(params, almanac) {
  const lines = await almanac.factValue('lines');
  const { line: crossingLine, unit } = await almanac.factValue('crossing');
  let generatedCents = 0;
  for (let i = 0; crossingLine !== null && i <= crossingLine; i++) {
    generatedCents += discountOf(lines[i].unit_price_cents * (i === crossingLine ? unit : lines[i].quantity));
  }
  return generatedCents;
}

// The generated cashback spent on the bonus units, line by line, until it runs out.
async function bonusDiscount(params, almanac) {
  const lines = await almanac.factValue('lines');
  const { line: crossingLine, unit } = await almanac.factValue('crossing');
  let remainingCents = await almanac.factValue('cashback_generated');
  return lines.map((line, i) => {
    const eligibleUnits = i < crossingLine ? 0 : i === crossingLine ? line.quantity - unit : line.quantity;
    if (eligibleUnits === 0 || remainingCents === 0) return { discounted_units: 0, discount_cents: 0, clipped: false };
    const rawCents = discountOf(line.unit_price_cents * eligibleUnits);
    const discountCents = Math.min(rawCents, remainingCents);
    remainingCents -= discountCents;
    return { discounted_units: eligibleUnits, discount_cents: discountCents, clipped: discountCents < rawCents };
  });
}

export function createReferenceEngine() {
  const engine = new Engine();
  engine.addFact('pv_threshold', PV_THRESHOLD);
  engine.addFact('cart_pv', cartPv);
  engine.addFact('period_pv_after', periodPvAfter);
  engine.addFact('crossing', crossing);
  engine.addFact('cashback_generated', cashbackGenerated);
  engine.addFact('bonus_discount', bonusDiscount);
  engine.addRule({
    name: 'crossing order spends its cashback on bonus units',
    conditions: {
      all: [
        { fact: 'period_pv', operator: 'lessThan', value: { fact: 'pv_threshold' } },
        { fact: 'period_pv_after', operator: 'greaterThanInclusive', value: { fact: 'pv_threshold' } },
        { fact: 'crossing', path: '$.bonus_units', operator: 'greaterThan', value: 0 },
      ],
    },
    event: { type: 'crossing_order_discount' },
  });
  return engine;
}

// The preview's numbers for `cart` (a cart preview request without a cashback).
export async function referencePreview(engine, cart) {
  const { events, almanac } = await engine.run({ lines: cart.lines, period_pv: cart.period_pv });
  const discounts = events.length > 0 ? await almanac.factValue('bonus_discount') : null;
  const found = await almanac.factValue('crossing');
  const periodPvAfterValue = await almanac.factValue('period_pv_after');
  let subtotalCents = 0;
  let discountCents = 0;
  const lines = cart.lines.map((line, i) => {
    const lineDiscount = discounts?.[i] ?? { discounted_units: 0, discount_cents: 0, clipped: false };
    const lineSubtotal = line.quantity * line.unit_price_cents;
    subtotalCents += lineSubtotal;
    discountCents += lineDiscount.discount_cents;
    return { line_pv: line.quantity * line.unit_pv, subtotal_cents: lineSubtotal, ...lineDiscount,
      total_cents: lineSubtotal - lineDiscount.discount_cents };
  });
  return {
    cart_pv: await almanac.factValue('cart_pv'),
    period_pv_after: periodPvAfterValue,
    pv_missing: Math.max(0, PV_THRESHOLD - periodPvAfterValue),
    crossing: found.line === null ? null : { line: found.line, unit: found.unit },
    cashback_generated_cents: await almanac.factValue('cashback_generated'),
    lines,
    subtotal_cents: subtotalCents,
    discount_cents: discountCents,
    total_cents: subtotalCents - discountCents + cart.shipping_cents,
  };
}
