#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "nnw/rules/money.hpp"

namespace nnw::rules {
namespace {

constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
constexpr auto kMin = std::numeric_limits<std::int64_t>::min();

TEST(Money, PercentOf_SeventyPercentOfOddCentavos_RoundsHalfAwayFromZero) {
  EXPECT_EQ(percent_of(15, 7000), 11);     // 10.5 → 11
  EXPECT_EQ(percent_of(-15, 7000), -11);   // −10.5 → −11
  EXPECT_EQ(percent_of(33333, 7000), 23333);  // 23333.1 → 23333
  EXPECT_EQ(percent_of(1, 7000), 1);       // 0.7 → 1
  EXPECT_EQ(percent_of(1, 4999), 0);       // 0.4999 → 0
  EXPECT_EQ(percent_of(1, 5000), 1);       // 0.5 → 1
  EXPECT_EQ(percent_of(-1, 5000), -1);
  EXPECT_EQ(percent_of(0, 7000), 0);
  EXPECT_EQ(percent_of(59900, 10000), 59900);
}

TEST(Money, PercentOf_ProductOverflow_IsReportedNotWrapped) {
  EXPECT_FALSE(percent_of(kMax, 7000).has_value());
  EXPECT_FALSE(percent_of(kMin, 2).has_value());
  EXPECT_TRUE(percent_of(kMax / 10000, 10000).has_value());
}

TEST(Money, CheckedArithmetic_DetectsOverflowAtBothEnds) {
  EXPECT_EQ(checked_add(kMax - 1, 1), kMax);
  EXPECT_FALSE(checked_add(kMax, 1).has_value());
  EXPECT_FALSE(checked_add(kMin, -1).has_value());
  EXPECT_EQ(checked_sub(kMin + 1, 1), kMin);
  EXPECT_FALSE(checked_sub(kMin, 1).has_value());
  EXPECT_FALSE(checked_mul(kMax / 2 + 1, 2).has_value());
  EXPECT_FALSE(checked_mul(kMin, -1).has_value());
  EXPECT_EQ(checked_mul(-3, 4), -12);
}

}  // namespace
}  // namespace nnw::rules
