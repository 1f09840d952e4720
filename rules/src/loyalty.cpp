#include "nnw/rules/loyalty.hpp"

#include <algorithm>
#include <map>
#include <unordered_set>

namespace nnw::rules {

namespace {

struct Window {
  UtcSeconds opens_at;
  UtcSeconds closes_at;
};

Window window_of(const LoyaltyConfig& loyalty, const TimeZoneRule& zone, Period period) {
  return Window{local_day_start(zone, period, loyalty.window_first_day),
                local_day_start(zone, period, loyalty.window_last_day + 1)};
}

// An order counts for its period when placed inside the window (as of now) and not cancelled
// before the window closed. Returns the period it earns for, if any.
std::optional<Period> earning_period(const LoyaltyConfig& loyalty, const TimeZoneRule& zone,
                                     const LoyaltyOrder& order, UtcSeconds now) {
  if (order.placed_at > now) return std::nullopt;
  const Period period = period_of(zone, order.placed_at);
  const Window window = window_of(loyalty, zone, period);
  if (order.placed_at < window.opens_at || order.placed_at >= window.closes_at) return std::nullopt;
  if (order.cancelled_at && *order.cancelled_at <= now && *order.cancelled_at < window.closes_at) return std::nullopt;
  return period;
}

// The earliest counting order of each period (ties: request order).
std::map<Period, const LoyaltyOrder*> earning_orders(const LoyaltyConfig& loyalty, const TimeZoneRule& zone,
                                                     const LoyaltyRequest& request) {
  std::map<Period, const LoyaltyOrder*> earners;
  for (const LoyaltyOrder& order : request.orders) {
    const auto period = earning_period(loyalty, zone, order, request.now);
    if (!period) continue;
    auto [it, inserted] = earners.emplace(*period, &order);
    if (!inserted && order.placed_at < it->second->placed_at) it->second = &order;
  }
  return earners;
}

struct Walk {
  std::int64_t points = 0;
  std::int64_t consecutive = 0;
  std::vector<LoyaltyEvent> history;
  std::vector<Period> rewards;
};

void accrue(const LoyaltyConfig& loyalty, Period period, const LoyaltyOrder& order, Walk& walk) {
  LoyaltyEvent accrual{LoyaltyEventType::accrual, period, order.id, walk.points,
                       walk.points + loyalty.points_per_period, walk.consecutive + 1, order.placed_at};
  walk.points = accrual.points_after;
  walk.consecutive = accrual.consecutive_months_after;
  walk.history.push_back(std::move(accrual));
  if (walk.points >= loyalty.goal_points) {
    walk.history.push_back(LoyaltyEvent{LoyaltyEventType::reward, period, {}, walk.points, 0,
                                        walk.consecutive, order.placed_at});
    walk.points = 0;
    walk.rewards.push_back(period);
  }
}

void reset(Period period, UtcSeconds closed_at, Walk& walk) {
  if (walk.points == 0 && walk.consecutive == 0) return;
  walk.history.push_back(LoyaltyEvent{LoyaltyEventType::reset, period, {}, walk.points, 0, 0, closed_at});
  walk.points = 0;
  walk.consecutive = 0;
}

LoyaltyStatus status_of(const Walk& walk) {
  if (!walk.history.empty()) {
    const LoyaltyEvent& last = walk.history.back();
    if (last.type == LoyaltyEventType::reset && last.points_before > 0) return LoyaltyStatus::reiniciado;
  }
  return walk.consecutive > 0 ? LoyaltyStatus::activo : LoyaltyStatus::sin_puntos;
}

}  // namespace

const char* loyalty_status_name(LoyaltyStatus status) noexcept {
  switch (status) {
    case LoyaltyStatus::sin_puntos: return "SIN_PUNTOS";
    case LoyaltyStatus::activo: return "ACTIVO";
    case LoyaltyStatus::reiniciado: return "REINICIADO";
  }
  return "SIN_PUNTOS";
}

const char* loyalty_event_name(LoyaltyEventType type) noexcept {
  switch (type) {
    case LoyaltyEventType::accrual: return "ACCRUAL";
    case LoyaltyEventType::reset: return "RESET";
    case LoyaltyEventType::reward: return "REWARD";
  }
  return "ACCRUAL";
}

std::optional<Error> validate_loyalty(const RulesConfig& config, const LoyaltyRequest& request) {
  if (request.market == nullptr) return make_error(ErrorCode::unknown_market, "is not a configured market", "market");
  if (static_cast<std::int64_t>(request.orders.size()) > config.limits.orders_max) {
    return make_error(ErrorCode::out_of_range,
                      "may hold at most " + std::to_string(config.limits.orders_max) + " items", "orders");
  }
  std::unordered_set<std::string_view> ids;
  for (std::size_t i = 0; i < request.orders.size(); ++i) {
    const LoyaltyOrder& order = request.orders[i];
    const auto at = [i](const char* field) { return "orders[" + std::to_string(i) + "]." + field; };
    if (order.id.empty() || static_cast<std::int64_t>(order.id.size()) > config.limits.id_length_max) {
      return make_error(ErrorCode::out_of_range,
                        "must be 1 to " + std::to_string(config.limits.id_length_max) + " characters", at("id"));
    }
    if (!ids.insert(order.id).second) return make_error(ErrorCode::invalid_value, "repeats an order id", at("id"));
    if (order.cancelled_at && *order.cancelled_at < order.placed_at) {
      return make_error(ErrorCode::out_of_range, "must not be before placed_at", at("cancelled_at"));
    }
  }
  return std::nullopt;
}

Result<LoyaltyState> loyalty_status(const RulesConfig& config, const LoyaltyRequest& request) {
  const LoyaltyConfig& loyalty = config.loyalty;
  const TimeZoneRule& zone = request.market->zone;
  const Period current = period_of(zone, request.now);
  const auto earners = earning_orders(loyalty, zone, request);

  Walk walk;
  if (!earners.empty()) {
    // Bounded: instants are limited to years 2000-2199, so at most 2,400 periods.
    for (Period period = earners.begin()->first; period <= current; period = next_period(period)) {
      const auto earner = earners.find(period);
      if (earner != earners.end()) {
        accrue(loyalty, period, *earner->second, walk);
        continue;
      }
      const Window window = window_of(loyalty, zone, period);
      if (window.closes_at <= request.now) reset(period, window.closes_at, walk);
    }
  }

  LoyaltyState state;
  state.period = current;
  state.points = walk.points;
  state.goal_points = loyalty.goal_points;
  state.consecutive_months = walk.consecutive;
  state.status = status_of(walk);
  const Window window = window_of(loyalty, zone, current);
  state.window.period = current;
  state.window.opens_at = window.opens_at;
  state.window.closes_at = window.closes_at;
  state.window.open = window.opens_at <= request.now && request.now < window.closes_at;
  if (const auto earner = earners.find(current); earner != earners.end()) {
    state.window.earned = true;
    state.window.earning_order_id = earner->second->id;
  }
  if (state.window.open) state.window.days_left = loyalty.window_last_day - to_local(zone, request.now).day + 1;
  state.next_window_opens_at = window_of(loyalty, zone, next_period(current)).opens_at;
  state.rewards_earned = std::move(walk.rewards);
  state.history = std::move(walk.history);
  return state;
}

}  // namespace nnw::rules
