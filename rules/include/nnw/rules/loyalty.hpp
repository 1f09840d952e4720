#pragma once
// Loyalty status as a pure function of the order history and "now" (RULES.md "Loyalty").

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nnw/rules/calendar.hpp"
#include "nnw/rules/config.hpp"
#include "nnw/rules/error.hpp"

namespace nnw::rules {

struct LoyaltyOrder {
  std::string id;
  UtcSeconds placed_at{};
  std::optional<UtcSeconds> cancelled_at;
};

struct LoyaltyRequest {
  const Market* market = nullptr;
  UtcSeconds now{};
  std::vector<LoyaltyOrder> orders;
};

enum class LoyaltyStatus { sin_puntos, activo, reiniciado };
const char* loyalty_status_name(LoyaltyStatus status) noexcept;  // "SIN_PUNTOS", ...

enum class LoyaltyEventType { accrual, reset, reward };
const char* loyalty_event_name(LoyaltyEventType type) noexcept;  // "ACCRUAL", ...

struct LoyaltyEvent {
  LoyaltyEventType type = LoyaltyEventType::accrual;
  Period period;
  std::string order_id;  // accruals only
  std::int64_t points_before = 0;
  std::int64_t points_after = 0;
  std::int64_t consecutive_months_after = 0;
  UtcSeconds at{};        // the earning order's placed_at, or the window close for a reset
};

struct LoyaltyWindow {
  Period period;
  UtcSeconds opens_at{};
  UtcSeconds closes_at{};
  bool open = false;
  bool earned = false;
  std::string earning_order_id;
  std::int64_t days_left = 0;  // local days left in the window, today included; 0 when closed
};

struct LoyaltyState {
  Period period;
  std::int64_t points = 0;
  std::int64_t goal_points = 0;
  std::int64_t consecutive_months = 0;
  LoyaltyStatus status = LoyaltyStatus::sin_puntos;
  LoyaltyWindow window;
  UtcSeconds next_window_opens_at{};
  std::vector<Period> rewards_earned;  // one entitlement per period that reached the goal
  std::vector<LoyaltyEvent> history;
};

Result<LoyaltyState> loyalty_status(const RulesConfig& config, const LoyaltyRequest& request);
std::optional<Error> validate_loyalty(const RulesConfig& config, const LoyaltyRequest& request);

}  // namespace nnw::rules
