// The cart preview fast path (see wasm/fast_preview.hpp for the C++ half and the word layout,
// mirrored below). JSON.stringify, Boost.JSON's parse, the C++ serializer, JSON.parse and the
// copies between them cost some 40 times the rules themselves (85 µs against 2 µs for a
// 20-line cart on the build VM). Here a request of exactly the documented shape goes into wasm
// memory as int32 words and ASCII bytes, C++ runs the same validate_cart + preview_cart as the
// JSON path, and the response object is built with its keys in the order engine.cpp writes
// them, so that JSON.stringify(fast result) is byte for byte the JSON path's text.
//
// run() returns undefined for anything it does not fully recognise and whenever C++ declines
// (a string that does not parse, a value out of range, an overflow): the caller then takes the
// JSON path, so every error document is written by C++.

const IN_LINE_COUNT = 0;
const IN_PERIOD_PV = 1;
const IN_SHIPPING_CENTS = 2;
const IN_HAS_CASHBACK = 3;
const IN_CASHBACK_STATUS = 4;
const IN_CASHBACK_VALUE = 5; // two words, low half first
const IN_NOW_LENGTH = 7;
const IN_MARKET_LENGTH = 8;
const IN_CASHBACK_PERIOD_LENGTH = 9;
const IN_LINES = 10;
const IN_LINE_WORDS = 4; // quantity, unit_price_cents, unit_pv, sku length
const KEEP_SKU = -1; // as sku length: the line's sku from the previous call

const OUT_PERIOD_YEAR = 0;
const OUT_PERIOD_MONTH = 1;
const OUT_CART_PV = 2;
const OUT_PERIOD_PV_BEFORE = 4;
const OUT_PERIOD_PV_AFTER = 6;
const OUT_PV_THRESHOLD = 8;
const OUT_PV_MISSING = 10;
const OUT_CASHBACK_IN = 12;
const OUT_UNLOCKS_CASHBACK = 13;
const OUT_HAS_CROSSING = 14;
const OUT_CROSSING_LINE = 15;
const OUT_CROSSING_UNIT = 16;
const OUT_CASHBACK_GENERATED = 17;
const OUT_CASHBACK_SPEND = 19;
const OUT_CASHBACK_SPENDABLE = 20;
const OUT_SUBTOTAL = 22;
const OUT_DISCOUNT = 24;
const OUT_SHIPPING = 26;
const OUT_TOTAL = 28;
const OUT_HAS_CASHBACK_AFTER = 30;
const OUT_CASHBACK_AFTER_YEAR = 31;
const OUT_CASHBACK_AFTER_MONTH = 32;
const OUT_CASHBACK_AFTER_STATUS = 33;
const OUT_CASHBACK_AFTER_VALUE = 34;
const OUT_ALL_INT32 = 36;
const OUT_LINES = 37;
const OUT_LINE_PV = 0;
const OUT_LINE_SUBTOTAL = 2;
const OUT_LINE_DISCOUNTED_UNITS = 4;
const OUT_LINE_DISCOUNT = 6;
const OUT_LINE_CLIPPED = 8;
const OUT_LINE_TOTAL = 9;
const OUT_LINE_WORDS = 11;

const TWO_TO_32 = 4294967296;

// An int64 written by C++ as two int32 words. Every value the rules produce is within ±2^53,
// where this integer arithmetic is exact. Values that fit an int32 are returned as the word
// itself, which V8 keeps as a small integer instead of allocating a heap number.
function int64(words, at) {
  const low = words[at];
  const high = words[at + 1];
  return high === 0 && low >= 0 ? low : high * TWO_TO_32 + (low >>> 0);
}

// Four-digit years (2000-2199) and zero-padded months, as calendar.cpp's format_period.
function formatPeriod(year, month) {
  return month < 10 ? `${year}-0${month}` : `${year}-${month}`;
}

