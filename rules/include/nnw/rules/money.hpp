#pragma once
// Money is an integer count of minor units (centavos). Every sum and product on a money or
// PV path goes through these checked helpers; percent_of() is the one rounding function.

#include <cstdint>
#include <optional>
#include <string>

namespace nnw::rules {

struct Money {
  std::int64_t cents = 0;
  std::string currency;  // ISO 4217, e.g. "MXN"
  friend bool operator==(const Money&, const Money&) = default;
};

// Basis points: 7000 bp = 70%.
inline constexpr std::int32_t kBasisPointsWhole = 10000;

inline std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
  return out;
}

inline std::optional<std::int64_t> checked_sub(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t out = 0;
  if (__builtin_sub_overflow(a, b, &out)) return std::nullopt;
  return out;
}

inline std::optional<std::int64_t> checked_mul(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t out = 0;
  if (__builtin_mul_overflow(a, b, &out)) return std::nullopt;
  return out;
}

// round(amount × basis_points / 10000), half away from zero: the project's single rounding
// rule. Applied once per line (RULES.md), never to a running total.
std::optional<std::int64_t> percent_of(std::int64_t amount_cents, std::int32_t basis_points) noexcept;

}  // namespace nnw::rules
