#pragma once
// The cart preview fast path: JavaScript writes a request it has checked to have exactly the
// documented shape into fixed int32/byte buffers, run_fast_preview() fills a CartRequest, runs
// the same validate_cart + preview_cart as the JSON path and writes the results as int32
// words. Anything it cannot compute (a parse failure, a validation error, an overflow) returns
// false and JavaScript takes the JSON path, so every error document comes from engine.cpp.
//
// The word offsets below are mirrored in wasm/js/fast_preview.js; the parity test
// (tests/wasm/api.test.mjs) compares both paths byte for byte.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "nnw/rules/cashback.hpp"
#include "nnw/rules/config.hpp"

namespace nnw::wasm {

// Carts longer than this, or with more text, take the JSON path.
inline constexpr std::size_t kFastLinesMax = 256;
inline constexpr std::size_t kFastTextBytes = 16384;

// Input words. Strings are laid end to end in `text` in this order: now, market,
// cashback.period (when present), then the lines' skus; each length is in its word. A sku
// length of kKeepSku keeps that line's sku from the previous call: JavaScript sends it only
// for a line whose sku it wrote in a call that returned true, and forgets every sku after a
// call that returned false (its lines may have been partly rewritten). A cart previewed again
// (the usual case while a member edits it) then copies no sku text at all.
enum FastInput : std::size_t {
  kInLineCount,
  kInPeriodPv,
  kInShippingCents,
  kInHasCashback,
  kInCashbackStatus,     // index into kFastCashbackStatuses
  kInCashbackValueLow,   // value_cents as two int32 halves: JavaScript has no int64 word
  kInCashbackValueHigh,
  kInNowLength,
  kInMarketLength,
  kInCashbackPeriodLength,
  kInLines,              // then per line: quantity, unit_price_cents, unit_pv, sku length
};
inline constexpr std::size_t kInLineWords = 4;
inline constexpr std::int32_t kKeepSku = -1;
inline constexpr std::size_t kFastInputWords = kInLines + kInLineWords * kFastLinesMax;

// Output words. An int64 takes two words, low half first; JavaScript recombines them as
// high × 2^32 + unsigned low, exact for every value the rules produce (|n| ≤ 2^53). When
// kOutAllInt32 is 1, every int64 of this output is within int32 and JavaScript reads only
// the low words (the usual case: it halves the loads of building the response).
enum FastOutput : std::size_t {
  kOutPeriodYear,
  kOutPeriodMonth,
  kOutCartPv,
  kOutPeriodPvBefore = kOutCartPv + 2,
  kOutPeriodPvAfter = kOutPeriodPvBefore + 2,
  kOutPvThreshold = kOutPeriodPvAfter + 2,
  kOutPvMissing = kOutPvThreshold + 2,
  kOutCashbackIn = kOutPvMissing + 2,  // index into kFastCashbackInputs
  kOutUnlocksCashback,
  kOutHasCrossing,
  kOutCrossingLine,
  kOutCrossingUnit,
  kOutCashbackGenerated,
  kOutCashbackSpend = kOutCashbackGenerated + 2,  // index into kFastCashbackSpends
  kOutCashbackSpendable,
  kOutSubtotal = kOutCashbackSpendable + 2,
  kOutDiscount = kOutSubtotal + 2,
  kOutShipping = kOutDiscount + 2,
  kOutTotal = kOutShipping + 2,
  kOutHasCashbackAfter = kOutTotal + 2,
  kOutCashbackAfterYear,
  kOutCashbackAfterMonth,
  kOutCashbackAfterStatus,  // index into kFastCashbackStatuses
  kOutCashbackAfterValue,
  kOutAllInt32 = kOutCashbackAfterValue + 2,
  kOutLines,  // then per line: the words of FastOutputLine
};
enum FastOutputLine : std::size_t {
  kOutLinePv,
  kOutLineSubtotal = kOutLinePv + 2,
  kOutLineDiscountedUnits = kOutLineSubtotal + 2,
  kOutLineDiscount = kOutLineDiscountedUnits + 2,
  kOutLineClipped = kOutLineDiscount + 2,
  kOutLineTotal,
  kOutLineWords = kOutLineTotal + 2,
};
inline constexpr std::size_t kFastOutputWords = kOutLines + kOutLineWords * kFastLinesMax;

// Moving a word here means moving it in fast_preview.js too; these make the edit fail loudly.
static_assert(kInLines == 10 && kInLineWords == 4, "mirror the input layout in wasm/js/fast_preview.js");
static_assert(kOutCashbackIn == 12 && kOutCashbackSpend == 19 && kOutAllInt32 == 36 && kOutLines == 37 &&
                  kOutLineWords == 11,
              "mirror the output layout in wasm/js/fast_preview.js");

// Enumerations cross as indices into these; JavaScript gets the names from fast_layout_json().
// A value missing here (added to the rules later) makes the fast path decline, not misname it.
inline constexpr std::array kFastCashbackStatuses = {
    rules::CashbackStatus::available, rules::CashbackStatus::used, rules::CashbackStatus::expired};
inline constexpr std::array kFastCashbackInputs = {rules::CashbackInput::none, rules::CashbackInput::available,
                                                   rules::CashbackInput::used, rules::CashbackInput::expired};
inline constexpr std::array kFastCashbackSpends = {
    rules::CashbackSpend::none, rules::CashbackSpend::crossing_order, rules::CashbackSpend::available_cashback};

struct FastPreview {
  std::int32_t input[kFastInputWords] = {};
  char text[kFastTextBytes] = {};
  std::int32_t output[kFastOutputWords] = {};
  rules::CartRequest request;  // reused: its lines keep their skus (kKeepSku) and capacity
  rules::CartPreview preview;  // reused: its lines keep their capacity
  // The last `now` text parsed and its instant: most calls send the same one again.
  std::string now_text;
  rules::UtcSeconds now;
};

// True when `fast.output` holds the preview; false means "take the JSON path".
bool run_fast_preview(const rules::RulesConfig& config, FastPreview& fast);

// {"input":address,"text":address,"text_bytes":n,"output":address,"lines_max":n,
//  "cashback_status":[...],"cashback_input":[...],"cashback_spend":[...]}
std::string fast_layout_json(const FastPreview& fast);

}  // namespace nnw::wasm
