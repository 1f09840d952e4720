#include "fast_preview.hpp"

#include <optional>
#include <string_view>

#include "nnw/rules/calendar.hpp"

namespace nnw::wasm {

namespace {

using rules::CartPreview;
using rules::CartRequest;

// Strings laid end to end in FastPreview::text; a length running past the end is refused.
class TextCursor {
 public:
  explicit TextCursor(const FastPreview& fast) : next_(fast.text), end_(fast.text + kFastTextBytes) {}

  std::optional<std::string_view> take(std::int32_t length) {
    if (length < 0 || length > end_ - next_) return std::nullopt;
    const std::string_view text(next_, static_cast<std::size_t>(length));
    next_ += length;
    return text;
  }

 private:
  const char* next_;
  const char* end_;
};

std::int64_t read_int64(const std::int32_t* words) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(static_cast<std::uint32_t>(words[1])) << 32 |
                                   static_cast<std::uint32_t>(words[0]));
}

// Clears `all_int32` when the value needs its high word (see kOutAllInt32).
void write_int64(std::int32_t* words, std::int64_t value, bool& all_int32) {
  const auto bits = static_cast<std::uint64_t>(value);
  words[0] = static_cast<std::int32_t>(static_cast<std::uint32_t>(bits));
  words[1] = static_cast<std::int32_t>(static_cast<std::uint32_t>(bits >> 32));
  all_int32 &= value == static_cast<std::int32_t>(value);
}

// parse_utc, remembering the last text it accepted.
std::optional<rules::UtcSeconds> parse_now(FastPreview& fast, std::string_view text) {
  if (!fast.now_text.empty() && text == fast.now_text) return fast.now;
  const auto now = rules::parse_utc(text);
  if (now) {
    fast.now_text.assign(text);
    fast.now = *now;
  }
  return now;
}

// The index of `value` in a table of fast_preview.hpp, or -1.
template <class Enum, std::size_t N>
std::int32_t index_of(const std::array<Enum, N>& values, Enum value) {
  for (std::size_t i = 0; i < N; ++i) {
    if (values[i] == value) return static_cast<std::int32_t>(i);
  }
  return -1;
}

bool read_cashback(const std::int32_t* in, TextCursor& text, CartRequest& request) {
  if (in[kInHasCashback] == 0) {
    request.cashback.reset();
    return true;
  }
  const auto period_text = text.take(in[kInCashbackPeriodLength]);
  const auto period = period_text ? rules::parse_period(*period_text) : std::nullopt;
  const std::int32_t status = in[kInCashbackStatus];
  if (!period || status < 0 || static_cast<std::size_t>(status) >= kFastCashbackStatuses.size()) return false;
  request.cashback = rules::CashbackState{*period, kFastCashbackStatuses[static_cast<std::size_t>(status)],
                                          read_int64(in + kInCashbackValueLow)};
  return true;
}

// Fills fast.request from the input words; false when a string does not parse or a count is
// outside the buffers (the JSON path then reports the error).
bool read_request(const rules::RulesConfig& config, FastPreview& fast) {
  const std::int32_t* in = fast.input;
  CartRequest& request = fast.request;
  const std::int32_t line_count = in[kInLineCount];
  if (line_count < 0 || static_cast<std::size_t>(line_count) > kFastLinesMax) return false;
  TextCursor text(fast);
  const auto now_text = text.take(in[kInNowLength]);
  const auto market_text = text.take(in[kInMarketLength]);
  const auto now = now_text ? parse_now(fast, *now_text) : std::nullopt;
  if (!now || !market_text) return false;
  request.market = config.find_market(*market_text);
  if (request.market == nullptr) return false;
  request.now = *now;
  request.period_pv = in[kInPeriodPv];
  request.shipping_cents = in[kInShippingCents];
  if (!read_cashback(in, text, request)) return false;
  request.lines.resize(static_cast<std::size_t>(line_count));
  for (std::size_t i = 0; i < request.lines.size(); ++i) {
    const std::int32_t* words = in + kInLines + kInLineWords * i;
    rules::CartLine& line = request.lines[i];
    line.quantity = words[0];
    line.unit_price_cents = words[1];
    line.unit_pv = words[2];
    if (words[3] == kKeepSku) continue;
    const auto sku = text.take(words[3]);
    if (!sku) return false;
    line.sku.assign(*sku);
  }
  return true;
}

void write_lines(const CartPreview& preview, std::int32_t* out, bool& all_int32) {
  for (std::size_t i = 0; i < preview.lines.size(); ++i) {
    const rules::LinePreview& line = preview.lines[i];
    std::int32_t* words = out + kOutLines + kOutLineWords * i;
    write_int64(words + kOutLinePv, line.line_pv, all_int32);
    write_int64(words + kOutLineSubtotal, line.subtotal_cents, all_int32);
    write_int64(words + kOutLineDiscountedUnits, line.discounted_units, all_int32);
    write_int64(words + kOutLineDiscount, line.discount_cents, all_int32);
    words[kOutLineClipped] = line.clipped ? 1 : 0;
    write_int64(words + kOutLineTotal, line.total_cents, all_int32);
  }
}

