#include "nnw/rules/cashback.hpp"

#include <algorithm>

#include "nnw/rules/money.hpp"

namespace nnw::rules {

namespace {

Error overflow_error(const char* what) {
  return make_error(ErrorCode::overflow, std::string(what) + " does not fit in 64 bits");
}

CashbackInput classify_cashback(const std::optional<CashbackState>& cashback, Period current) {
  if (!cashback) return CashbackInput::none;
  switch (cashback->status) {
    case CashbackStatus::used: return CashbackInput::used;
    case CashbackStatus::expired: return CashbackInput::expired;
    case CashbackStatus::available:
      // A cashback is never applicable after its period ends, whether or not the expiry job ran.
      return cashback->period == current ? CashbackInput::available : CashbackInput::expired;
  }
  return CashbackInput::none;
}

// Per-line PV and subtotal, which start out.lines (one per request line, in order), and the
// cart's sums. out.lines arrives empty (its capacity is reused).
std::optional<Error> sum_lines(const CartRequest& request, CartPreview& out) {
  const std::size_t count = request.lines.size();
  out.lines.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const CartLine& line = request.lines[i];
    const auto line_pv = checked_mul(line.quantity, line.unit_pv);
    const auto subtotal = checked_mul(line.quantity, line.unit_price_cents);
    if (!line_pv) return overflow_error("line PV");
    if (!subtotal) return overflow_error("line subtotal");
    LinePreview& preview = out.lines[i];
    preview.line_pv = *line_pv;
    preview.subtotal_cents = *subtotal;
    const auto cart_pv = checked_add(out.cart_pv, *line_pv);
    const auto cart_subtotal = checked_add(out.subtotal_cents, *subtotal);
    if (!cart_pv) return overflow_error("cart PV");
    if (!cart_subtotal) return overflow_error("cart subtotal");
    out.cart_pv = *cart_pv;
    out.subtotal_cents = *cart_subtotal;
  }
  return std::nullopt;
}

// Walks the lines unit by unit (arithmetically) from period_pv_before; the unit at which the
// running PV first reaches the threshold is the crossing unit. Precondition: before < T ≤ after.
Crossing find_crossing(const CartRequest& request, std::int64_t pv_before, std::int64_t threshold) {
  std::int64_t running_pv = pv_before;
  for (std::size_t i = 0; i < request.lines.size(); ++i) {
    const CartLine& line = request.lines[i];
    if (line.unit_pv > 0 && running_pv + line.quantity * line.unit_pv >= threshold) {
      const std::int64_t missing_pv = threshold - running_pv;
      const std::int64_t unit = (missing_pv + line.unit_pv - 1) / line.unit_pv;  // ceil, missing_pv > 0
      return Crossing{static_cast<std::int64_t>(i), unit};
    }
    running_pv += line.quantity * line.unit_pv;
  }
  return Crossing{};  // unreachable under the precondition
}

// 70% of the public price of the units up to and including the crossing unit, rounded once
// per line.
std::optional<std::int64_t> generated_value(const CartRequest& request, const Crossing& crossing,
                                            std::int32_t discount_bp) {
  std::int64_t value = 0;
  for (std::size_t i = 0; i <= static_cast<std::size_t>(crossing.line); ++i) {
    const CartLine& line = request.lines[i];
    const std::int64_t units = static_cast<std::int64_t>(i) == crossing.line ? crossing.unit : line.quantity;
    const auto price = checked_mul(line.unit_price_cents, units);
    const auto discount = price ? percent_of(*price, discount_bp) : std::nullopt;
    const auto sum = discount ? checked_add(value, *discount) : std::nullopt;
    if (!sum) return std::nullopt;
    value = *sum;
  }
  return value;
}

// The units of a line the discount may apply to: every unit when an available cashback is
// spent; on a crossing order, the bonus units (those after the crossing unit).
std::int64_t eligible_units(const CartPreview& out, const CartLine& line, std::size_t index) {
  switch (out.cashback_spend) {
    case CashbackSpend::available_cashback: return line.quantity;
    case CashbackSpend::crossing_order: {
      const auto crossing_line = static_cast<std::size_t>(out.crossing->line);
      if (index < crossing_line) return 0;
      return index == crossing_line ? line.quantity - out.crossing->unit : line.quantity;
    }
    case CashbackSpend::none: return 0;
  }
  return 0;
}

// Consumes the cashback line by line in cart order, each line's discount clipped at what
// remains, and sets each line's total (in the same pass: a preview's lines are walked often).
std::optional<Error> apply_discount(const CartRequest& request, std::int32_t discount_bp, std::int64_t cap,
                                    CartPreview& out) {
  std::int64_t remaining = cap;
  const std::size_t count = request.lines.size();
  for (std::size_t i = 0; i < count; ++i) {
    LinePreview& preview = out.lines[i];
    if (remaining != 0) {
      const std::int64_t units = eligible_units(out, request.lines[i], i);
      if (units != 0) {
        const auto price = checked_mul(request.lines[i].unit_price_cents, units);
        const auto raw = price ? percent_of(*price, discount_bp) : std::nullopt;
        if (!raw) return overflow_error("line discount");
        preview.discounted_units = units;
        preview.discount_cents = std::min(*raw, remaining);
        preview.clipped = preview.discount_cents < *raw;
        remaining -= preview.discount_cents;
        out.discount_cents += preview.discount_cents;  // ≤ cap: cannot overflow
      }
    }
    preview.total_cents = preview.subtotal_cents - preview.discount_cents;
  }
  return std::nullopt;
}

// Decides whether this order spends a cashback or generates one; apply_discount() then marks
// the units the spend applies to.
std::optional<Error> decide_cashback(const RulesConfig& config, const CartRequest& request, CartPreview& out) {
  const std::int64_t threshold = config.cashback.pv_threshold;
  const bool has_period_cashback = request.cashback && request.cashback->period == out.period;
  if (out.cashback_in == CashbackInput::available) {
    out.cashback_spend = CashbackSpend::available_cashback;
    out.cashback_spendable_cents = request.cashback->value_cents;
    out.cashback_after = CashbackState{out.period, CashbackStatus::used, request.cashback->value_cents};
    return std::nullopt;
  }
  if (has_period_cashback) {  // this period's one cashback already exists
    if (request.cashback->status == CashbackStatus::used) out.cashback_after = request.cashback;
    return std::nullopt;
  }
  if (!(out.period_pv_before < threshold && out.period_pv_after >= threshold)) return std::nullopt;

  const Crossing crossing = find_crossing(request, out.period_pv_before, threshold);
  const auto value = generated_value(request, crossing, config.cashback.discount_bp);
  if (!value) return overflow_error("cashback value");
  out.unlocks_cashback = true;
  out.crossing = crossing;
  out.cashback_generated_cents = *value;
  // Bonus units: the crossing line's units after the crossing unit, and every later line's.
  const auto crossing_line = static_cast<std::size_t>(crossing.line);
  bool has_bonus_units = request.lines[crossing_line].quantity > crossing.unit;
  for (std::size_t i = crossing_line + 1; !has_bonus_units && i < request.lines.size(); ++i) {
    has_bonus_units = request.lines[i].quantity > 0;
  }
  out.cashback_spend = has_bonus_units ? CashbackSpend::crossing_order : CashbackSpend::none;
  out.cashback_spendable_cents = has_bonus_units ? *value : 0;
  out.cashback_after = CashbackState{out.period, has_bonus_units ? CashbackStatus::used : CashbackStatus::available, *value};
  return std::nullopt;
}

}  // namespace

