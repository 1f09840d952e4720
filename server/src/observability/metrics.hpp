#pragma once
// Prometheus text-format metrics: requests by route and status, latency histograms by route,
// pool usage, and ledger counters. Thread-safe; rendering takes a consistent snapshot.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "db/pool.hpp"

namespace nnw::server {

class Metrics {
 public:
  // Upper bounds of the latency buckets, in microseconds (the last bucket is +Inf).
  static constexpr std::array<std::int64_t, 12> kLatencyBucketsUs = {250,    500,    1000,   2500,   5000,    10000,
                                                                      25000,  50000,  100000, 250000, 1000000, 5000000};

  void observe_request(std::string_view route, int status, std::int64_t duration_us);
  void count_ledger_entry(std::string_view type, std::int64_t amount_cents);
  void count_job(std::string_view job, std::int64_t items);
  std::string render(const db::PoolStats& pool, std::int64_t in_flight) const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kLatencyBucketsUs.size() + 1> buckets{};
    std::uint64_t count = 0;
    std::int64_t sum_us = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::map<std::string, std::pair<std::uint64_t, std::int64_t>> ledger_entries_;  // count, Σ |amount|
  std::map<std::string, std::pair<std::uint64_t, std::int64_t>> jobs_;            // runs, items
};

}  // namespace nnw::server
