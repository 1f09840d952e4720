#include <gtest/gtest.h>

#include "nnw/rules/loyalty.hpp"
#include "test_support.hpp"

namespace nnw::rules {
namespace {

using testing::at;
using testing::default_config;

LoyaltyState status(std::string_view market, std::string_view now, std::vector<LoyaltyOrder> orders) {
  LoyaltyRequest request{default_config().find_market(market), at(now), std::move(orders)};
  EXPECT_FALSE(validate_loyalty(default_config(), request).has_value());
  return loyalty_status(default_config(), request).value();
}

LoyaltyOrder order(std::string id, std::string_view placed, std::optional<std::string_view> cancelled = {}) {
  LoyaltyOrder o{std::move(id), at(placed), std::nullopt};
  if (cancelled) o.cancelled_at = at(*cancelled);
  return o;
}

TEST(Loyalty, Day7LastSecondEarns_Day8FirstSecondDoesNot_InMexico) {
  auto s = status("MX", "2026-11-20T00:00:00Z", {order("a", "2026-11-08T05:59:59Z")});
  EXPECT_EQ(s.points, 25);
  s = status("MX", "2026-11-20T00:00:00Z", {order("a", "2026-11-08T06:00:00Z")});
  EXPECT_EQ(s.points, 0);
  EXPECT_TRUE(s.history.empty());
}

TEST(Loyalty, WindowCloseFollowsDaylightSavingTime_InChicago) {
  // April 2026 is in CDT (UTC−5): day 8 00:00 local is 05:00Z.
  auto s = status("US", "2026-04-20T00:00:00Z", {order("a", "2026-04-08T04:59:59Z")});
  EXPECT_EQ(s.points, 25);
  s = status("US", "2026-04-20T00:00:00Z", {order("a", "2026-04-08T05:00:00Z")});
  EXPECT_EQ(s.points, 0);
}

TEST(Loyalty, FourConsecutiveMonths_EarnARewardAndStartANewCycle) {
  const auto s = status("MX", "2027-01-15T00:00:00Z",
                        {order("a", "2026-09-02T12:00:00Z"), order("b", "2026-10-02T12:00:00Z"),
                         order("c", "2026-11-02T12:00:00Z"), order("d", "2026-12-02T12:00:00Z"),
                         order("e", "2027-01-03T12:00:00Z")});
  ASSERT_EQ(s.rewards_earned.size(), 1u);
  EXPECT_EQ(format_period(s.rewards_earned[0]), "2026-12");
  EXPECT_EQ(s.points, 25);
  EXPECT_EQ(s.consecutive_months, 5);
  EXPECT_EQ(s.status, LoyaltyStatus::activo);
  ASSERT_EQ(s.history.size(), 6u);
  EXPECT_EQ(s.history[4].type, LoyaltyEventType::reward);
  EXPECT_EQ(s.history[4].points_before, 100);
}

TEST(Loyalty, MissedWindow_ResetsToZero) {
  const auto s = status("MX", "2026-11-10T00:00:00Z",
                        {order("a", "2026-09-02T12:00:00Z"), order("b", "2026-10-02T12:00:00Z")});
  EXPECT_EQ(s.points, 0);
  EXPECT_EQ(s.consecutive_months, 0);
  EXPECT_EQ(s.status, LoyaltyStatus::reiniciado);
  EXPECT_EQ(s.history.back().type, LoyaltyEventType::reset);
  EXPECT_EQ(format_utc(s.history.back().at), "2026-11-08T06:00:00Z");
}

TEST(Loyalty, OpenWindowNotYetEarned_DoesNotReset) {
  const auto s = status("MX", "2026-11-03T12:00:00Z", {order("a", "2026-10-02T12:00:00Z")});
  EXPECT_EQ(s.points, 25);
  EXPECT_TRUE(s.window.open);
  EXPECT_FALSE(s.window.earned);
  EXPECT_EQ(s.window.days_left, 5);  // local day 3 → days 3..7
}

TEST(Loyalty, CancellationBeforeCloseDoesNotCount_AfterCloseChangesNothing) {
  auto s = status("MX", "2026-11-20T00:00:00Z",
                  {order("a", "2026-11-02T12:00:00Z", "2026-11-05T12:00:00Z"), order("b", "2026-11-06T12:00:00Z")});
  EXPECT_EQ(s.window.earning_order_id, "b");
  s = status("MX", "2026-11-20T00:00:00Z", {order("a", "2026-11-02T12:00:00Z", "2026-11-05T12:00:00Z")});
  EXPECT_EQ(s.points, 0);
  s = status("MX", "2026-11-20T00:00:00Z", {order("a", "2026-11-02T12:00:00Z", "2026-11-09T12:00:00Z")});
  EXPECT_EQ(s.points, 25);
}

TEST(Loyalty, StateAsOfNow_IgnoresTheFuture) {
  // Evaluating the same history at an earlier "now" gives the earlier state: a late job
  // computes exactly what a punctual one would have.
  const std::vector<LoyaltyOrder> history = {order("a", "2026-09-02T12:00:00Z"), order("b", "2026-10-02T12:00:00Z")};
  EXPECT_EQ(status("MX", "2026-09-30T00:00:00Z", history).points, 25);
  EXPECT_EQ(status("MX", "2026-10-30T00:00:00Z", history).points, 50);
  EXPECT_EQ(status("MX", "2026-11-08T05:59:59Z", history).points, 50);
  EXPECT_EQ(status("MX", "2026-11-08T06:00:00Z", history).points, 0);
}

TEST(Loyalty, RepeatedOrderIds_AreInvalid) {
  LoyaltyRequest request{default_config().find_market("MX"), at("2026-11-20T00:00:00Z"),
                         {order("a", "2026-11-02T12:00:00Z"), order("a", "2026-11-03T12:00:00Z")}};
  const auto error = validate_loyalty(default_config(), request);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->field, "orders[1].id");
}

}  // namespace
}  // namespace nnw::rules
