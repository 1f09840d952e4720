// The scheduler's boundaries in market time (pure: no database, no clock).
#include <gtest/gtest.h>

#include "jobs/schedule.hpp"
#include "nnw/rules/calendar.hpp"
#include "nnw/rules/engine.hpp"

namespace nnw::server::jobs {
namespace {

std::int64_t at(const char* utc) { return nnw::rules::parse_utc(utc)->time_since_epoch().count(); }

const ScheduledJob& job(std::string_view name) {
  for (const auto& j : schedule()) if (j.job == name) return j;
  throw std::runtime_error("no such scheduled job");
}

// A scheduler that started long before the instants below (its jobs have run since).
const std::int64_t kStarted = at("2026-01-01T00:00:00Z");

const nnw::rules::RulesConfig& rules() {
  static const auto engine = nnw::rules::Engine::with_default_config();
  return engine.config();
}

TEST(Schedule, LoyaltyJobIsDueAtDayEightMidnightInTheLatestMarket) {
  const auto& loyalty = job("record-loyalty");
  // Mexico City (UTC−6) closes the November window at 06:00Z; Chicago (CST, UTC−6 in November) too.
  EXPECT_EQ(latest_boundary(loyalty, rules(), at("2026-11-08T06:00:00Z")), at("2026-11-08T06:00:00Z"));
  // Before it, the latest close is October's in Mexico City (Chicago, on CDT, closed an hour earlier).
  EXPECT_EQ(latest_boundary(loyalty, rules(), at("2026-11-08T05:59:59Z")), at("2026-10-08T06:00:00Z"));
  // Between Chicago's October close (05:00Z) and Mexico City's (06:00Z), Chicago's is the latest.
  EXPECT_EQ(latest_boundary(loyalty, rules(), at("2026-10-08T05:30:00Z")), at("2026-10-08T05:00:00Z"));
  // A run just before the close is followed by a due run just after it; not before.
  EXPECT_FALSE(is_due(loyalty, rules(), at("2026-11-08T05:59:59Z"), at("2026-11-01T00:00:00Z"), kStarted));
  EXPECT_TRUE(is_due(loyalty, rules(), at("2026-11-08T06:00:00Z"), at("2026-11-08T05:59:59Z"), kStarted));
  EXPECT_FALSE(is_due(loyalty, rules(), at("2026-11-20T00:00:00Z"), at("2026-11-08T06:00:00Z"), kStarted));
  EXPECT_TRUE(is_due(loyalty, rules(), at("2026-11-20T00:00:00Z"), std::nullopt, at("2026-11-20T00:00:00Z")));  // start-up catch-up
}

TEST(Schedule, ExpiryJobIsDueAtEveryLocalMidnight) {
  const auto& expiry = job("expire-cashbacks");
  // 1 December 00:00 in Mexico City is 06:00Z; in Chicago (CST) also 06:00Z.
  EXPECT_EQ(latest_boundary(expiry, rules(), at("2026-12-01T06:00:00Z")), at("2026-12-01T06:00:00Z"));
  EXPECT_EQ(latest_boundary(expiry, rules(), at("2026-12-01T05:59:59Z")), at("2026-11-30T06:00:00Z"));
  // In summer Chicago (CDT, UTC−5) reaches midnight an hour before Mexico City.
  EXPECT_EQ(latest_boundary(expiry, rules(), at("2026-07-01T05:30:00Z")), at("2026-07-01T05:00:00Z"));
  EXPECT_TRUE(is_due(expiry, rules(), at("2026-12-01T06:00:01Z"), at("2026-12-01T05:00:00Z"), kStarted));
}

TEST(Schedule, IntervalJobsAreDueEachInterval) {
  const auto& deposit = job("deposit-commissions");
  EXPECT_EQ(latest_boundary(deposit, rules(), at("2026-11-24T10:07:00Z")), at("2026-11-24T10:05:00Z"));
  EXPECT_FALSE(is_due(deposit, rules(), at("2026-11-24T10:09:59Z"), at("2026-11-24T10:05:30Z"), kStarted));
  EXPECT_TRUE(is_due(deposit, rules(), at("2026-11-24T10:10:00Z"), at("2026-11-24T10:05:30Z"), kStarted));
}

// The ledger's check reads every entry: a server that starts does not run it at once, but at
// the first local midnight after its start, and then at every one.
TEST(Schedule, LedgerCheckRunsAtEachLocalMidnightButNotAtStartUp) {
  const auto& verify = job("verify-ledger");
  EXPECT_FALSE(verify.catch_up_at_start);
  const std::int64_t started = at("2026-12-01T10:00:00Z");
  EXPECT_FALSE(is_due(verify, rules(), at("2026-12-01T10:00:30Z"), std::nullopt, started));
  EXPECT_FALSE(is_due(verify, rules(), at("2026-12-02T05:59:59Z"), std::nullopt, started));
  EXPECT_TRUE(is_due(verify, rules(), at("2026-12-02T06:00:00Z"), std::nullopt, started));  // 00:00 in Mexico City
  EXPECT_FALSE(is_due(verify, rules(), at("2026-12-02T12:00:00Z"), at("2026-12-02T06:00:05Z"), started));
  EXPECT_TRUE(is_due(verify, rules(), at("2026-12-03T06:00:00Z"), at("2026-12-02T06:00:05Z"), started));
  // Every other job catches up at once when its server starts.
  for (const auto& other : schedule()) {
    if (other.job == "verify-ledger") continue;
    EXPECT_TRUE(other.catch_up_at_start) << other.job;
    EXPECT_TRUE(is_due(other, rules(), at("2026-12-01T10:00:30Z"), std::nullopt, started)) << other.job;
  }
}

}  // namespace
}  // namespace nnw::server::jobs
