#include <gtest/gtest.h>

#include "nnw/rules/clabe.hpp"

namespace nnw::rules {
namespace {

// 002 180 70012345678 ?: products mod 10 of the digits with weights 3,7,1 sum to 42, so the
// check digit is (10 − 2) mod 10 = 8.
TEST(Clabe, ValidCheckDigit_IsAccepted) {
  const auto check = check_clabe("002180700123456788");
  EXPECT_TRUE(check.valid());
  EXPECT_EQ(check.expected_check_digit, 8);
}

TEST(Clabe, WrongCheckDigit_IsRejectedWithTheExpectedDigit) {
  const auto check = check_clabe("002180700123456781");
  EXPECT_EQ(check.problem, ClabeProblem::bad_check_digit);
  EXPECT_EQ(check.expected_check_digit, 8);
}

TEST(Clabe, EveryCheckDigit_IsReachable) {
  // Changing one account digit moves the expected digit; exactly one last digit is valid.
  for (char d = '0'; d <= '9'; ++d) {
    std::string clabe = "01218000118359719";
    int valid_count = 0;
    for (char last = '0'; last <= '9'; ++last) valid_count += check_clabe(clabe + last).valid() ? 1 : 0;
    EXPECT_EQ(valid_count, 1) << d;
    clabe[10] = d;
  }
}

TEST(Clabe, WrongLengthOrLetters_AreReportedAsSuch) {
  EXPECT_EQ(check_clabe("").problem, ClabeProblem::wrong_length);
  EXPECT_EQ(check_clabe("00218070012345678").problem, ClabeProblem::wrong_length);
  EXPECT_EQ(check_clabe("0021807001234567880").problem, ClabeProblem::wrong_length);
  EXPECT_EQ(check_clabe("00218070012345678A").problem, ClabeProblem::not_digits);
  EXPECT_EQ(check_clabe("A02180700123456788").problem, ClabeProblem::not_digits);
  EXPECT_EQ(check_clabe("A02180700123456788").expected_check_digit, -1);
}

}  // namespace
}  // namespace nnw::rules
