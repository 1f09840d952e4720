#pragma once
// Cart preview: PV toward the cashback threshold, the crossing unit, the cashback a crossing
// order generates, its spend on bonus units or on the next order, shipping and totals.
// RULES.md "Cashback" is the specification; docs/rules-api.md gives the JSON.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nnw/rules/calendar.hpp"
#include "nnw/rules/config.hpp"
#include "nnw/rules/error.hpp"

namespace nnw::rules {

enum class CashbackStatus { available, used, expired };
const char* cashback_status_name(CashbackStatus status) noexcept;  // "AVAILABLE", ...

// The member's most recent cashback as the server knows it.
struct CashbackState {
  Period period;
  CashbackStatus status = CashbackStatus::available;
  std::int64_t value_cents = 0;
};

struct CartLine {
  std::string sku;
  std::int64_t quantity = 0;
  std::int64_t unit_price_cents = 0;  // public price, tax included
  std::int64_t unit_pv = 0;
};

struct CartRequest {
  const Market* market = nullptr;
  UtcSeconds now{};
  std::int64_t period_pv = 0;  // confirmed, not cancelled orders of the current period
  std::optional<CashbackState> cashback;
  std::vector<CartLine> lines;
  std::int64_t shipping_cents = 0;
};

// How the incoming cashback stands at `now` (an AVAILABLE one from a past period is EXPIRED).
enum class CashbackInput { none, available, used, expired };
const char* cashback_input_name(CashbackInput input) noexcept;

enum class CashbackSpend { none, crossing_order, available_cashback };
const char* cashback_spend_name(CashbackSpend spend) noexcept;

struct LinePreview {
  std::int64_t line_pv = 0;
  std::int64_t subtotal_cents = 0;
  std::int64_t discounted_units = 0;  // units the discount applies to
  std::int64_t discount_cents = 0;
  bool clipped = false;               // the discount was cut by the cashback's remaining value
  std::int64_t total_cents = 0;
};

struct Crossing {
  std::int64_t line = 0;  // 0-based line index
  std::int64_t unit = 0;  // 1-based unit within that line
};

struct CartPreview {
  Period period;
  std::int64_t cart_pv = 0;
  std::int64_t period_pv_before = 0;
  std::int64_t period_pv_after = 0;
  std::int64_t pv_threshold = 0;
  std::int64_t pv_missing = 0;
  CashbackInput cashback_in = CashbackInput::none;
  bool unlocks_cashback = false;
  std::optional<Crossing> crossing;
  std::int64_t cashback_generated_cents = 0;
  CashbackSpend cashback_spend = CashbackSpend::none;
  std::int64_t cashback_spendable_cents = 0;  // the cap this order's discount was clipped at
  std::vector<LinePreview> lines;
  std::int64_t subtotal_cents = 0;
  std::int64_t discount_cents = 0;
  std::int64_t shipping_cents = 0;
  std::int64_t total_cents = 0;
  std::optional<CashbackState> cashback_after;  // the current period's cashback after this order
};

// Assumes a request that passed validate_cart (the JSON boundary does both).
Result<CartPreview> preview_cart(const RulesConfig& config, const CartRequest& request);

// The same into `out`, whose line storage is reused: a page previewing a cart on every key
// press (the WebAssembly fast path) allocates nothing per call. On an error `out` is partial.
std::optional<Error> preview_cart_into(const RulesConfig& config, const CartRequest& request, CartPreview& out);

// Range checks against config.limits; the error's field is a JSON path.
std::optional<Error> validate_cart(const RulesConfig& config, const CartRequest& request);

}  // namespace nnw::rules
