// A seeded pseudo-random generator for the parity run: mulberry32, whose state is one 32-bit
// integer and whose steps are integer operations only (Math.imul, shifts, xor), so a seed names
// the same sequence of requests on every machine and Node version. Math.random is never used.

const TWO_TO_32 = 4294967296;

export class Prng {
  #state;

  constructor(seed) {
    this.#state = seed >>> 0;
  }

  // The next 32-bit unsigned integer.
  next32() {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  // An integer in [0, n) for 1 ≤ n ≤ 2^32, unbiased (draws past the last whole multiple of n
  // are rejected).
  below(n) {
    const limit = TWO_TO_32 - (TWO_TO_32 % n);
    let draw = this.next32();
    while (draw >= limit) draw = this.next32();
    return draw % n;
  }

  // An integer in [min, max], both safe integers. Spans over 2^32 combine two draws into 53
  // bits; the modulo bias there (< 2^-20) does not matter for picking test values.
  between(min, max) {
    const span = max - min + 1;
    if (!(span >= 1)) throw new RangeError(`empty range [${min}, ${max}]`);
    if (span <= TWO_TO_32) return min + this.below(span);
    const bits53 = this.below(2 ** 21) * TWO_TO_32 + this.next32();
    return min + (bits53 % span);
  }

  // True in `percent` cases out of 100.
  chance(percent) {
    return this.below(100) < percent;
  }

  pick(items) {
    return items[this.below(items.length)];
  }

  // One of `choices` = [[weight, value], ...] with probability weight / Σ weights; a function
  // value is called, so a branch's draws happen only when it is taken.
  weighted(choices) {
    let total = 0;
    for (const [weight] of choices) total += weight;
    let draw = this.below(total);
    for (const [weight, value] of choices) {
      if (draw < weight) return typeof value === 'function' ? value() : value;
      draw -= weight;
    }
    throw new Error('unreachable: weights changed during the draw');
  }

  // The items in a random order (Fisher-Yates on a copy).
  shuffled(items) {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}
