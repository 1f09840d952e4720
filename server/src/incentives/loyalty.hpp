#pragma once
// Loyalty points: the state is always the rules module's pure function of the member's order
// history and "now"; the server records that history as it happens (accruals at checkout,
// resets by the day-8 job, rewards as entitlements) so staff and members can read it back.

#include <cstdint>
#include <string>
#include <vector>

#include "db/pg.hpp"
#include "http/api.hpp"
#include "nnw/rules/engine.hpp"

namespace nnw::server::incentives {

// The rules module's loyalty status document for the member at now_s.
std::string loyalty_status(db::Connection& connection, const nnw::rules::Engine& rules, const std::string& member_id,
                           const std::string& market, std::int64_t now_s);

struct RecordedLoyaltyEvent {
  std::string type;  // ACCRUAL | ACCRUAL_REVERSED | REWARD | RESET
  std::string period;
  std::int64_t points_after = 0;
};

struct LoyaltyRecord {
  std::vector<RecordedLoyaltyEvent> recorded;  // rows written now (none when already recorded)
};

// Writes down every event of the member's computed history not yet recorded, an
// ACCRUAL_REVERSED for a recorded accrual the history no longer has (its order was
// cancelled inside the window), and one reward entitlement per REWARD. Idempotent: a second
// call at the same instant writes nothing. Runs in the caller's transaction.
LoyaltyRecord record_loyalty(db::Connection& connection, const nnw::rules::Engine& rules, const std::string& member_id,
                             const std::string& market, std::int64_t now_s);

struct LoyaltyJobReport {
  std::int64_t members = 0;
  std::int64_t events = 0;
  std::int64_t resets = 0;
};

// The day-8 job: records every member's loyalty history at now_s (resets of windows that
// closed without an earning order). Each member in its own transaction.
LoyaltyJobReport record_all_loyalty(db::Connection& connection, const nnw::rules::Engine& rules, std::int64_t now_s);

}  // namespace nnw::server::incentives
