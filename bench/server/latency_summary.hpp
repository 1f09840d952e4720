#pragma once
// Percentiles of latency samples by nearest rank on the sorted samples: exact, and cheap at
// a benchmark's sample counts (tens of thousands to a few million).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

namespace nnw::bench {

struct LatencySummary {
  std::int64_t samples = 0;
  double mean_ms = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double p999_ms = 0;
  double max_ms = 0;
};

inline LatencySummary summarize(std::vector<std::uint32_t> latencies_us) {
  LatencySummary summary;
  if (latencies_us.empty()) return summary;
  std::sort(latencies_us.begin(), latencies_us.end());
  const auto count = latencies_us.size();
  const auto at = [&](double quantile) {
    const auto rank = static_cast<std::size_t>(std::ceil(quantile * static_cast<double>(count)));
    return static_cast<double>(latencies_us[std::clamp<std::size_t>(rank, 1, count) - 1]) / 1000.0;
  };
  const double total_us = std::accumulate(latencies_us.begin(), latencies_us.end(), 0.0);
  summary.samples = static_cast<std::int64_t>(count);
  summary.mean_ms = total_us / static_cast<double>(count) / 1000.0;
  summary.p50_ms = at(0.50);
  summary.p90_ms = at(0.90);
  summary.p99_ms = at(0.99);
  summary.p999_ms = at(0.999);
  summary.max_ms = static_cast<double>(latencies_us.back()) / 1000.0;
  return summary;
}

}  // namespace nnw::bench
