#include "nnw/rules/clabe.hpp"

namespace nnw::rules {

namespace {
constexpr std::size_t kClabeLength = 18;
constexpr int kWeights[3] = {3, 7, 1};

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
}  // namespace

ClabeCheck check_clabe(std::string_view clabe) noexcept {
  ClabeCheck check;
  bool first_17_digits = clabe.size() >= kClabeLength - 1;
  for (std::size_t i = 0; first_17_digits && i < kClabeLength - 1; ++i) first_17_digits = is_digit(clabe[i]);
  if (first_17_digits) {
    int sum = 0;
    for (std::size_t i = 0; i < kClabeLength - 1; ++i) sum += ((clabe[i] - '0') * kWeights[i % 3]) % 10;
    check.expected_check_digit = (10 - sum % 10) % 10;
  }
  if (clabe.size() != kClabeLength) {
    check.problem = ClabeProblem::wrong_length;
  } else if (!first_17_digits || !is_digit(clabe[kClabeLength - 1])) {
    check.problem = ClabeProblem::not_digits;
  } else if (clabe[kClabeLength - 1] - '0' != check.expected_check_digit) {
    check.problem = ClabeProblem::bad_check_digit;
  }
  return check;
}

const char* clabe_problem_name(ClabeProblem problem) noexcept {
  switch (problem) {
    case ClabeProblem::none: return "NONE";
    case ClabeProblem::wrong_length: return "WRONG_LENGTH";
    case ClabeProblem::not_digits: return "NOT_DIGITS";
    case ClabeProblem::bad_check_digit: return "BAD_CHECK_DIGIT";
  }
  return "NONE";
}

}  // namespace nnw::rules
