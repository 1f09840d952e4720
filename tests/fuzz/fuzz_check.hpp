#pragma once
// An invariant a fuzz target checks on every input. A failure prints what broke and aborts,
// which libFuzzer reports as a crash and saves the input as a reproducer.
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace nnw::fuzz {

inline void check(bool holds, std::string_view what, std::string_view detail = {}) {
  if (holds) return;
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n", static_cast<int>(what.size()), what.data());
  if (!detail.empty()) std::fprintf(stderr, "  %.*s\n", static_cast<int>(detail.size() > 2000 ? 2000 : detail.size()), detail.data());
  std::abort();
}

}  // namespace nnw::fuzz