const char* cashback_status_name(CashbackStatus status) noexcept {
  switch (status) {
    case CashbackStatus::available: return "AVAILABLE";
    case CashbackStatus::used: return "USED";
    case CashbackStatus::expired: return "EXPIRED";
  }
  return "AVAILABLE";
}

const char* cashback_input_name(CashbackInput input) noexcept {
  switch (input) {
    case CashbackInput::none: return "NONE";
    case CashbackInput::available: return "AVAILABLE";
    case CashbackInput::used: return "USED";
    case CashbackInput::expired: return "EXPIRED";
  }
  return "NONE";
}

const char* cashback_spend_name(CashbackSpend spend) noexcept {
  switch (spend) {
    case CashbackSpend::none: return "NONE";
    case CashbackSpend::crossing_order: return "CROSSING_ORDER";
    case CashbackSpend::available_cashback: return "AVAILABLE_CASHBACK";
  }
  return "NONE";
}

std::optional<Error> validate_cart(const RulesConfig& config, const CartRequest& request) {
  const InputLimits& limits = config.limits;
  const auto out_of_range = [](std::string message, std::string field) {
    return make_error(ErrorCode::out_of_range, std::move(message), std::move(field));
  };
  if (request.market == nullptr) return make_error(ErrorCode::unknown_market, "is not a configured market", "market");
  if (request.period_pv < 0 || request.period_pv > limits.period_pv_max) {
    return out_of_range("must be between 0 and " + std::to_string(limits.period_pv_max), "period_pv");
  }
  if (request.cashback) {
    if (request.cashback->period > period_of(request.market->zone, request.now)) {
      return make_error(ErrorCode::invalid_value, "is after the current period", "cashback.period");
    }
    if (request.cashback->value_cents < 0) return out_of_range("must not be negative", "cashback.value_cents");
  }
  if (static_cast<std::int64_t>(request.lines.size()) > limits.cart_lines_max) {
    return out_of_range("may hold at most " + std::to_string(limits.cart_lines_max) + " items", "lines");
  }
  for (std::size_t i = 0; i < request.lines.size(); ++i) {
    const CartLine& line = request.lines[i];
    // The path is built only on failure: this loop runs on every cart preview.
    const auto at = [i](const char* field) { return "lines[" + std::to_string(i) + "]." + field; };
    if (line.sku.empty() || static_cast<std::int64_t>(line.sku.size()) > limits.id_length_max) {
      return out_of_range("must be 1 to " + std::to_string(limits.id_length_max) + " characters", at("sku"));
    }
    if (line.quantity < 1 || line.quantity > limits.line_quantity_max) {
      return out_of_range("must be between 1 and " + std::to_string(limits.line_quantity_max), at("quantity"));
    }
    if (line.unit_price_cents < 0 || line.unit_price_cents > limits.unit_price_cents_max) {
      return out_of_range("must be between 0 and " + std::to_string(limits.unit_price_cents_max), at("unit_price_cents"));
    }
    if (line.unit_pv < 0 || line.unit_pv > limits.unit_pv_max) {
      return out_of_range("must be between 0 and " + std::to_string(limits.unit_pv_max), at("unit_pv"));
    }
  }
  if (request.shipping_cents < 0 || request.shipping_cents > limits.shipping_cents_max) {
    return out_of_range("must be between 0 and " + std::to_string(limits.shipping_cents_max), "shipping_cents");
  }
  return std::nullopt;
}

