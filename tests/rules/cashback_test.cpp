#include <gtest/gtest.h>

#include "nnw/rules/cashback.hpp"
#include "test_support.hpp"

namespace nnw::rules {
namespace {

using testing::at;
using testing::default_config;

CartRequest cart(std::int64_t period_pv, std::vector<CartLine> lines) {
  CartRequest request;
  request.market = default_config().find_market("MX");
  request.now = at("2026-11-24T15:00:00Z");
  request.period_pv = period_pv;
  request.lines = std::move(lines);
  request.shipping_cents = 14900;
  return request;
}

CartPreview preview(const CartRequest& request) {
  EXPECT_FALSE(validate_cart(default_config(), request).has_value());
  auto result = preview_cart(default_config(), request);
  EXPECT_TRUE(result.ok());
  return std::move(result).value();
}

TEST(Cashback, PeriodPvOneShort_DoesNotUnlock) {
  const auto p = preview(cart(2000, {{"A", 1, 10000, 929}}));
  EXPECT_EQ(p.period_pv_after, 2929);
  EXPECT_EQ(p.pv_missing, 1);
  EXPECT_FALSE(p.unlocks_cashback);
  EXPECT_FALSE(p.cashback_after.has_value());
}

TEST(Cashback, ReachingThresholdOnLastUnit_GeneratesForNextOrder) {
  const auto p = preview(cart(2000, {{"A", 1, 10001, 930}}));
  EXPECT_TRUE(p.unlocks_cashback);
  ASSERT_TRUE(p.crossing.has_value());
  EXPECT_EQ(p.crossing->unit, 1);
  EXPECT_EQ(p.cashback_generated_cents, 7001);  // 7000.7 → 7001
  EXPECT_EQ(p.cashback_spend, CashbackSpend::none);
  EXPECT_EQ(p.discount_cents, 0);
  ASSERT_TRUE(p.cashback_after.has_value());
  EXPECT_EQ(p.cashback_after->status, CashbackStatus::available);
}

TEST(Cashback, CrossingUnitMidLine_DiscountsOnlyLaterUnits) {
  // 0 + 1000 PV, then units of 500 PV: the 4th unit of line 1 reaches 3000 ≥ 2930.
  const auto p = preview(cart(0, {{"A", 1, 20000, 1000}, {"B", 6, 10000, 500}, {"C", 2, 5000, 0}}));
  ASSERT_TRUE(p.crossing.has_value());
  EXPECT_EQ(p.crossing->line, 1);
  EXPECT_EQ(p.crossing->unit, 4);
  EXPECT_EQ(p.cashback_generated_cents, 14000 + 28000);
  EXPECT_EQ(p.cashback_spend, CashbackSpend::crossing_order);
  EXPECT_EQ(p.lines[0].discounted_units, 0);
  EXPECT_EQ(p.lines[1].discounted_units, 2);
  EXPECT_EQ(p.lines[1].discount_cents, 14000);
  EXPECT_EQ(p.lines[2].discounted_units, 2);
  EXPECT_EQ(p.lines[2].discount_cents, 7000);
  EXPECT_EQ(p.discount_cents, 21000);
  EXPECT_EQ(p.total_cents, 20000 + 60000 + 10000 - 21000 + 14900);
  EXPECT_EQ(p.cashback_after->status, CashbackStatus::used);
}

TEST(Cashback, BonusUnitsBeyondTheValue_AreClippedLineByLine) {
  // Crossing on the first unit (value 700); the next line alone would be worth 1400.
  const auto p = preview(cart(2900, {{"A", 1, 1000, 30}, {"B", 1, 2000, 0}, {"C", 4, 1000, 0}}));
  EXPECT_EQ(p.cashback_generated_cents, 700);
  EXPECT_EQ(p.lines[1].discount_cents, 700);
  EXPECT_TRUE(p.lines[1].clipped);
  EXPECT_EQ(p.lines[2].discount_cents, 0);
  EXPECT_EQ(p.lines[2].discounted_units, 0);
  EXPECT_FALSE(p.lines[2].clipped);
  EXPECT_EQ(p.discount_cents, 700);
}

TEST(Cashback, AvailableCashbackOfThePeriod_IsSpentOnTheNextOrder) {
  CartRequest request = cart(3000, {{"A", 3, 10000, 100}});
  request.cashback = CashbackState{{2026, 11}, CashbackStatus::available, 50000};
  const auto p = preview(request);
  EXPECT_EQ(p.cashback_in, CashbackInput::available);
  EXPECT_EQ(p.cashback_spend, CashbackSpend::available_cashback);
  EXPECT_EQ(p.discount_cents, 21000);
  EXPECT_FALSE(p.unlocks_cashback);
  EXPECT_EQ(p.cashback_after->status, CashbackStatus::used);
}

TEST(Cashback, AvailableCashbackOfAPastPeriod_IsExpiredAndANewOneCanBeGenerated) {
  CartRequest request = cart(0, {{"A", 1, 10000, 3000}});
  request.cashback = CashbackState{{2026, 10}, CashbackStatus::available, 50000};
  const auto p = preview(request);
  EXPECT_EQ(p.cashback_in, CashbackInput::expired);
  EXPECT_TRUE(p.unlocks_cashback);
  EXPECT_EQ(p.cashback_generated_cents, 7000);
}

TEST(Cashback, UsedCashbackOfThePeriod_BlocksASecondOne) {
  CartRequest request = cart(0, {{"A", 2, 10000, 3000}});
  request.cashback = CashbackState{{2026, 11}, CashbackStatus::used, 7000};
  const auto p = preview(request);
  EXPECT_FALSE(p.unlocks_cashback);
  EXPECT_EQ(p.discount_cents, 0);
  EXPECT_EQ(p.cashback_after->status, CashbackStatus::used);
}

TEST(Cashback, CashbackFromTheFuture_IsInvalid) {
  CartRequest request = cart(0, {});
  request.cashback = CashbackState{{2026, 12}, CashbackStatus::available, 1};
  const auto error = validate_cart(default_config(), request);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->field, "cashback.period");
}

TEST(Cashback, ValuesBeyondTheLimits_AreRejectedBeforeArithmetic) {
  CartRequest request = cart(0, {{"A", 1000, 1, 1}});
  EXPECT_EQ(validate_cart(default_config(), request)->field, "lines[0].quantity");
  request = cart(0, {{"A", 1, 100000001, 1}});
  EXPECT_EQ(validate_cart(default_config(), request)->field, "lines[0].unit_price_cents");
}

TEST(Cashback, ArithmeticOverflow_IsAnErrorNotAWrap) {
  // Bypasses validation on purpose: preview_cart must still never wrap around.
  CartRequest request = cart(0, {{"A", INT64_MAX / 2, 4, 0}});
  const auto result = preview_cart(default_config(), request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::overflow);
}

}  // namespace
}  // namespace nnw::rules
