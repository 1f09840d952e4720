// The cart and the rules request built from it exactly as the server builds it for
// POST /v1/checkout/preview (server/src/shop/checkout.cpp): the member's market, period PV
// and latest cashback as booked, and the shipping rate — the "context", taken from the
// server's own rules_request for an empty cart — plus now and the catalog's prices and PV
// for each line, in cart order.

/** Quantities by SKU, in the order products were added. */
export class Cart {
  constructor(lines = []) {
    this.quantities = new Map(lines.map((l) => [l.sku, l.quantity]));
  }

  set(sku, quantity) {
    if (quantity > 0) this.quantities.set(sku, quantity);
    else this.quantities.delete(sku);
  }

  add(sku, units = 1) {
    this.set(sku, (this.quantities.get(sku) ?? 0) + units);
  }

  get(sku) {
    return this.quantities.get(sku) ?? 0;
  }

  get size() {
    return this.quantities.size;
  }

  /** The lines the server takes: [{sku, quantity}]. */
  lines() {
    return [...this.quantities].map(([sku, quantity]) => ({ sku, quantity }));
  }
}

/** The instant as the server writes it: whole seconds, UTC, with Z. */
export function utcNow(date = new Date()) {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * The rules module's cart preview request. context: {market, period_pv, cashback,
 * shipping_cents}; products: Map sku → catalog product ({unit_price_cents, pv}).
 */
export function previewRequest(context, products, cart, now = utcNow()) {
  const lines = [];
  for (const [sku, quantity] of cart.quantities) {
    const product = products.get(sku);
    if (!product) continue;
    lines.push({ sku, quantity, unit_price_cents: product.unit_price_cents, unit_pv: product.pv });
  }
  return {
    market: context.market,
    now,
    period_pv: context.period_pv,
    cashback: context.cashback ?? null,
    lines,
    shipping_cents: context.shipping_cents,
  };
}

/** The member's context out of a server rules_request. */
export function contextOf(rulesRequest) {
  const { market, period_pv, cashback, shipping_cents } = rulesRequest;
  return { market, period_pv, cashback: cashback ?? null, shipping_cents };
}