// JSON.stringify serialises own enumerable properties and calls toJSON (own or inherited),
// while property reads and for-in also see inherited properties. The fast path takes an object
// only when both views coincide: its constructor is Object (read through the prototype: class
// instances and null-prototype objects fail), it has no toJSON, for-in finds only known keys,
// and nothing enumerable was added to Object.prototype. Object.getPrototypeOf would cost ~10x
// more per line here.
function isPlainObject(value) {
  return typeof value === 'object' && value !== null && value.constructor === Object && value.toJSON === undefined;
}

function isPlainArray(value) {
  return Array.isArray(value) && value.constructor === Array && value.toJSON === undefined;
}

function objectPrototypeIsClean() {
  return Object.keys(Object.prototype).length === 0;
}

// Printable ASCII only: C++ then sees the same bytes as JSON text would give it, and both
// sides escape exactly '"' and '\' in it. Returns the next free byte, or -1.
function writeAscii(bytes, at, end, text) {
  const length = text.length;
  if (length > end - at) return -1;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return -1;
    bytes[at + i] = code;
  }
  return at + length;
}

// for-in lists own and inherited enumerable keys: none but the given names may appear.
function hasOnlyKeys(object, a, b, c, d, e, f) {
  for (const key in object) {
    if (key !== a && key !== b && key !== c && key !== d && key !== e && key !== f) return false;
  }
  return true;
}

// An int32 integer (which -0 and nothing else non-numeric passes; -0 is written as 0).
function isInt32(value) {
  return (value | 0) === value;
}

export class FastPreview {
  #module;
  #handle;
  #inputWord;
  #textByte;
  #textEnd;
  #outputWord;
  #linesMax;
  #statusIndex;
  #statusNames;
  #inputNames;
  #spendNames;
  #rulesVersion = '';
  #currencies = new Map();
  // The last market looked up in #currencies and its currency (most calls repeat it).
  #currencyMarket = undefined;
  #currency = undefined;
  // The last period string made, reused while the month stays the same (most calls).
  #periodYear = 0;
  #periodMonth = 0;
  #periodText = '';
  // The `now` and `market` strings whose bytes (and length words) open the text buffer, and
  // the byte after them: a request with the same two strings leaves them in place. Only
  // JavaScript writes the input buffers, and every other string is written after these two.
  #textNow = undefined;
  #textMarket = undefined;
  #textAfterMarket = 0;
  // By line: the sku C++ holds for it (as of the last call it answered). A line whose sku
  // differs is written and recorded before the call; any call that is not answered (declined
  // here or by C++) empties it, since C++ then holds some mix of old and new skus.
  #heldSkus = [];

  // `engine` is the embind RulesEngine whose buffers this instance writes.
  constructor(module, engine) {
    const layout = JSON.parse(engine.fastPreviewLayout());
    this.#module = module;
    this.#handle = engine.fastPreviewHandle();
    this.#inputWord = layout.input >>> 2;
    this.#textByte = layout.text;
    this.#textEnd = layout.text + layout.text_bytes;
    this.#outputWord = layout.output >>> 2;
    this.#linesMax = layout.lines_max;
    this.#statusNames = layout.cashback_status;
    this.#statusIndex = new Map(layout.cashback_status.map((name, index) => [name, index]));
    this.#inputNames = layout.cashback_input;
    this.#spendNames = layout.cashback_spend;
  }

  // The configuration the responses are computed with: its version and each market's currency.
  configure(rulesVersion, config) {
    this.#rulesVersion = rulesVersion;
    this.#currencies = new Map(config.markets.map((market) => [market.code, market.currency]));
    this.#currencyMarket = undefined;
    this.#currency = undefined;
  }

  // The preview response object, or undefined: take the JSON path.
  run(request) {
    const module = this.#module;
    const lineCount = this.#written(request, module.HEAP32, module.HEAPU8);
    if (lineCount < 0 || module._nnw_fast_preview(this.#handle) !== 1) {
      // Declined here (some skus may already be recorded as sent) or by C++ (which may have
      // rewritten some of its lines before declining): every sku is sent again next time.
      this.#heldSkus.length = 0;
      return undefined;
    }
    // A preview may grow the wasm memory, which replaces the views.
    return this.#read(lineCount, module.HEAP32);
  }

  // A getter that throws is left to the JSON path too, where JSON.stringify meets it and the
  // caller gets C++'s invalid_json document instead of an exception.
  #written(request, words, bytes) {
    try {
      return this.#write(request, words, bytes);
    } catch {
      return -1;
    }
  }