std::optional<Error> preview_cart_into(const RulesConfig& config, const CartRequest& request, CartPreview& out) {
  std::vector<LinePreview> lines = std::move(out.lines);
  lines.clear();
  out = CartPreview{};
  out.lines = std::move(lines);
  out.period = period_of(request.market->zone, request.now);
  out.pv_threshold = config.cashback.pv_threshold;
  out.shipping_cents = request.shipping_cents;
  if (auto error = sum_lines(request, out)) return error;

  out.period_pv_before = request.period_pv;
  const auto pv_after = checked_add(request.period_pv, out.cart_pv);
  if (!pv_after) return overflow_error("period PV");
  out.period_pv_after = *pv_after;
  out.pv_missing = std::max<std::int64_t>(0, out.pv_threshold - out.period_pv_after);
  out.cashback_in = classify_cashback(request.cashback, out.period);

  if (auto error = decide_cashback(config, request, out)) return error;
  if (auto error = apply_discount(request, config.cashback.discount_bp, out.cashback_spendable_cents, out)) return error;

  const auto total = checked_add(out.subtotal_cents - out.discount_cents, out.shipping_cents);
  if (!total) return overflow_error("order total");
  out.total_cents = *total;
  return std::nullopt;
}

Result<CartPreview> preview_cart(const RulesConfig& config, const CartRequest& request) {
  CartPreview out;
  if (auto error = preview_cart_into(config, request, out)) return *error;
  return out;
}

}  // namespace nnw::rules
