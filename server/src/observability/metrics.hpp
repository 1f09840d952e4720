#pragma once
// Prometheus text-format metrics: requests by route and status, latency histograms by route
// and status, pool usage, ledger counters, and the sizes of the transfer batches. Thread-safe;
// rendering takes a consistent snapshot.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "db/pool.hpp"

namespace nnw::server {

class Metrics {
 public:
  // Upper bounds of the latency buckets, in microseconds (the last bucket is +Inf).
  static constexpr std::array<std::int64_t, 12> kLatencyBucketsUs = {250,    500,    1000,   2500,   5000,    10000,
                                                                      25000,  50000,  100000, 250000, 1000000, 5000000};
  // Upper bounds of the transfers-per-batch buckets (the last bucket is +Inf): how much the
  // group commit gathers (docs/transfers.md), what NNW_TRANSFER_LANES and
  // NNW_TRANSFER_BATCH_MAX are tuned by.
  static constexpr std::array<std::int64_t, 8> kBatchSizeBuckets = {1, 2, 4, 8, 16, 32, 64, 256};
  // Upper bounds, in microseconds, of the buckets of a transfer's two waits inside the server:
  // queued for a batch, and its batch's booking. Finer than the request buckets between 1 and
  // 25 ms, where a transfer's latency lies, so that a tail shows which of the two it is.
  static constexpr std::array<std::int64_t, 14> kTransferWaitBucketsUs = {250,   500,   1000,  2000,  4000,   6000,   8000,
                                                                          10000, 12500, 15000, 20000, 25000, 50000, 250000};

  void observe_request(std::string_view route, int status, std::int64_t duration_us);
  void count_ledger_entry(std::string_view type, std::int64_t amount_cents);
  void count_job(std::string_view job, std::int64_t items);
  // The counts of the ledger's checks at this instance's last verify-ledger run (each must be
  // 0): a gauge per check, so an alert can fire on any above 0; and when that run finished
  // (Unix seconds, wall clock), so an alert can fire when the nightly check stops running.
  void record_ledger_checks(std::span<const std::pair<std::string, std::int64_t>> checks, std::int64_t checked_at_s);
  // One database transaction of `transfers` transfers (an isolated retry is a batch of one).
  void observe_transfer_batch(std::size_t transfers);
  // Transfers retried one at a time because the batch they were in failed.
  void count_transfers_isolated(std::size_t transfers);
  // How long each transfer of one batch was queued before a lane took it into the batch (one
  // lock for the batch, not one per transfer).
  void observe_transfers_queued(std::span<const std::int64_t> durations_us);
  // How long one batch took to book (its two round trips and commit, or its isolated retries),
  // once per transfer in it: the histogram counts transfers, as the queue wait's does.
  void observe_transfer_booking(std::int64_t duration_us, std::size_t transfers);
  std::string render(const db::PoolStats& pool, std::int64_t in_flight) const;

 private:
  template <std::size_t Bounds>
  struct Histogram {
    std::array<std::uint64_t, Bounds + 1> buckets{};
    std::uint64_t count = 0;
    std::int64_t sum = 0;
    void observe(const std::array<std::int64_t, Bounds>& bounds, std::int64_t value, std::uint64_t times = 1);
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::pair<std::string, int>, Histogram<kLatencyBucketsUs.size()>> latency_;  // µs
  std::map<std::string, std::pair<std::uint64_t, std::int64_t>> ledger_entries_;  // count, Σ |amount|
  std::map<std::string, std::pair<std::uint64_t, std::int64_t>> jobs_;            // runs, items
  std::map<std::string, std::int64_t> ledger_checks_;                             // check, count
  std::int64_t ledger_checked_at_s_ = 0;                                          // 0: never here
  Histogram<kBatchSizeBuckets.size()> transfer_batches_;
  Histogram<kTransferWaitBucketsUs.size()> transfers_queued_;   // µs
  Histogram<kTransferWaitBucketsUs.size()> transfers_booking_;  // µs
  std::uint64_t transfers_isolated_ = 0;
};

}  // namespace nnw::server
