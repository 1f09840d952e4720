// Which outcomes the matched responses reached, counted by request: evidence that the
// generator hit the rules' edges rather than a well-trodden middle. Read off the response
// text with patterns, which is cheap next to parsing every document.
const OUTCOMES = {
  preview_cart: [
    ['crossing', /"crossing":\{/],
    ['period_pv_after exactly 2930', /"period_pv_after":2930,/],
    ['pv_missing 1', /"pv_missing":1,/],
    ['cashback_in AVAILABLE', /"cashback_in":"AVAILABLE"/],
    ['cashback_in USED', /"cashback_in":"USED"/],
    ['cashback_in EXPIRED', /"cashback_in":"EXPIRED"/],
    ['spend CROSSING_ORDER', /"cashback_spend":"CROSSING_ORDER"/],
    ['spend AVAILABLE_CASHBACK', /"cashback_spend":"AVAILABLE_CASHBACK"/],
    ['generated, spent next order', /"cashback_after":\{[^}]*"status":"AVAILABLE"/],
    ['clipped line', /"clipped":true/],
  ],
  loyalty_status: [
    ['ACTIVO', /"status":"ACTIVO"/],
    ['REINICIADO', /"status":"REINICIADO"/],
    ['SIN_PUNTOS', /"status":"SIN_PUNTOS"/],
    ['window open', /"open":true/],
    ['REWARD', /"type":"REWARD"/],
    ['RESET', /"type":"RESET"/],
  ],
  travel_points: [
    ['qualified', /"qualified":true/],
    ['PROMO', /"column":"PROMO"/],
    ['DUPLICATE_EVENT', /"reason":"DUPLICATE_EVENT"/],
    ['OUTSIDE_CAMPAIGN', /"reason":"OUTSIDE_CAMPAIGN"/],
    ['CAMPAIGN_CLOSED', /"reason":"CAMPAIGN_CLOSED"/],
    ['RANK_ALREADY_COUNTED', /"reason":"RANK_ALREADY_COUNTED"/],
    ['DIRECT_RANK_ALREADY_COUNTED', /"reason":"DIRECT_RANK_ALREADY_COUNTED"/],
  ],
  check_clabe: [
    ['valid', /"valid":true/],
    ['WRONG_LENGTH', /"problem":"WRONG_LENGTH"/],
    ['NOT_DIGITS', /"problem":"NOT_DIGITS"/],
    ['BAD_CHECK_DIGIT', /"problem":"BAD_CHECK_DIGIT"/],
  ],
};

export class Coverage {
  #counts = Object.fromEntries(Object.entries(OUTCOMES).map(([operation, outcomes]) => [operation, outcomes.map(() => 0)]));

  // `response` is a matched result document (not an error) of `operation`.
  add(operation, response) {
    const counts = this.#counts[operation];
    OUTCOMES[operation].forEach(([, pattern], i) => {
      if (pattern.test(response)) counts[i]++;
    });
  }

  lines() {
    return Object.entries(OUTCOMES).map(([operation, outcomes]) =>
      `${operation}: ${outcomes.map(([label], i) => `${label} ${this.#counts[operation][i]}`).join(', ')}`);
  }
}
