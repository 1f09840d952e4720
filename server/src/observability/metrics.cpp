#include "observability/metrics.hpp"

#include <cstdlib>

namespace nnw::server {

namespace {
// Prometheus wants seconds; integer microseconds print exactly as "S.UUUUUU".
std::string seconds_from_us(std::int64_t us) {
  const std::string fraction = std::to_string(us % 1000000);
  return std::to_string(us / 1000000) + "." + std::string(6 - fraction.size(), '0') + fraction;
}

// The _bucket lines (cumulative, "le" printed by `format`, then +Inf), _sum (printed by
// `format` too: bounds and sum share a unit) and _count of one histogram; `labels` are its other
// labels, "" for none.
template <std::size_t Bounds, typename Histogram, typename Format>
void append_histogram(std::string& out, const std::string& name, const std::string& labels,
                      const std::array<std::int64_t, Bounds>& bounds, const Histogram& histogram, Format format) {
  const std::string prefix = labels.empty() ? "{" : "{" + labels + ",";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= Bounds; ++i) {
    cumulative += histogram.buckets[i];
    const std::string le = i < Bounds ? format(bounds[i]) : "+Inf";
    out += name + "_bucket" + prefix + "le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
  }
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += name + "_sum" + braces + " " + format(histogram.sum) + "\n";
  out += name + "_count" + braces + " " + std::to_string(histogram.count) + "\n";
}

// The # HELP and # TYPE lines of one metric.
void append_header(std::string& out, const std::string& name, const std::string& type, const std::string& help) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}
}  // namespace

template <std::size_t Bounds>
void Metrics::Histogram<Bounds>::observe(const std::array<std::int64_t, Bounds>& bounds, std::int64_t value,
                                         std::uint64_t times) {
  std::size_t bucket = 0;
  while (bucket < bounds.size() && value > bounds[bucket]) ++bucket;
  buckets[bucket] += times;
  count += times;
  sum += value * static_cast<std::int64_t>(times);
}

void Metrics::observe_request(std::string_view route, int status, std::int64_t duration_us) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), status}];
  latency_[{std::string(route), status}].observe(kLatencyBucketsUs, duration_us);
}

void Metrics::observe_transfer_batch(std::size_t transfers) {
  std::lock_guard lock(mutex_);
  transfer_batches_.observe(kBatchSizeBuckets, static_cast<std::int64_t>(transfers));
}

void Metrics::count_transfers_isolated(std::size_t transfers) {
  std::lock_guard lock(mutex_);
  transfers_isolated_ += transfers;
}

void Metrics::observe_transfers_queued(std::span<const std::int64_t> durations_us) {
  std::lock_guard lock(mutex_);
  for (const std::int64_t duration_us : durations_us) transfers_queued_.observe(kTransferWaitBucketsUs, duration_us);
}

void Metrics::observe_transfer_booking(std::int64_t duration_us, std::size_t transfers) {
  std::lock_guard lock(mutex_);
  transfers_booking_.observe(kTransferWaitBucketsUs, duration_us, transfers);
}

void Metrics::count_ledger_entry(std::string_view type, std::int64_t amount_cents) {
  std::lock_guard lock(mutex_);
  auto& [count, total] = ledger_entries_[std::string(type)];
  ++count;
  total += std::llabs(amount_cents);
}

void Metrics::count_job(std::string_view job, std::int64_t items) {
  std::lock_guard lock(mutex_);
  auto& [runs, total] = jobs_[std::string(job)];
  ++runs;
  total += items;
}

void Metrics::record_ledger_checks(std::span<const std::pair<std::string, std::int64_t>> checks,
                                   std::int64_t checked_at_s) {
  std::lock_guard lock(mutex_);
  for (const auto& [check, count] : checks) ledger_checks_[check] = count;
  ledger_checked_at_s_ = checked_at_s;
}

