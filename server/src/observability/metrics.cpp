#include "observability/metrics.hpp"

#include <cstdlib>

namespace nnw::server {

namespace {
// Prometheus wants seconds; integer microseconds print exactly as "S.UUUUUU".
std::string seconds_from_us(std::int64_t us) {
  const std::string fraction = std::to_string(us % 1000000);
  return std::to_string(us / 1000000) + "." + std::string(6 - fraction.size(), '0') + fraction;
}
}  // namespace

void Metrics::observe_request(std::string_view route, int status, std::int64_t duration_us) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), status}];
  Histogram& histogram = latency_[std::string(route)];
  std::size_t bucket = 0;
  while (bucket < kLatencyBucketsUs.size() && duration_us > kLatencyBucketsUs[bucket]) ++bucket;
  ++histogram.buckets[bucket];
  ++histogram.count;
  histogram.sum_us += duration_us;
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

std::string Metrics::render(const db::PoolStats& pool, std::int64_t in_flight) const {
  std::lock_guard lock(mutex_);
  std::string out;
  out += "# HELP nnw_http_requests_total HTTP requests by route pattern and status.\n# TYPE nnw_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    out += "nnw_http_requests_total{route=\"" + key.first + "\",status=\"" + std::to_string(key.second) + "\"} " +
           std::to_string(count) + "\n";
  }
  out += "# HELP nnw_http_request_duration_seconds Request latency by route pattern.\n"
         "# TYPE nnw_http_request_duration_seconds histogram\n";
  for (const auto& [route, histogram] : latency_) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= kLatencyBucketsUs.size(); ++i) {
      cumulative += histogram.buckets[i];
      // Bucket bounds are printed as decimal seconds from integer microseconds.
      const std::string le = i < kLatencyBucketsUs.size() ? seconds_from_us(kLatencyBucketsUs[i]) : "+Inf";
      out += "nnw_http_request_duration_seconds_bucket{route=\"" + route + "\",le=\"" + le + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "nnw_http_request_duration_seconds_sum{route=\"" + route + "\"} " + seconds_from_us(histogram.sum_us) + "\n";
    out += "nnw_http_request_duration_seconds_count{route=\"" + route + "\"} " + std::to_string(histogram.count) + "\n";
  }
  out += "# HELP nnw_http_in_flight Requests being handled now.\n# TYPE nnw_http_in_flight gauge\n";
  out += "nnw_http_in_flight " + std::to_string(in_flight) + "\n";
  out += "# HELP nnw_db_pool_connections Pool size and connections in use.\n# TYPE nnw_db_pool_connections gauge\n";
  out += "nnw_db_pool_connections{state=\"total\"} " + std::to_string(pool.size) + "\n";
  out += "nnw_db_pool_connections{state=\"in_use\"} " + std::to_string(pool.in_use) + "\n";
  out += "# TYPE nnw_db_pool_acquire_timeouts_total counter\nnnw_db_pool_acquire_timeouts_total " +
         std::to_string(pool.timeouts_total) + "\n";
  out += "# TYPE nnw_db_connect_failures_total counter\nnnw_db_connect_failures_total " +
         std::to_string(pool.connect_failures_total) + "\n";
  out += "# HELP nnw_ledger_entries_total Ledger entries booked by this instance, by type.\n"
         "# TYPE nnw_ledger_entries_total counter\n";
  for (const auto& [type, value] : ledger_entries_) {
    out += "nnw_ledger_entries_total{type=\"" + type + "\"} " + std::to_string(value.first) + "\n";
  }
  out += "# TYPE nnw_ledger_amount_cents_total counter\n";
  for (const auto& [type, value] : ledger_entries_) {
    out += "nnw_ledger_amount_cents_total{type=\"" + type + "\"} " + std::to_string(value.second) + "\n";
  }
  out += "# TYPE nnw_job_items_total counter\n";
  for (const auto& [job, value] : jobs_) {
    out += "nnw_job_items_total{job=\"" + job + "\"} " + std::to_string(value.second) + "\n";
  }
  return out;
}

}  // namespace nnw::server
