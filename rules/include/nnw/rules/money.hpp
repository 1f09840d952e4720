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
#if defined(__wasm32__)
  // wasm32 has no overflow flag: __builtin_mul_overflow becomes a call to the 128-bit
  // __multi3, a tenth of a cart preview. When |a| < 2^x and |b| < 2^y with x + y ≤ 63 the
  // product fits, which the leading zeros of the magnitudes tell (clz(ua) + clz(ub) ≥ 65).
  const auto ua = a < 0 ? 0 - static_cast<std::uint64_t>(a) : static_cast<std::uint64_t>(a);
  const auto ub = b < 0 ? 0 - static_cast<std::uint64_t>(b) : static_cast<std::uint64_t>(b);
  if (__builtin_clzll(ua | 1) + __builtin_clzll(ub | 1) >= 65) return a * b;
#endif
  std::int64_t out = 0;
  if (__builtin_mul_overflow(a, b, &out)) return std::nullopt;
  return out;
}

// round(amount × basis_points / 10000), half away from zero: the project's single rounding
// rule. Applied once per line (RULES.md), never to a running total. Inline: a cart preview
// calls it for every discounted line.
inline std::optional<std::int64_t> percent_of(std::int64_t amount_cents, std::int32_t basis_points) noexcept {
  const auto scaled = checked_mul(amount_cents, basis_points);
  if (!scaled) return std::nullopt;
  // The magnitude is rounded half up and the sign put back: half away from zero, with no
  // fractional arithmetic (2 × remainder < 2 × 10000 cannot overflow).
  constexpr std::uint64_t whole = kBasisPointsWhole;
  const auto magnitude = *scaled < 0 ? 0 - static_cast<std::uint64_t>(*scaled) : static_cast<std::uint64_t>(*scaled);
  std::uint64_t quotient = 0;
  std::uint64_t remainder = 0;
#if defined(__wasm32__)
  // wasm32 has no 64-bit multiply-high, so a 64-bit division by a constant becomes a call to
  // the 128-bit __multi3: a magnitude below 2^32 (any line of a realistic cart) divides as a
  // 32-bit number.
  if (magnitude <= UINT32_MAX) {
    const auto small = static_cast<std::uint32_t>(magnitude);
    quotient = small / static_cast<std::uint32_t>(whole);
    remainder = small % static_cast<std::uint32_t>(whole);
  } else
#endif
  {
    quotient = magnitude / whole;
    remainder = magnitude % whole;
  }
  const std::uint64_t rounded = 2 * remainder < whole ? quotient : quotient + 1;
  return *scaled < 0 ? -static_cast<std::int64_t>(rounded) : static_cast<std::int64_t>(rounded);
}

}  // namespace nnw::rules