  // The number of lines written, or -1: take the JSON path.
  #write(request, words, bytes) {
    if (!isPlainObject(request) || !objectPrototypeIsClean()) return -1;
    if (!hasOnlyKeys(request, 'market', 'now', 'period_pv', 'cashback', 'lines', 'shipping_cents')) return -1;
    const { market, now, period_pv, cashback, lines, shipping_cents } = request;
    if (typeof market !== 'string' || typeof now !== 'string' || !isPlainArray(lines)) return -1;
    const lineCount = lines.length;
    if (!isInt32(period_pv) || !isInt32(shipping_cents) || lineCount > this.#linesMax) return -1;
    const input = this.#inputWord;
    const end = this.#textEnd;
    let text;
    if (now === this.#textNow && market === this.#textMarket) {
      text = this.#textAfterMarket;
    } else {
      this.#textNow = undefined; // until both are wholly written
      text = writeAscii(bytes, this.#textByte, end, now);
      if (text < 0) return -1;
      text = writeAscii(bytes, text, end, market);
      if (text < 0) return -1;
      words[input + IN_NOW_LENGTH] = now.length;
      words[input + IN_MARKET_LENGTH] = market.length;
      this.#textNow = now;
      this.#textMarket = market;
      this.#textAfterMarket = text;
    }
    words[input + IN_PERIOD_PV] = period_pv;
    words[input + IN_SHIPPING_CENTS] = shipping_cents;
    if (cashback === null || cashback === undefined) {
      words[input + IN_HAS_CASHBACK] = 0;
    } else {
      text = this.#writeCashback(cashback, words, bytes, text);
      if (text < 0) return -1;
    }
    words[input + IN_LINE_COUNT] = lineCount;
    const held = this.#heldSkus;
    if (held.length > lineCount) held.length = lineCount; // C++ drops the lines past the count
    for (let i = 0; i < lineCount; i++) {
      const line = lines[i];
      // isPlainObject and hasOnlyKeys written out: their own property-load feedback sees only
      // line objects here.
      if (typeof line !== 'object' || line === null || line.constructor !== Object || line.toJSON !== undefined) {
        return -1;
      }
      for (const key in line) {
        if (key !== 'sku' && key !== 'quantity' && key !== 'unit_price_cents' && key !== 'unit_pv') return -1;
      }
      const { sku, quantity, unit_price_cents, unit_pv } = line;
      if (typeof sku !== 'string' || !isInt32(quantity) || !isInt32(unit_price_cents) || !isInt32(unit_pv)) {
        return -1;
      }
      const at = input + IN_LINES + IN_LINE_WORDS * i;
      words[at] = quantity;
      words[at + 1] = unit_price_cents;
      words[at + 2] = unit_pv;
      if (sku === held[i]) {
        words[at + 3] = KEEP_SKU;
      } else {
        text = writeAscii(bytes, text, end, sku);
        if (text < 0) return -1;
        words[at + 3] = sku.length;
        held[i] = sku;
      }
    }
    return lineCount;
  }

  #writeCashback(cashback, words, bytes, text) {
    if (!isPlainObject(cashback) || !hasOnlyKeys(cashback, 'period', 'status', 'value_cents')) return -1;
    const { period, status, value_cents } = cashback;
    const statusIndex = this.#statusIndex.get(status);
    if (typeof period !== 'string' || statusIndex === undefined || !Number.isSafeInteger(value_cents)) return -1;
    const next = writeAscii(bytes, text, this.#textEnd, period);
    if (next < 0) return -1;
    const input = this.#inputWord;
    const low = value_cents >>> 0; // value mod 2^32, exact for a safe integer
    words[input + IN_HAS_CASHBACK] = 1;
    words[input + IN_CASHBACK_STATUS] = statusIndex;
    words[input + IN_CASHBACK_VALUE] = low;
    words[input + IN_CASHBACK_VALUE + 1] = (value_cents - low) / TWO_TO_32;
    words[input + IN_CASHBACK_PERIOD_LENGTH] = period.length;
    return next;
  }

  #period(year, month) {
    if (year !== this.#periodYear || month !== this.#periodMonth) {
      this.#periodYear = year;
      this.#periodMonth = month;
      this.#periodText = formatPeriod(year, month);
    }
    return this.#periodText;
  }

