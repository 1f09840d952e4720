// The cart: quantities by SKU in the order products were added (the rules request's line
// order), and the instant as the server writes it.

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

  /** The lines the server takes: [{sku, quantity}]. */
  lines() {
    return [...this.quantities].map(([sku, quantity]) => ({ sku, quantity }));
  }
}

/** The instant as the server writes it: whole seconds, UTC, with Z. */
export function utcNow(date = new Date()) {
  return `${date.toISOString().slice(0, 19)}Z`;
}