std::string Metrics::render(const db::PoolStats& pool, std::int64_t in_flight) const {
  std::lock_guard lock(mutex_);
  std::string out;
  append_header(out, "nnw_http_requests_total", "counter", "HTTP requests by route pattern and status.");
  for (const auto& [key, count] : requests_) {
    out += "nnw_http_requests_total{route=\"" + key.first + "\",status=\"" + std::to_string(key.second) + "\"} " +
           std::to_string(count) + "\n";
  }
  append_header(out, "nnw_http_request_duration_seconds", "histogram", "Request latency by route pattern and status.");
  for (const auto& [key, histogram] : latency_) {
    const std::string labels = "route=\"" + key.first + "\",status=\"" + std::to_string(key.second) + "\"";
    append_histogram(out, "nnw_http_request_duration_seconds", labels, kLatencyBucketsUs, histogram, seconds_from_us);
  }
  append_header(out, "nnw_http_in_flight", "gauge", "Requests being handled now.");
  out += "nnw_http_in_flight " + std::to_string(in_flight) + "\n";
  append_header(out, "nnw_db_pool_connections", "gauge", "Pool size and connections in use.");
  out += "nnw_db_pool_connections{state=\"total\"} " + std::to_string(pool.size) + "\n";
  out += "nnw_db_pool_connections{state=\"in_use\"} " + std::to_string(pool.in_use) + "\n";
  append_header(out, "nnw_db_pool_acquire_timeouts_total", "counter", "Requests that found no free connection in time.");
  out += "nnw_db_pool_acquire_timeouts_total " + std::to_string(pool.timeouts_total) + "\n";
  append_header(out, "nnw_db_connect_failures_total", "counter", "Failed database (re)connections.");
  out += "nnw_db_connect_failures_total " + std::to_string(pool.connect_failures_total) + "\n";
  append_header(out, "nnw_ledger_entries_total", "counter", "Ledger entries booked by this instance, by type.");
  for (const auto& [type, value] : ledger_entries_) {
    out += "nnw_ledger_entries_total{type=\"" + type + "\"} " + std::to_string(value.first) + "\n";
  }
  append_header(out, "nnw_ledger_amount_cents_total", "counter", "Sum of the ledger entries' absolute amounts, in cents, by type.");
  for (const auto& [type, value] : ledger_entries_) {
    out += "nnw_ledger_amount_cents_total{type=\"" + type + "\"} " + std::to_string(value.second) + "\n";
  }
  append_header(out, "nnw_job_items_total", "counter", "Items processed by jobs run over HTTP.");
  for (const auto& [job, value] : jobs_) {
    out += "nnw_job_items_total{job=\"" + job + "\"} " + std::to_string(value.second) + "\n";
  }
  append_header(out, "nnw_ledger_violations", "gauge",
                "What each check of the ledger found at this instance's last verify-ledger run (each must be 0).");
  for (const auto& [check, count] : ledger_checks_) {
    out += "nnw_ledger_violations{check=\"" + check + "\"} " + std::to_string(count) + "\n";
  }
  if (ledger_checked_at_s_ != 0) {
    append_header(out, "nnw_ledger_last_check_timestamp_seconds", "gauge",
                  "When this instance's last verify-ledger run finished (Unix seconds).");
    out += "nnw_ledger_last_check_timestamp_seconds " + std::to_string(ledger_checked_at_s_) + "\n";
  }
  append_header(out, "nnw_transfer_batch_size", "histogram", "Transfers per database transaction of the transfer batcher.");
  append_histogram(out, "nnw_transfer_batch_size", "", kBatchSizeBuckets, transfer_batches_,
                   [](std::int64_t value) { return std::to_string(value); });
  append_header(out, "nnw_transfer_queued_seconds", "histogram",
                "How long each transfer waited for a lane to take it into a batch.");
  append_histogram(out, "nnw_transfer_queued_seconds", "", kTransferWaitBucketsUs, transfers_queued_, seconds_from_us);
  append_header(out, "nnw_transfer_booking_seconds", "histogram",
                "How long each transfer's batch took to book, counted once per transfer.");
  append_histogram(out, "nnw_transfer_booking_seconds", "", kTransferWaitBucketsUs, transfers_booking_, seconds_from_us);
  append_header(out, "nnw_transfers_isolated_total", "counter", "Transfers retried alone after their batch failed.");
  out += "nnw_transfers_isolated_total " + std::to_string(transfers_isolated_) + "\n";
  return out;
}

}  // namespace nnw::server