  #currencyOf(market) {
    if (market !== this.#currencyMarket) {
      this.#currency = this.#currencies.get(market);
      this.#currencyMarket = market;
    }
    return this.#currency;
  }

  // Keys in the order engine.cpp's write_cart emits them, in one of two builds: with every
  // int64 read as its low word (the usual case) or in full. The market and skus are the strings
  // #write read and sent (the skus held now that C++ answered), the other inputs its words.
  #read(lineCount, words) {
    return words[this.#outputWord + OUT_ALL_INT32] === 1
      ? this.#readInt32(lineCount, words)
      : this.#readInt64(lineCount, words);
  }

  // The response when every int64 of it is within int32 (OUT_ALL_INT32): the low words alone,
  // which V8 then also knows to be int32s when it stores them.
  #readInt32(lineCount, words) {
    const out = this.#outputWord;
    const lines = this.#linesInt32(lineCount, words);
    const market = this.#textMarket; // the string #write read and sent
    return {
      rules_version: this.#rulesVersion,
      market,
      currency: this.#currencyOf(market),
      period: this.#period(words[out + OUT_PERIOD_YEAR], words[out + OUT_PERIOD_MONTH]),
      cart_pv: words[out + OUT_CART_PV],
      period_pv_before: words[out + OUT_PERIOD_PV_BEFORE],
      period_pv_after: words[out + OUT_PERIOD_PV_AFTER],
      pv_threshold: words[out + OUT_PV_THRESHOLD],
      pv_missing: words[out + OUT_PV_MISSING],
      cashback_in: this.#inputNames[words[out + OUT_CASHBACK_IN]],
      unlocks_cashback: words[out + OUT_UNLOCKS_CASHBACK] === 1,
      crossing: words[out + OUT_HAS_CROSSING] === 1
        ? { line: words[out + OUT_CROSSING_LINE], unit: words[out + OUT_CROSSING_UNIT] }
        : null,
      cashback_generated_cents: words[out + OUT_CASHBACK_GENERATED],
      cashback_spend: this.#spendNames[words[out + OUT_CASHBACK_SPEND]],
      cashback_spendable_cents: words[out + OUT_CASHBACK_SPENDABLE],
      lines,
      subtotal_cents: words[out + OUT_SUBTOTAL],
      discount_cents: words[out + OUT_DISCOUNT],
      shipping_cents: words[out + OUT_SHIPPING],
      total_cents: words[out + OUT_TOTAL],
      cashback_after: words[out + OUT_HAS_CASHBACK_AFTER] === 1
        ? {
            period: this.#period(words[out + OUT_CASHBACK_AFTER_YEAR], words[out + OUT_CASHBACK_AFTER_MONTH]),
            status: this.#statusNames[words[out + OUT_CASHBACK_AFTER_STATUS]],
            value_cents: words[out + OUT_CASHBACK_AFTER_VALUE],
          }
        : null,
    };
  }

  // The response with every amount read as an int64 (some need their high word).
  #readInt64(lineCount, words) {
    const out = this.#outputWord;
    const lines = this.#linesInt64(lineCount, words);
    const market = this.#textMarket; // the string #write read and sent
    return {
      rules_version: this.#rulesVersion,
      market,
      currency: this.#currencyOf(market),
      period: this.#period(words[out + OUT_PERIOD_YEAR], words[out + OUT_PERIOD_MONTH]),
      cart_pv: int64(words, out + OUT_CART_PV),
      period_pv_before: int64(words, out + OUT_PERIOD_PV_BEFORE),
      period_pv_after: int64(words, out + OUT_PERIOD_PV_AFTER),
      pv_threshold: int64(words, out + OUT_PV_THRESHOLD),
      pv_missing: int64(words, out + OUT_PV_MISSING),
      cashback_in: this.#inputNames[words[out + OUT_CASHBACK_IN]],
      unlocks_cashback: words[out + OUT_UNLOCKS_CASHBACK] === 1,
      crossing: words[out + OUT_HAS_CROSSING] === 1
        ? { line: words[out + OUT_CROSSING_LINE], unit: words[out + OUT_CROSSING_UNIT] }
        : null,
      cashback_generated_cents: int64(words, out + OUT_CASHBACK_GENERATED),
      cashback_spend: this.#spendNames[words[out + OUT_CASHBACK_SPEND]],
      cashback_spendable_cents: int64(words, out + OUT_CASHBACK_SPENDABLE),
      lines,
      subtotal_cents: int64(words, out + OUT_SUBTOTAL),
      discount_cents: int64(words, out + OUT_DISCOUNT),
      shipping_cents: int64(words, out + OUT_SHIPPING),
      total_cents: int64(words, out + OUT_TOTAL),
      cashback_after: words[out + OUT_HAS_CASHBACK_AFTER] === 1
        ? {
            period: this.#period(words[out + OUT_CASHBACK_AFTER_YEAR], words[out + OUT_CASHBACK_AFTER_MONTH]),
            status: this.#statusNames[words[out + OUT_CASHBACK_AFTER_STATUS]],
            value_cents: int64(words, out + OUT_CASHBACK_AFTER_VALUE),
          }
        : null,
    };
  }

  // The lines of #readInt32 and #readInt64. Two copies on purpose: each call site stays
  // monomorphic, so V8 keeps the int32 copy's fields as small integers. Measured A/B: one
  // shared builder with a branch per value was about 1% faster than the int64-only builder;
  // this split, with the parsed-now reuse, 5-7%.
  #linesInt32(lineCount, words) {
    const skus = this.#heldSkus;
    const lines = [];
    let at = this.#outputWord + OUT_LINES;
    let echoed = this.#inputWord + IN_LINES;
    for (let i = 0; i < lineCount; i++, at += OUT_LINE_WORDS, echoed += IN_LINE_WORDS) {
      lines.push({
        sku: skus[i],
        quantity: words[echoed],
        unit_price_cents: words[echoed + 1],
        unit_pv: words[echoed + 2],
        line_pv: words[at + OUT_LINE_PV],
        subtotal_cents: words[at + OUT_LINE_SUBTOTAL],
        discounted_units: words[at + OUT_LINE_DISCOUNTED_UNITS],
        discount_cents: words[at + OUT_LINE_DISCOUNT],
        clipped: words[at + OUT_LINE_CLIPPED] === 1,
        total_cents: words[at + OUT_LINE_TOTAL],
      });
    }
    return lines;
  }

  #linesInt64(lineCount, words) {
    const skus = this.#heldSkus;
    const lines = [];
    let at = this.#outputWord + OUT_LINES;
    let echoed = this.#inputWord + IN_LINES;
    for (let i = 0; i < lineCount; i++, at += OUT_LINE_WORDS, echoed += IN_LINE_WORDS) {
      lines.push({
        sku: skus[i],
        quantity: words[echoed],
        unit_price_cents: words[echoed + 1],
        unit_pv: words[echoed + 2],
        line_pv: int64(words, at + OUT_LINE_PV),
        subtotal_cents: int64(words, at + OUT_LINE_SUBTOTAL),
        discounted_units: int64(words, at + OUT_LINE_DISCOUNTED_UNITS),
        discount_cents: int64(words, at + OUT_LINE_DISCOUNT),
        clipped: words[at + OUT_LINE_CLIPPED] === 1,
        total_cents: int64(words, at + OUT_LINE_TOTAL),
      });
    }
    return lines;
  }
}
