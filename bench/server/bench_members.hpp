#pragma once
// The benchmark's members, as sql/seed_wallets.sql makes them: member n (1-based) has id
// b0000000-0000-4000-8000-<n as 12 digits>. Both sides build ids from numbers, so the
// benchmark needs no lookup before it starts.

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <utility>

namespace nnw::bench {

inline constexpr std::int64_t kMemberNumberMax = 999'999'999'999;  // 12 digits

inline std::string member_id(std::int64_t member_number) {
  char id[37];
  std::snprintf(id, sizeof id, "b0000000-0000-4000-8000-%012lld", static_cast<long long>(member_number));
  return id;
}

// Two different members of [first, last], each uniform: the recipient is drawn from one fewer
// and skips the sender.
inline std::pair<std::int64_t, std::int64_t> distinct_members(std::int64_t first, std::int64_t last,
                                                               std::mt19937_64& random) {
  const std::int64_t from = std::uniform_int_distribution<std::int64_t>(first, last)(random);
  std::int64_t to = std::uniform_int_distribution<std::int64_t>(first, last - 1)(random);
  if (to >= from) ++to;
  return {from, to};
}

}  // namespace nnw::bench