// False for an enumerator missing from fast_preview.hpp's tables (one added to the rules
// later): the JSON path then writes its name.
bool write_preview(const CartPreview& preview, std::int32_t* out) {
  const auto& after = preview.cashback_after;
  const std::int32_t cashback_in = index_of(kFastCashbackInputs, preview.cashback_in);
  const std::int32_t cashback_spend = index_of(kFastCashbackSpends, preview.cashback_spend);
  const std::int32_t after_status = after ? index_of(kFastCashbackStatuses, after->status) : 0;
  if (cashback_in < 0 || cashback_spend < 0 || after_status < 0) return false;
  bool all_int32 = true;
  out[kOutPeriodYear] = preview.period.year;
  out[kOutPeriodMonth] = preview.period.month;
  write_int64(out + kOutCartPv, preview.cart_pv, all_int32);
  write_int64(out + kOutPeriodPvBefore, preview.period_pv_before, all_int32);
  write_int64(out + kOutPeriodPvAfter, preview.period_pv_after, all_int32);
  write_int64(out + kOutPvThreshold, preview.pv_threshold, all_int32);
  write_int64(out + kOutPvMissing, preview.pv_missing, all_int32);
  out[kOutCashbackIn] = cashback_in;
  out[kOutUnlocksCashback] = preview.unlocks_cashback ? 1 : 0;
  out[kOutHasCrossing] = preview.crossing ? 1 : 0;
  // The crossing's line is below kFastLinesMax and its unit at most an int32 quantity.
  out[kOutCrossingLine] = preview.crossing ? static_cast<std::int32_t>(preview.crossing->line) : 0;
  out[kOutCrossingUnit] = preview.crossing ? static_cast<std::int32_t>(preview.crossing->unit) : 0;
  write_int64(out + kOutCashbackGenerated, preview.cashback_generated_cents, all_int32);
  out[kOutCashbackSpend] = cashback_spend;
  write_int64(out + kOutCashbackSpendable, preview.cashback_spendable_cents, all_int32);
  write_int64(out + kOutSubtotal, preview.subtotal_cents, all_int32);
  write_int64(out + kOutDiscount, preview.discount_cents, all_int32);
  write_int64(out + kOutShipping, preview.shipping_cents, all_int32);
  write_int64(out + kOutTotal, preview.total_cents, all_int32);
  out[kOutHasCashbackAfter] = after ? 1 : 0;
  out[kOutCashbackAfterYear] = after ? after->period.year : 0;
  out[kOutCashbackAfterMonth] = after ? after->period.month : 0;
  out[kOutCashbackAfterStatus] = after_status;
  write_int64(out + kOutCashbackAfterValue, after ? after->value_cents : 0, all_int32);
  write_lines(preview, out, all_int32);
  out[kOutAllInt32] = all_int32 ? 1 : 0;
  return true;
}

// The layout is described once per engine: these few functions are built for size (the -O2
// this directory compiles with would otherwise inline ~5 KB of string code into them).
#define NNW_COLD_PATH __attribute__((minsize))

template <class Enum, std::size_t N, class NameFn>
NNW_COLD_PATH void append_names(std::string& out, const char* key, const std::array<Enum, N>& values,
                                NameFn name) {
  out.append(",\"").append(key).append("\":[");
  for (std::size_t i = 0; i < N; ++i) out.append(i == 0 ? "\"" : ",\"").append(name(values[i])).append("\"");
  out.push_back(']');
}

NNW_COLD_PATH std::string address(const void* pointer) {
  return std::to_string(reinterpret_cast<std::uintptr_t>(pointer));
}

}  // namespace

bool run_fast_preview(const rules::RulesConfig& config, FastPreview& fast) {
  if (!read_request(config, fast)) return false;
  if (rules::validate_cart(config, fast.request)) return false;
  if (rules::preview_cart_into(config, fast.request, fast.preview)) return false;
  return write_preview(fast.preview, fast.output);
}

NNW_COLD_PATH std::string fast_layout_json(const FastPreview& fast) {
  std::string out = "{\"input\":" + address(fast.input) + ",\"text\":" + address(fast.text) +
                    ",\"text_bytes\":" + std::to_string(kFastTextBytes) + ",\"output\":" + address(fast.output) +
                    ",\"lines_max\":" + std::to_string(kFastLinesMax);
  append_names(out, "cashback_status", kFastCashbackStatuses, rules::cashback_status_name);
  append_names(out, "cashback_input", kFastCashbackInputs, rules::cashback_input_name);
  append_names(out, "cashback_spend", kFastCashbackSpends, rules::cashback_spend_name);
  out.push_back('}');
  return out;
}

}  // namespace nnw::wasm
