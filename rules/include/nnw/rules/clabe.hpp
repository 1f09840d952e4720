#pragma once
// CLABE (Clave Bancaria Estandarizada): 18 digits = bank (3) + branch/plaza (3) +
// account (11) + check digit. The check digit uses weights 3, 7, 1 repeated.

#include <optional>
#include <string>
#include <string_view>

namespace nnw::rules {

enum class ClabeProblem { none, wrong_length, not_digits, bad_check_digit };

struct ClabeCheck {
  ClabeProblem problem = ClabeProblem::none;
  int expected_check_digit = -1;  // 0..9 when the first 17 characters are digits
  bool valid() const noexcept { return problem == ClabeProblem::none; }
};

ClabeCheck check_clabe(std::string_view clabe) noexcept;
const char* clabe_problem_name(ClabeProblem problem) noexcept;

}  // namespace nnw::rules
