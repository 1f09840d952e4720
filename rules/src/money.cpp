#include "nnw/rules/money.hpp"

namespace nnw::rules {

std::optional<std::int64_t> percent_of(std::int64_t amount_cents, std::int32_t basis_points) noexcept {
  const auto scaled = checked_mul(amount_cents, basis_points);
  if (!scaled) return std::nullopt;
  // Integer division truncates toward zero; a remainder of at least half a unit moves the
  // result one step away from zero. Comparing 2×|remainder| with the divisor avoids any
  // fractional arithmetic (|remainder| < 10000, so the doubling cannot overflow).
  const std::int64_t quotient = *scaled / kBasisPointsWhole;
  const std::int64_t remainder = *scaled % kBasisPointsWhole;
  const std::int64_t twice_remainder = remainder < 0 ? -2 * remainder : 2 * remainder;
  if (twice_remainder < kBasisPointsWhole) return quotient;
  return *scaled < 0 ? quotient - 1 : quotient + 1;
}

}  // namespace nnw::rules
